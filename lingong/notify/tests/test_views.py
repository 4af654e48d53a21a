"""The outbox page (city admins only) and the local SMS page (never in production)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lingong.accounts.models import AuditEntry
from lingong.notify.models import REDACTED, LocalDelivery, OutboxMessage, Status
from lingong.notify.services import send_code

pytestmark = pytest.mark.django_db

OUTBOX = "/notify/outbox/"
LOCAL_SMS = "/notify/local-sms/"


def make_message(n: int, **overrides) -> OutboxMessage:
    now = timezone.now()
    fields = {
        "channel": "sms",
        "recipient": f"139000{n:05d}",
        "template": "sms_code",
        "params": {"code": "123456", "minutes": 10},
        "secret_params": ["code"],
        "text": "…",
        "dedupe_key": f"view-test:{n}",
        "next_attempt_at": now,
        "created_at": now,
    }
    fields.update(overrides)
    return OutboxMessage.objects.create(**fields)


def test_urls_are_named():
    assert reverse("notify:outbox") == OUTBOX
    assert reverse("notify:local_sms") == LOCAL_SMS


class TestOutboxPage:
    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(OUTBOX)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    @pytest.mark.parametrize("role", ["worker", "employer", "outsider", "coordinator_a", "town_admin_b"])
    def test_other_roles_are_refused(self, client, personas, role):
        client.force_login(getattr(personas, role))
        assert client.get(OUTBOX).status_code == 403
        assert client.post(OUTBOX, {"retry": "1"}).status_code == 403

    def test_city_admin_sees_masked_recipients(self, client, personas):
        make_message(1, status=Status.DEAD, attempts=8, last_error="HTTP 503 ServiceUnavailable")
        make_message(
            2, channel="wechat", recipient="oAbCdEfGhIjKlMnOp", template="gig_offer", status=Status.SENT
        )
        client.force_login(personas.city_admin)
        response = client.get(OUTBOX)
        assert response.status_code == 200
        body = response.content.decode()
        assert "139****0001" in body and "13900000001" not in body
        assert "oAbC****MnOp" in body and "oAbCdEfGhIjKlMnOp" not in body
        assert "HTTP 503 ServiceUnavailable" in body and "重试用尽" in body
        # Filters
        body = client.get(OUTBOX, {"status": "sent"}).content.decode()
        assert "gig_offer" in body and "139****0001" not in body

    def test_query_count_is_flat(self, client, personas, django_assert_max_num_queries):
        for n in range(30):
            make_message(n)
        client.force_login(personas.city_admin)
        client.get(OUTBOX)  # warm the session and memberships
        with django_assert_max_num_queries(10):
            assert client.get(OUTBOX).status_code == 200

    def test_retry_a_dead_message_is_audited(self, client, personas, django_capture_on_commit_callbacks):
        message = make_message(
            1, params={"title": "搬运"}, secret_params=[], status=Status.DEAD, attempts=8, last_error="x"
        )
        client.force_login(personas.city_admin)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client.post(OUTBOX, {"retry": message.pk})
        assert response.status_code == 302
        message.refresh_from_db()
        assert message.status == Status.PENDING and message.attempts == 0
        # Handed to the consumer again after commit (other apps may add their own callbacks on audit writes).
        assert sum(1 for c in callbacks if c.__module__ == "lingong.notify.services") == 1
        assert AuditEntry.objects.filter(action="notify.retry", object_id=str(message.pk)).exists()

    def test_a_redacted_code_cannot_be_retried(self, client, personas):
        message = make_message(1, params={"code": REDACTED, "minutes": 10}, status=Status.FAILED)
        client.force_login(personas.city_admin)
        response = client.post(OUTBOX, {"retry": message.pk}, follow=True)
        assert "含验证码的消息不能重发" in response.content.decode()
        message.refresh_from_db()
        assert message.status == Status.FAILED


class TestLocalSmsPage:
    def test_shows_codes_newest_first(self, client, django_capture_on_commit_callbacks):
        t0 = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            send_code(phone="13912345678", purpose="register", now=t0)
        with django_capture_on_commit_callbacks(execute=True):
            send_code(phone="13912345678", purpose="register", now=t0 + dt.timedelta(minutes=2))
        newest = LocalDelivery.objects.latest("id")
        response = client.get(LOCAL_SMS)
        assert response.status_code == 200
        body = response.content.decode()
        first_item = body.index('data-phone="13912345678"')
        assert f'data-code="{newest.code}"' in body[first_item : first_item + 200]
        assert newest.text in body
        assert "<script>" not in body and "style=" not in body

    def test_filter_by_phone_and_htmx_partial(self, client, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            send_code(phone="13912345678", purpose="login")
            send_code(phone="13912345679", purpose="login")
        body = client.get(LOCAL_SMS, {"phone": "13912345679"}).content.decode()
        assert 'data-phone="13912345679"' in body and 'data-phone="13912345678"' not in body
        partial = client.get(LOCAL_SMS, HTTP_HX_REQUEST="true").content.decode()
        assert "<html" not in partial and partial.count("data-code=") == 2

    def test_never_in_production(self, client, settings):
        settings.PRODUCTION = True
        settings.DEBUG = True
        assert client.get(LOCAL_SMS).status_code == 404

    def test_hidden_when_sms_goes_to_a_real_gateway(self, client, settings):
        settings.NOTIFY_CHANNELS = {"sms": "lingong.notify.channels.AliyunSmsChannel"}
        settings.DEBUG = False
        assert client.get(LOCAL_SMS).status_code == 404
        settings.DEBUG = True
        assert client.get(LOCAL_SMS).status_code == 200
