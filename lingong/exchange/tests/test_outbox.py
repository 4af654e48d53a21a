"""The provincial hand-off: written in the change's transaction, nothing on rollback, delivered once."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from lingong.exchange import outbox, services
from lingong.exchange.models import ProvincialPush, PushStatus
from lingong.exchange.provincial import HttpProvincialPlatform, TemporaryFailure
from lingong.gigs import services as gig_services
from lingong.gigs.models import Gig
from lingong.notify.channels import HttpResponse

from .conftest import row

pytestmark = pytest.mark.django_db


def lines(settings) -> list[dict]:
    path = settings.EXCHANGE_PROVINCIAL_LOG
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []


class TestOutbox:
    def test_import_writes_one_push_per_chunk_in_its_transaction(self, partner, partner_user):
        services.import_gigs(actor=partner_user, partner=partner, rows=[row("A1"), row("A2")])
        push = ProvincialPush.objects.get()
        assert sorted(push.gig_codes) == sorted(Gig.objects.values_list("code", flat=True))
        assert push.status == PushStatus.PENDING  # the test transaction never commits

    def test_rolled_back_change_sends_nothing(self, partner, partner_user, settings):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.import_gigs(actor=partner_user, partner=partner, rows=[row("A1")])
            raise RuntimeError("rollback")
        assert not ProvincialPush.objects.exists()
        assert outbox.deliver_due() == {}
        assert lines(settings) == []

    def test_delivered_once_however_often_it_runs(self, partner, partner_user, settings):
        services.import_gigs(actor=partner_user, partner=partner, rows=[row("A1")])
        push = ProvincialPush.objects.get()
        assert outbox.deliver_push(push.pk) == PushStatus.SENT
        assert outbox.deliver_push(push.pk) == PushStatus.SENT
        assert outbox.deliver_due() == {}
        sent = lines(settings)
        assert len(sent) == 1 and sent[0]["push_id"] == push.pk
        doc = sent[0]["gigs"][0]
        assert doc["event"] == "open" and doc["contact_phone"] == "139****0005"
        push.refresh_from_db()
        assert push.receipt == f"local-{push.pk}" and push.sent_at is not None

    def test_same_dedupe_key_is_one_push(self, partner, partner_user):
        with transaction.atomic():
            a = outbox.enqueue_push(["G1"], reason="x", dedupe_key="k")
            b = outbox.enqueue_push(["G1"], reason="x", dedupe_key="k")
        assert a is not None and b is not None and a.pk == b.pk
        assert ProvincialPush.objects.count() == 1

    def test_closing_a_gig_through_the_gigs_service_pushes(self, personas, partner, partner_user):
        services.import_gigs(actor=partner_user, partner=partner, rows=[row("A1")])
        gig = Gig.objects.get()
        gig_services.close(gig, actor=personas.employer)
        push = ProvincialPush.objects.get(reason="gig.closed")
        assert push.gig_codes == [gig.code]
        outbox.deliver_push(push.pk)

    def test_temporary_failure_retries_with_backoff(self, partner, partner_user, settings, monkeypatch):
        settings.EXCHANGE_PROVINCIAL_PLATFORM = "lingong.exchange.provincial.HttpProvincialPlatform"
        settings.EXCHANGE_PROVINCIAL_HTTP = {}
        services.import_gigs(actor=partner_user, partner=partner, rows=[row("A1")])
        push = ProvincialPush.objects.get()
        assert outbox.deliver_push(push.pk) == PushStatus.PENDING
        push.refresh_from_db()
        assert push.attempts == 1 and "未配置" in push.last_error and push.next_attempt_at > push.created_at


class TestHttpAdapter:
    def test_signed_request_and_answers(self):
        seen = []

        def transport(request):
            seen.append(request)
            return HttpResponse(200, b'{"receipt": "R-1"}')

        platform = HttpProvincialPlatform(
            config={"url": "https://example.invalid/push", "secret": "s"}, transport=transport
        )
        assert platform.push([{"code": "G1"}], push_id=7) == "R-1"
        assert seen[0].headers["Idempotency-Key"] == "lingong-push-7" and seen[0].headers["X-Signature"]

    def test_server_errors_are_temporary(self):
        platform = HttpProvincialPlatform(
            config={"url": "https://example.invalid/push", "secret": "s"},
            transport=lambda r: HttpResponse(503, b""),
        )
        with pytest.raises(TemporaryFailure):
            platform.push([], push_id=1)
