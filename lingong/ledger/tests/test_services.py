"""record_service and the other ledger writes: rules, de-duplication, permission, correction, voiding."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lingong.accounts.models import AuditEntry
from lingong.ledger import partners, services
from lingong.ledger.models import MAX_WALK_INS, LedgerEntry
from lingong.ledger.reports import by_service
from lingong.places.models import Station

pytestmark = pytest.mark.django_db


def record(world, **kwargs):
    args = {"station": world.p.station_a, "service": "guidance", "actor": world.p.coordinator_a, **kwargs}
    if "worker" not in args and "walk_in_count" not in args:
        args["walk_in_count"] = 1
    return services.record_service(**args)


class TestRecordService:
    def test_walk_in_line_is_saved_audited_and_keeps_the_station_active(self, world):
        Station.objects.filter(pk=world.p.station_a.pk).update(ledger_last_entry_on=None)
        entry = record(world, service="policy", walk_in_count=3, notes="  咨询社保补贴  ")
        entry.refresh_from_db()
        assert (entry.service, entry.walk_in_count, entry.persons, entry.worker_id) == ("policy", 3, 3, None)
        assert entry.notes == "咨询社保补贴" and entry.source == "manual" and entry.code.startswith("LE")
        assert entry.day == timezone.localdate() and entry.coordinator == world.p.coordinator_a
        station = Station.objects.get(pk=world.p.station_a.pk)
        assert station.ledger_last_entry_on == timezone.localdate()
        assert station.ledger_active(timezone.localdate())
        assert AuditEntry.objects.filter(action="ledger.record", object_id=entry.code).exists()

    def test_a_named_worker_is_one_person(self, world):
        entry = record(world, worker=world.worker_a, walk_in_count=1)
        assert entry.walk_in_count == 0 and entry.persons == 1 and entry.worker == world.worker_a

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"walk_in_count": 0}, "walk_in_count"),
            ({"walk_in_count": MAX_WALK_INS + 1}, "walk_in_count"),
            ({"walk_in_count": "许多"}, "walk_in_count"),
            ({"service": "massage"}, "service"),
            ({"source": "Bad Source"}, "source"),
            ({"ref": "R" * 41, "source": "event"}, "ref"),
            ({"notes": "很" * 501}, "notes"),
            ({"outcome": "好" * 201}, "outcome"),
            ({"result": "maybe"}, "result"),
            ({"at": timezone.now() + dt.timedelta(hours=1)}, "at"),
            ({"at": timezone.now() - dt.timedelta(days=services.BACKFILL_DAYS + 1)}, "at"),
        ],
    )
    def test_bad_input_is_refused_in_chinese_and_saves_nothing(self, world, kwargs, field):
        before = LedgerEntry.objects.count()
        with pytest.raises(ValidationError) as exc:
            record(world, **kwargs)
        assert field in exc.value.message_dict
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in exc.value.messages)
        assert LedgerEntry.objects.count() == before

    def test_worker_with_companions_must_be_two_lines(self, world):
        with pytest.raises(ValidationError) as exc:
            record(world, worker=world.worker_a, walk_in_count=2)
        assert "另记一条匿名来访" in exc.value.message_dict["walk_in_count"][0]

    def test_the_same_event_never_writes_two_lines(self, world):
        first = record(
            world, worker=world.worker_a, source="training_referral", ref="TR123", service="training"
        )
        again = record(
            world, worker=world.worker_a, source="training_referral", ref="TR123", service="training"
        )
        other_service = record(world, worker=world.worker_a, source="training_referral", ref="TR123")
        assert again.pk == first.pk and other_service.pk != first.pk
        crowd = record(world, source="event", ref="EV9", service="recruitment", walk_in_count=40)
        assert (
            record(world, source="event", ref="EV9", service="recruitment", walk_in_count=40).pk == crowd.pk
        )
        # Manual lines carry no ref: two visits are two lines.
        assert record(world).pk != record(world).pk

    def test_system_lines_shorten_long_text_instead_of_failing(self, world):
        entry = record(world, source="assistance", ref="AP1", notes="长" * 600, outcome="hired")
        assert len(entry.notes) == services.NOTES_MAX
        assert (entry.outcome, entry.result) == ("", "hired")
        old = timezone.now() - dt.timedelta(days=30)
        assert record(world, source="event", ref="EV-old", at=old).day == timezone.localdate(old)

    def test_backfilling_never_moves_the_active_date_back(self, world):
        record(world)
        record(world, at=timezone.now() - dt.timedelta(days=3))
        assert Station.objects.get(pk=world.p.station_a.pk).ledger_last_entry_on == timezone.localdate()

    def test_only_the_stations_staff_may_write(self, world):
        p = world.p
        with pytest.raises(PermissionDenied):
            record(world, station=p.station_b)
        for outsider in (p.worker, p.employer, p.outsider):
            with pytest.raises(PermissionDenied):
                record(world, actor=outsider)
        with pytest.raises(PermissionDenied):
            record(world, actor=None)  # a manual line needs a person
        assert record(world, actor=None, source="kiosk", ref="K1").coordinator is None
        assert record(world, station=p.station_b, actor=p.town_admin_b).station == p.station_b
        assert record(world, station=p.station_b, actor=p.city_admin).station == p.station_b

    def test_a_manual_line_names_only_workers_the_actor_serves(self, world):
        with pytest.raises(ValidationError) as exc:
            record(world, worker=world.worker_b)
        assert "worker" in exc.value.message_dict
        # Another part of the system has done its own checks.
        assert record(world, worker=world.worker_b, source="invitation", ref="G1").worker == world.worker_b

    def test_partner_must_belong_to_the_station_and_be_active(self, world):
        p = world.p
        mine = partners.create_partner(
            actor=p.coordinator_a, station=p.station_a, data={"kind": "volunteer", "name": "陈志愿"}
        )
        theirs = partners.create_partner(
            actor=p.town_admin_b, station=p.station_b, data={"kind": "hr_agency", "name": "东区人力"}
        )
        assert record(world, partner=mine).partner == mine
        with pytest.raises(ValidationError) as exc:
            record(world, partner=theirs)
        assert "不属于本站点" in exc.value.message_dict["partner"][0]
        partners.update_partner(mine, actor=p.coordinator_a, data={"active": False})
        mine.refresh_from_db()
        with pytest.raises(ValidationError):
            record(world, partner=mine)

    def test_record_visit_writes_one_line_per_service_or_none(self, world):
        lines = services.record_visit(
            station=world.p.station_a,
            services=["guidance", "policy", "guidance"],
            actor=world.p.coordinator_a,
            walk_in_count=2,
        )
        assert [e.service for e in lines] == ["guidance", "policy"]
        before = LedgerEntry.objects.count()
        with pytest.raises(ValidationError):
            services.record_visit(
                station=world.p.station_a, services=["guidance", "nope"], actor=world.p.coordinator_a
            )
        with pytest.raises(ValidationError):
            services.record_visit(
                station=world.p.station_a,
                services=["guidance", "policy"],
                actor=world.p.coordinator_a,
                walk_in_count=0,
            )
        assert LedgerEntry.objects.count() == before

    def test_the_database_refuses_a_line_without_worker_or_count(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            LedgerEntry.objects.create(
                code="LEBAD", station=world.p.station_a, day=timezone.localdate(), at=timezone.now(),
                service="other", walk_in_count=0,
            )  # fmt: skip


class TestCorrectAndVoid:
    def test_the_recorder_corrects_a_line_the_same_day(self, world):
        entry = record(world, walk_in_count=2)
        services.correct_entry(
            entry,
            actor=world.p.coordinator_a,
            data={"service": "rights", "notes": "欠薪咨询", "walk_in_count": 1},
        )
        entry.refresh_from_db()
        assert (entry.service, entry.notes, entry.walk_in_count) == ("rights", "欠薪咨询", 1)
        assert entry.corrected_at is not None
        audit = AuditEntry.objects.get(action="ledger.correct", object_id=entry.code)
        assert audit.before == {"service": "guidance", "walk_in_count": 2, "notes": ""}
        assert audit.after == {"service": "rights", "walk_in_count": 1, "notes": "欠薪咨询"}

    def test_nobody_else_and_not_later(self, world):
        entry = record(world)
        for other in (world.p.town_admin_b, world.p.city_admin, world.p.outsider):
            with pytest.raises(PermissionDenied):
                services.correct_entry(entry, actor=other, data={"notes": "x"})
        old = record(world, at=timezone.now() - dt.timedelta(days=2))
        with pytest.raises(PermissionDenied):
            services.correct_entry(old, actor=world.p.coordinator_a, data={"notes": "补充"})

    def test_system_lines_keep_their_service(self, world):
        entry = LedgerEntry.objects.get(source="registration", ref=world.worker_a.code)
        with pytest.raises(ValidationError):
            services.correct_entry(entry, actor=world.p.coordinator_a, data={"service": "guidance"})
        services.correct_entry(entry, actor=world.p.coordinator_a, data={"notes": "本人带了身份证"})
        assert LedgerEntry.objects.get(pk=entry.pk).notes == "本人带了身份证"

    def test_void_keeps_the_line_but_drops_it_from_totals(self, world):
        entry = record(world, service="rest", walk_in_count=5)
        qs = LedgerEntry.objects.filter(station=world.p.station_a, service="rest")
        assert by_service(qs).persons == 5
        with pytest.raises(ValidationError):
            services.void_entry(entry, actor=world.p.coordinator_a, reason=" ")
        services.void_entry(entry, actor=world.p.coordinator_a, reason="重复记录")
        entry.refresh_from_db()
        assert (
            entry.is_voided and entry.void_reason == "重复记录" and entry.voided_by == world.p.coordinator_a
        )
        assert by_service(qs).persons == 0 and qs.count() == 1
        with pytest.raises(ValidationError):
            services.void_entry(entry, actor=world.p.coordinator_a, reason="再次")
        assert not services.can_correct(world.p.coordinator_a, entry)

    def test_admins_void_in_their_scope_at_any_time(self, world):
        p = world.p
        old_a = record(world, at=timezone.now() - dt.timedelta(days=2))
        old_b = record(
            world, station=p.station_b, actor=p.town_admin_b, at=timezone.now() - dt.timedelta(days=2)
        )
        with pytest.raises(PermissionDenied):
            services.void_entry(old_a, actor=p.coordinator_a, reason="记错了")
        with pytest.raises(PermissionDenied):
            services.void_entry(old_a, actor=p.town_admin_b, reason="记错了")
        services.void_entry(old_b, actor=p.town_admin_b, reason="记错了")
        services.void_entry(old_a, actor=p.city_admin, reason="记错了")
        assert LedgerEntry.objects.filter(pk__in=[old_a.pk, old_b.pk], voided_at__isnull=False).count() == 2
