"""The bulk import service: upsert by external id, unchanged rows, rejected rows, screening, atomicity."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lingong.accounts.models import AuditEntry
from lingong.exchange import importer, services
from lingong.exchange.models import ExternalGig, ImportBatch
from lingong.gigs import booking
from lingong.gigs.models import Gig, GigStatus, GigTerm, Shift
from lingong.gigs.tests.factories import make_worker

from .conftest import row

pytestmark = pytest.mark.django_db


def run(partner, user, rows):
    return services.import_gigs(actor=user, partner=partner, rows=rows)


class TestUpsert:
    def test_creates_public_gigs_with_shifts_terms_and_external_ids(self, partner, partner_user):
        batch, result = run(partner, partner_user, [row("A1"), row("A2", title="商场保洁 周末")])
        assert (result.created, result.updated, result.unchanged, result.rejected) == (2, 0, 0, 0)
        gigs = Gig.objects.filter(external__partner=partner)
        assert gigs.count() == 2
        assert set(gigs.values_list("status", flat=True)) == {GigStatus.OPEN}
        assert Gig.objects.public().count() == 2
        assert Shift.objects.filter(gig__in=gigs).count() == 2
        assert GigTerm.objects.filter(gig__in=gigs, term="保洁").count() == 2
        gig = gigs.get(external__external_id="A1")
        assert gig.employer == partner.employer and gig.created_by == partner_user
        assert gig.first_start is not None and gig.hourly_pay is not None
        batch.refresh_from_db()
        assert (batch.status, batch.created, batch.processed) == ("done", 2, 2)
        assert AuditEntry.objects.filter(action="exchange.import", object_id=batch.code).exists()

    def test_same_rows_again_are_unchanged(self, partner, partner_user):
        run(partner, partner_user, [row("A1"), row("A2")])
        before = dict(Gig.objects.values_list("code", "updated_at"))
        _, result = run(partner, partner_user, [row("A1"), row("A2")])
        assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
        assert dict(Gig.objects.values_list("code", "updated_at")) == before

    def test_changed_row_updates_the_same_gig(self, partner, partner_user):
        run(partner, partner_user, [row("A1")])
        code = Gig.objects.get().code
        _, result = run(partner, partner_user, [row("A1", title="商场保洁 急招", headcount=5)])
        assert (result.created, result.updated) == (0, 1)
        gig = Gig.objects.get()
        assert (gig.code, gig.title, gig.headcount) == (code, "商场保洁 急招", 5)
        assert list(gig.shifts.values_list("headcount", flat=True)) == [5]
        assert GigTerm.objects.filter(gig=gig, term="商场").exists()
        assert ExternalGig.objects.get(gig=gig).content_hash == importer.row_hash(
            row("A1", title="商场保洁 急招", headcount=5)
        )

    def test_gig_with_applications_is_not_rewritten(self, personas, partner, partner_user):
        run(partner, partner_user, [row("A1")])
        gig = Gig.objects.get()
        worker = make_worker(personas.coordinator_a, personas.station_a)
        booking.apply(gig.shifts.get(), actor=worker.user)
        _, result = run(partner, partner_user, [row("A1", title="写字楼保洁 改")])
        assert result.rejected == 1 and "已有人报名" in result.errors[0].messages[0]
        gig.refresh_from_db()
        assert gig.title == "写字楼保洁 日结"

    def test_duplicate_external_id_in_one_batch(self, partner, partner_user):
        _, result = run(partner, partner_user, [row("A1"), row("A1", title="别的")])
        assert (result.created, result.rejected) == (1, 1)
        assert result.errors[0].row == 2 and "重复" in result.errors[0].messages[0]


class TestRejected:
    def test_invalid_rows_are_rejected_with_row_numbers_and_chinese_messages(self, partner, partner_user):
        rows = [
            row("OK1"),
            row("BAD1", headcount=0, contact_phone="123"),
            row("BAD2", occupation="9-99-99-99", town="火星", shifts=[]),
            row("OK2"),
        ]
        _, result = run(partner, partner_user, rows)
        assert (result.created, result.rejected) == (2, 2)
        by_row = {e.row: e for e in result.errors}
        assert set(by_row) == {2, 3}
        assert any(m.startswith("每班人数：") for m in by_row[2].messages)
        assert any(m.startswith("联系电话：") for m in by_row[2].messages)
        text = "；".join(by_row[3].messages)
        assert "职业：" in text and "镇街：" in text and "班次：" in text
        assert set(Gig.objects.values_list("external__external_id", flat=True)) == {"OK1", "OK2"}

    def test_screening_block_rejects_the_row_and_saves_nothing_of_it(self, partner, partner_user):
        rows = [row("OK1"), row("SEX", description="招保洁员，只招男性，要求本地户口。")]
        _, result = run(partner, partner_user, rows)
        assert (result.created, result.rejected) == (1, 1)
        error = result.errors[0]
        assert error.row == 2 and error.external_id == "SEX"
        assert any("男性" in m for m in error.messages)
        assert not ExternalGig.objects.filter(external_id="SEX").exists()
        assert Gig.objects.count() == 1 and Shift.objects.count() == 1

    def test_pay_under_minimum_wage_is_blocked(self, partner, partner_user):
        _, result = run(partner, partner_user, [row("LOW", pay_amount="5", pay_unit="hour")])
        assert result.rejected == 1 and Gig.objects.count() == 0

    def test_a_failing_chunk_leaves_nothing_half_saved(self, partner, partner_user, monkeypatch):
        from lingong.gigs import search

        def broken(*args, **kwargs):
            raise RuntimeError("index down")

        monkeypatch.setattr(search, "index_gigs", broken)
        with pytest.raises(RuntimeError):
            importer.import_rows([row("A1"), row("A2")], partner=partner, actor=partner_user)
        assert not Gig.objects.exists() and not Shift.objects.exists() and not ExternalGig.objects.exists()


class TestWho:
    def test_outsider_may_not_import_for_the_partner(self, personas, partner):
        with pytest.raises(PermissionDenied):
            run(partner, personas.outsider, [row("A1")])
        assert not Gig.objects.exists()

    def test_inactive_partner_may_not_import(self, personas, partner, partner_user):
        services.set_partner_active(
            actor=personas.city_admin, partner=partner, active=False, reason="合作结束"
        )
        with pytest.raises(PermissionDenied):
            run(partner, partner_user, [row("A1")])

    def test_unverified_employer_may_not_import(self, personas, partner, partner_user):
        partner.employer.status = "suspended"
        partner.employer.save(update_fields=["status"])
        with pytest.raises(ValidationError, match="认证"):
            run(partner, partner_user, [row("A1")])
        assert not ImportBatch.objects.exists()

    def test_only_city_admin_manages_partners(self, personas, employer):
        with pytest.raises(PermissionDenied):
            services.create_partner(
                actor=personas.town_admin_b, data={"name": "x", "kind": "platform", "employer": employer}
            )

    def test_hr_agency_partner_needs_an_hr_agency_employer(self, personas, employer):
        with pytest.raises(ValidationError) as exc:
            services.create_partner(
                actor=personas.city_admin,
                data={"name": "某人力公司", "kind": "hr_agency", "employer": employer},
            )
        assert "人力资源服务机构" in exc.value.message_dict["employer"][0]

    def test_partner_changes_are_audited(self, personas, partner):
        services.set_partner_active(
            actor=personas.city_admin, partner=partner, active=False, reason="合作结束"
        )
        actions = set(AuditEntry.objects.filter(object_id=partner.code).values_list("action", flat=True))
        assert {"exchange.partner_create", "exchange.partner_active"} <= actions
