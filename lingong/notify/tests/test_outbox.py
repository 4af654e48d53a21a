"""The outbox: written in the caller's transaction, sent only after commit, idempotent per dedupe key."""

import json

import pytest
from django.db import transaction

from lingong.notify.channels import local_log_path
from lingong.notify.models import LocalDelivery, OutboxMessage, Status
from lingong.notify.services import enqueue
from lingong.notify.texts import register

register("test_notice", "【中山零工市场】{name}，您报名的岗位“{title}”已确认。")
PHONE = "13912345678"


def _enqueue(key="gig-offer:1", **overrides):
    kwargs = {
        "channel": "sms",
        "recipient": PHONE,
        "template": "test_notice",
        "params": {"name": "张三", "title": "搬运装卸"},
        "dedupe_key": key,
    }
    kwargs.update(overrides)
    return enqueue(**kwargs)


@pytest.mark.django_db
def test_enqueue_stores_rendered_message_and_delivers_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = _enqueue()
        # Nothing leaves before the caller's transaction commits.
        assert message.status == Status.PENDING
        assert message.text == "【中山零工市场】张三，您报名的岗位“搬运装卸”已确认。"
        assert not LocalDelivery.objects.exists()
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.provider_id == f"local-{message.pk}"
    assert message.attempts == 1 and message.sent_at is not None
    delivery = LocalDelivery.objects.get(message=message)
    assert delivery.recipient == PHONE and delivery.text == message.text
    lines = local_log_path().read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["text"] for line in lines] == [message.text]


@pytest.mark.django_db
def test_same_dedupe_key_returns_the_existing_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = _enqueue()
        again = _enqueue(params={"name": "李四", "title": "别的"})
    assert again.pk == first.pk
    assert OutboxMessage.objects.count() == 1
    assert len(callbacks) == 1  # scheduled once
    # Enqueueing again after it was sent sends nothing more.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert _enqueue().pk == first.pk
    assert callbacks == []
    assert LocalDelivery.objects.count() == 1


@pytest.mark.django_db
def test_enqueue_rejects_bad_input():
    with pytest.raises(ValueError, match="手机号"):
        _enqueue(recipient="12345")
    with pytest.raises(ValueError, match="unknown notify template"):
        _enqueue(template="nope")
    with pytest.raises(ValueError, match="needs params"):
        _enqueue(params={"name": "张三"})
    with pytest.raises(ValueError, match="channel"):
        _enqueue(channel="fax")
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_sms_recipient_is_normalised(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        message = _enqueue(recipient="+86 139-1234-5678")
    assert message.recipient == PHONE


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside transaction.atomic"):
        _enqueue()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_never_sends():
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        _enqueue()
        raise Boom
    assert not OutboxMessage.objects.exists()
    assert not LocalDelivery.objects.exists()
    assert not local_log_path().exists()


@pytest.mark.django_db(transaction=True)
def test_committed_change_sends_through_huey():
    # Under pytest Huey runs tasks immediately, so the on_commit hand-off delivers inline.
    with transaction.atomic():
        message = _enqueue()
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert LocalDelivery.objects.filter(message=message).count() == 1


@pytest.mark.django_db(transaction=True)
def test_inner_savepoint_rollback_keeps_nothing():
    # A message enqueued in a savepoint that rolls back is gone, and its callback is discarded.
    with transaction.atomic():
        try:
            with transaction.atomic():
                _enqueue(key="inner")
                raise ValueError("nope")
        except ValueError:
            pass
        _enqueue(key="outer")
    assert list(OutboxMessage.objects.values_list("dedupe_key", "status")) == [("outer", Status.SENT)]
