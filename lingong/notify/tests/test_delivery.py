"""Delivery: claims, retries with backoff, permanent failure, dead letters, crashed consumers."""

import datetime as dt
import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from lingong.notify import tasks
from lingong.notify.channels import PermanentFailure, TemporaryFailure
from lingong.notify.delivery import backoff, deliver_due, deliver_message
from lingong.notify.models import REDACTED, LocalDelivery, OutboxMessage, Status

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def make_message(**overrides) -> OutboxMessage:
    """An outbox row as enqueue() leaves it, due at T0 (created directly: no on_commit hand-off)."""
    fields = {
        "channel": "sms",
        "recipient": "13912345678",
        "template": "sms_code",
        "params": {"code": "482913", "minutes": 10},
        "secret_params": ["code"],
        "text": "【中山零工市场】您的验证码是482913，10分钟内有效。如非本人操作请忽略。",
        "dedupe_key": f"test:{OutboxMessage.objects.count()}",
        "next_attempt_at": T0,
        "created_at": T0,
    }
    fields.update(overrides)
    return OutboxMessage.objects.create(**fields)


pytestmark = pytest.mark.django_db


def test_success_marks_sent_and_redacts_the_code(scripted):
    message = make_message()
    assert deliver_message(message.pk, now=T0) == Status.SENT
    message.refresh_from_db()
    assert (message.status, message.attempts, message.sent_at) == (Status.SENT, 1, T0)
    assert message.provider_id.startswith("fake-")
    # The code does not outlive delivery in the outbox.
    assert message.params["code"] == REDACTED and "482913" not in message.text
    assert scripted.sent == [message.pk]


def test_a_sent_message_is_never_sent_again(scripted):
    message = make_message()
    for _ in range(3):
        deliver_message(message.pk, now=T0 + dt.timedelta(hours=1))
    deliver_due(now=T0 + dt.timedelta(hours=2))
    assert scripted.sent == [message.pk]


def test_temporary_failure_retries_with_exponential_backoff(scripted):
    message = make_message()
    scripted.outcomes[:] = [TemporaryFailure("HTTP 503"), TemporaryFailure("HTTP 503")]
    assert deliver_message(message.pk, now=T0) == Status.PENDING
    message.refresh_from_db()
    assert message.attempts == 1 and message.last_error == "HTTP 503"
    assert message.next_attempt_at == T0 + dt.timedelta(minutes=1)
    assert message.params["code"] == "482913"  # still needed for the retry

    # Not due yet: nothing happens.
    assert deliver_message(message.pk, now=T0 + dt.timedelta(seconds=30)) == Status.PENDING
    assert len(scripted.sent) == 1

    t1 = T0 + dt.timedelta(minutes=1)
    assert deliver_message(message.pk, now=t1) == Status.PENDING
    message.refresh_from_db()
    assert message.attempts == 2 and message.next_attempt_at == t1 + dt.timedelta(minutes=2)

    t2 = t1 + dt.timedelta(minutes=2)
    assert deliver_due(now=t2) == {Status.SENT: 1}
    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 3 and message.last_error == ""


def test_backoff_doubles():
    assert [backoff(n).total_seconds() / 60 for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 64, 120]


def test_dead_after_max_attempts(scripted, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 8
    message = make_message()
    scripted.outcomes[:] = [TemporaryFailure(f"try {i}") for i in range(20)]
    now = T0
    waits = []
    for _ in range(8):
        status = deliver_message(message.pk, now=now)
        message.refresh_from_db()
        if status == Status.PENDING:
            waits.append((message.next_attempt_at - now).total_seconds() / 60)
            now = message.next_attempt_at
    assert waits == [1, 2, 4, 8, 16, 32, 64]
    assert message.status == Status.DEAD and message.attempts == 8
    assert message.last_error == "try 7"
    assert message.params["code"] == REDACTED
    assert deliver_message(message.pk, now=now + dt.timedelta(days=1)) == Status.DEAD
    assert len(scripted.sent) == 8


def test_permanent_failure_is_final(scripted):
    message = make_message()
    scripted.outcomes[:] = [PermanentFailure("isv.MOBILE_NUMBER_ILLEGAL")]
    assert deliver_message(message.pk, now=T0) == Status.FAILED
    message.refresh_from_db()
    assert message.last_error == "isv.MOBILE_NUMBER_ILLEGAL" and message.attempts == 1
    assert deliver_due(now=T0 + dt.timedelta(hours=3)) == {}
    assert len(scripted.sent) == 1


def test_unexpected_errors_are_retried(scripted):
    message = make_message()
    scripted.outcomes[:] = [KeyError("bug")]
    assert deliver_message(message.pk, now=T0) == Status.PENDING
    message.refresh_from_db()
    assert message.last_error.startswith("KeyError")


def test_expired_message_is_not_sent(scripted):
    message = make_message(expires_at=T0 + dt.timedelta(minutes=10))
    scripted.outcomes[:] = [TemporaryFailure("down")]
    deliver_message(message.pk, now=T0)
    assert deliver_message(message.pk, now=T0 + dt.timedelta(minutes=11)) == Status.FAILED
    message.refresh_from_db()
    assert message.last_error == "已过期，未发送" and message.params["code"] == REDACTED
    assert len(scripted.sent) == 1


def test_a_claimed_message_is_left_to_its_consumer(scripted):
    message = make_message()
    # Another consumer claimed it a minute ago and is still sending.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_at=T0, claim_token="other", attempts=1
    )
    assert deliver_message(message.pk, now=T0 + dt.timedelta(minutes=1)) == Status.SENDING
    assert deliver_due(now=T0 + dt.timedelta(minutes=1)) == {}
    assert scripted.sent == []


def test_stuck_sending_is_taken_over_after_the_timeout(scripted):
    message = make_message()
    # A consumer claimed it and crashed.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_at=T0, claim_token="crashed", attempts=1
    )
    assert deliver_due(now=T0 + dt.timedelta(minutes=4)) == {}
    assert deliver_due(now=T0 + dt.timedelta(minutes=6)) == {Status.SENT: 1}
    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 2
    assert scripted.sent == [message.pk]


def test_late_result_of_a_superseded_claim_is_ignored(scripted):
    """A consumer whose claim was taken over may not record a failure over the new claim."""
    message = make_message()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_at=T0 + dt.timedelta(minutes=10), claim_token="new-owner", attempts=2
    )
    from lingong.notify.delivery import _finish

    _finish(message, "old-owner", Status.DEAD, "late")
    message.refresh_from_db()
    assert message.status == Status.SENDING and message.claim_token == "new-owner"


def test_a_message_that_keeps_crashing_its_consumer_goes_dead(scripted, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    message = make_message()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_at=T0, claim_token="crashed", attempts=3, last_error=""
    )
    assert deliver_message(message.pk, now=T0 + dt.timedelta(minutes=6)) == Status.DEAD
    assert scripted.sent == []


def test_missing_message():
    assert deliver_message(999_999, now=T0) == "missing"


def test_periodic_task_delivers_what_is_due(notify_var_dir):
    due = make_message(next_attempt_at=timezone.now() - dt.timedelta(minutes=1))
    later = make_message(next_attempt_at=timezone.now() + dt.timedelta(hours=1))
    assert tasks.deliver_due.call_local() == {Status.SENT: 1}
    assert LocalDelivery.objects.get().message_id == due.pk
    later.refresh_from_db()
    assert later.status == Status.PENDING


def test_local_channel_is_idempotent_per_message():
    from lingong.notify.channels import LocalLogChannel, local_log_path

    message = make_message()
    channel = LocalLogChannel()
    assert channel.send(message) == channel.send(message) == f"local-{message.pk}"
    assert LocalDelivery.objects.count() == 1
    assert len(local_log_path().read_text(encoding="utf-8").splitlines()) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_consumers_send_exactly_once(scripted):
    """Several consumer threads, each with its own database connection, race for the same message."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(":memory:"):
        pytest.skip("needs a file database shared between threads")
    messages = [make_message(next_attempt_at=timezone.now() - dt.timedelta(seconds=1)) for _ in range(3)]
    scripted.delay = 0.05
    barrier = threading.Barrier(4)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def consumer():
        try:
            barrier.wait()
            for m in messages:
                outcomes.append(deliver_message(m.pk))
        except BaseException as exc:  # surfaced below; a thread must not swallow it
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=consumer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(scripted.sent) == sorted(m.pk for m in messages)  # each exactly once
    assert set(outcomes) <= {Status.SENT, Status.SENDING}
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}
