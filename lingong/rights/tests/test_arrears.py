"""Arrears: when pay is due, and the scan under a clock that moves (opening, escalation, payment,
downtime, running twice), with its effect on the employer's credit and the notifications sent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lingong.accounts.models import AuditEntry
from lingong.employers.models import Employer
from lingong.gigs.models import Application, Gig, Shift
from lingong.notify.models import OutboxMessage
from lingong.rights import arrears
from lingong.rights.arrears import open_case, pay_due_at
from lingong.rights.models import ArrearsCase, CaseStatus, Level
from lingong.rights.tasks import arrears_scan

from .helpers import completed, confirm, local, pay, posted_gig

pytestmark = pytest.mark.django_db

D = dt.timedelta(days=1)


def _app(settlement: str, start: dt.datetime, end: dt.datetime) -> Application:
    """An unsaved application: pay_due_at needs only the shift and the gig's settlement."""
    return Application(shift=Shift(starts_at=start, ends_at=end), gig=Gig(settlement=settlement))


class TestPayDueAt:
    def test_daily_is_the_end_of_the_shift_day_plus_one_day(self):
        app = _app("daily", local(2026, 12, 2, 8), local(2026, 12, 2, 17))
        assert pay_due_at(app) == local(2026, 12, 4)

    def test_a_night_shift_counts_for_the_morning_it_ends(self):
        app = _app("daily", local(2026, 12, 2, 22), local(2026, 12, 3, 6))
        assert pay_due_at(app) == local(2026, 12, 5)

    def test_a_shift_ending_at_midnight_belongs_to_the_day_before(self):
        app = _app("daily", local(2026, 12, 2, 16), local(2026, 12, 3, 0))
        assert pay_due_at(app) == local(2026, 12, 4)

    def test_weekly_is_sunday_midnight_plus_two_days(self):
        # 2026-12-02 is a Wednesday; that week's Sunday is 12-06, so 24:00 Sunday is 12-07 00:00.
        app = _app("weekly", local(2026, 12, 2, 8), local(2026, 12, 2, 17))
        assert pay_due_at(app) == local(2026, 12, 9)
        sunday = _app("weekly", local(2026, 12, 6, 8), local(2026, 12, 6, 17))
        assert pay_due_at(sunday) == local(2026, 12, 9)
        monday = _app("weekly", local(2026, 12, 7, 8), local(2026, 12, 7, 17))
        assert pay_due_at(monday) == local(2026, 12, 16)

    def test_monthly_is_the_month_end_plus_five_days(self):
        app = _app("monthly", local(2027, 2, 10, 8), local(2027, 2, 10, 17))
        assert pay_due_at(app) == local(2027, 3, 6)
        december = _app("monthly", local(2026, 12, 31, 8), local(2026, 12, 31, 17))
        assert pay_due_at(december) == local(2027, 1, 6)

    def test_on_completion_is_the_last_shift_end_plus_two_days(self):
        app = _app("on_completion", local(2026, 12, 2, 8), local(2026, 12, 2, 17))
        last = local(2026, 12, 20, 18)
        assert pay_due_at(app, last_end=last) == local(2026, 12, 22, 18)
        # Never before the worker's own shift ended.
        assert pay_due_at(app, last_end=local(2026, 12, 1, 17)) == local(2026, 12, 4, 17)

    def test_on_completion_reads_the_gigs_last_live_shift(self, personas, employer):
        day1 = (timezone.localdate() + D * 2).isoformat()
        day2 = (timezone.localdate() + D * 4).isoformat()
        gig = posted_gig(
            personas.employer,
            employer,
            settlement="on_completion",
            shifts=[
                {"date": day1, "start": "08:00", "end": "17:00"},
                {"date": day2, "start": "08:00", "end": "12:00"},
            ],
        )
        shifts = list(gig.shifts.order_by("starts_at"))
        app = Application(shift=shifts[0], gig=gig)
        assert pay_due_at(app) == shifts[1].ends_at + 2 * D
        Shift.objects.filter(pk=shifts[1].pk).update(status="cancelled")
        assert pay_due_at(app) == shifts[0].ends_at + 2 * D


def _sms(case: ArrearsCase, step: str = "") -> list[OutboxMessage]:
    prefix = f"arrears:{case.code}:{step}"
    return list(OutboxMessage.objects.filter(dedupe_key__startswith=prefix).order_by("id"))


def _keys(case: ArrearsCase) -> set[str]:
    return {m.dedupe_key.split(":", 2)[2] for m in _sms(case)}


class TestScanClock:
    def test_case_opens_at_the_due_time_and_not_before(self, personas, gig, worker, clock):
        app = completed(gig, worker)
        due = pay_due_at(app)
        assert clock.set(due - dt.timedelta(minutes=1)).scan()["opened"] == 0
        assert not ArrearsCase.objects.exists()
        assert clock.set(due).scan()["opened"] == 1
        case = ArrearsCase.objects.get()
        assert case.application == app and case.worker == worker and case.employer == gig.employer
        assert case.level == Level.STATION and case.status == CaseStatus.OPEN
        assert case.due_at == due and case.opened_at == due
        assert case.next_escalation_at == due + 3 * D
        assert case.station == personas.station_a  # the worker's station: the gig was posted by its employer
        assert case.town == gig.employer.town
        assert case.amount_expected == Decimal("180.00")
        [opened] = case.events.all()
        assert opened.kind == "opened" and opened.at == due and opened.actor is None
        assert AuditEntry.objects.filter(action="arrears.open", object_id=case.code).count() == 1

    def test_escalates_to_town_after_three_days_then_inspection_after_seven_more(
        self, personas, gig, worker, clock
    ):
        app = completed(gig, worker)
        due = pay_due_at(app)
        clock.set(due).scan()
        case = ArrearsCase.objects.get()
        clock.set(due + 3 * D - dt.timedelta(minutes=1)).scan()
        case.refresh_from_db()
        assert case.level == Level.STATION
        assert clock.set(due + 3 * D).scan()["escalated"] == 1
        case.refresh_from_db()
        assert case.level == Level.TOWN and case.escalated_at == due + 3 * D
        assert case.next_escalation_at == due + 10 * D
        clock.set(due + 10 * D - dt.timedelta(minutes=1)).scan()
        case.refresh_from_db()
        assert case.level == Level.TOWN
        clock.set(due + 10 * D).scan()
        case.refresh_from_db()
        assert case.level == Level.INSPECTION and case.next_escalation_at is None and case.is_open
        kinds = [(e.kind, e.level, e.at) for e in case.events.all()]
        assert kinds == [
            ("opened", "station", due),
            ("escalated", "town", due + 3 * D),
            ("escalated", "inspection", due + 10 * D),
            ("suspended", "inspection", due + 10 * D),
        ]
        # Reaching labour inspection suspends the employer's posting; its gig leaves the public list.
        employer = Employer.objects.get(pk=gig.employer_id)
        assert employer.status == "suspended" and case.code in employer.status_reason
        assert not Gig.objects.public().filter(pk=gig.pk).exists()
        # Further scans change nothing.
        assert clock.advance(days=30).scan() == {"opened": 0, "escalated": 0, "resolved": 0}

    def test_notifications_at_each_level(self, personas, gig, worker, clock):
        due = pay_due_at(completed(gig, worker))
        clock.set(due).scan()
        case = ArrearsCase.objects.get()
        coord, town_b, city = personas.coordinator_a, personas.town_admin_b, personas.city_admin
        assert _keys(case) == {"opened:worker", "opened:employer", f"opened:staff:{coord.pk}"}
        worker_sms = _sms(case, "opened:worker")[0]
        assert worker_sms.recipient == worker.user.phone and case.code in worker_sms.text
        assert "确认收款" in worker_sms.text
        employer_sms = _sms(case, "opened:employer")[0]
        assert employer_sms.recipient == gig.employer.contact_phone and "梁*明" in employer_sms.text
        assert "梁小明" not in employer_sms.text  # the employer sees the masked name only
        clock.set(due + 3 * D).scan()
        assert {"town:worker", "town:employer", f"town:staff:{town_b.pk}"} <= _keys(case)
        assert _sms(case, f"town:staff:{town_b.pk}")[0].recipient == town_b.phone
        clock.set(due + 10 * D).scan()
        assert {f"inspection:staff:{town_b.pk}", f"inspection:staff:{city.pk}", "inspection:worker"} <= _keys(
            case
        )
        assert OutboxMessage.objects.filter(
            dedupe_key=f"employer-suspended:{gig.employer.code}:inspection:{case.code}"
        )

    def test_paid_and_confirmed_before_the_due_time_opens_nothing(self, gig, worker, clock):
        app = completed(gig, worker)
        due = pay_due_at(app)
        confirm(pay(app), due - dt.timedelta(hours=1))
        assert clock.set(due + 20 * D).scan()["opened"] == 0
        assert not ArrearsCase.objects.exists()
        assert Employer.objects.get(pk=gig.employer_id).arrears_cases == 0

    def test_pay_recorded_but_not_confirmed_still_opens(self, gig, worker, clock):
        app = completed(gig, worker)
        pay(app, status="recorded")
        clock.set(pay_due_at(app)).scan()
        case = ArrearsCase.objects.get()
        assert "已记录支付 180" in case.events.get().text

    def test_paid_late_resolves_the_case(self, gig, worker, clock):
        app = completed(gig, worker)
        due = pay_due_at(app)
        record = pay(app)
        clock.set(due).scan()
        case = ArrearsCase.objects.get()
        confirm(record, due + D)
        assert clock.set(due + D + dt.timedelta(minutes=15)).scan()["resolved"] == 1
        case.refresh_from_db()
        assert case.status == CaseStatus.RESOLVED and case.resolution == "paid_late"
        assert case.resolved_at == due + D and case.level == Level.STATION and case.next_escalation_at is None
        assert [e.kind for e in case.events.all()] == ["opened", "resolved"]
        assert "ended:worker" in _keys(case)
        # The case stays on the employer's record: the pay was late.
        assert Employer.objects.get(pk=gig.employer_id).arrears_cases == 1
        # Nothing more happens later.
        assert clock.advance(days=20).scan() == {"opened": 0, "escalated": 0, "resolved": 0}

    def test_downtime_catch_up_opens_and_escalates_with_all_events(self, personas, gig, worker, clock):
        app = completed(gig, worker)
        due = pay_due_at(app)
        counts = clock.set(due + 10 * D + dt.timedelta(hours=5)).scan()
        assert counts == {"opened": 1, "escalated": 2, "resolved": 0}
        case = ArrearsCase.objects.get()
        assert case.level == Level.INSPECTION and case.is_open
        events = list(case.events.all())
        assert [(e.kind, e.at) for e in events[:3]] == [
            ("opened", due),
            ("escalated", due + 3 * D),
            ("escalated", due + 10 * D),
        ]
        assert all(e.caught_up for e in events)
        # Staff of every level heard; the worker and employer get one message, about where it stands.
        keys = _keys(case)
        assert f"opened:staff:{personas.coordinator_a.pk}" in keys
        assert f"town:staff:{personas.town_admin_b.pk}" in keys
        assert "inspection:worker" in keys and "inspection:employer" in keys
        assert "opened:worker" not in keys and "town:worker" not in keys

    def test_downtime_with_late_payment_replays_history_quietly(self, gig, worker, clock):
        app = completed(gig, worker)
        due = pay_due_at(app)
        confirm(pay(app), due + 5 * D)
        clock.set(due + 6 * D).scan()
        case = ArrearsCase.objects.get()
        assert case.status == CaseStatus.RESOLVED and case.resolution == "paid_late"
        assert case.level == Level.TOWN  # it was at the town level when the worker confirmed
        assert [(e.kind, e.at) for e in case.events.all()] == [
            ("opened", due),
            ("escalated", due + 3 * D),
            ("resolved", due + 5 * D),
        ]
        assert _sms(case) == []
        assert Employer.objects.get(pk=gig.employer_id).arrears_cases == 1

    def test_running_twice_creates_one_case(self, gig, worker, clock):
        app = completed(gig, worker)
        clock.set(pay_due_at(app) + D)
        assert clock.scan()["opened"] == 1
        assert clock.scan()["opened"] == 0
        assert ArrearsCase.objects.count() == 1
        assert Employer.objects.get(pk=gig.employer_id).arrears_cases == 1
        # A scan that raced past the "no case yet" check loses at the database.
        assert open_case(app, now=clock.now) is None
        case = ArrearsCase.objects.get()
        twin = ArrearsCase(
            code="ARTWIN",
            application=app,
            employer=case.employer,
            worker=worker,
            gig=gig,
            town=case.town,
            due_at=case.due_at,
            opened_at=case.opened_at,
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            twin.save()

    def test_every_overdue_booking_becomes_a_case(self, personas, employer, gig, worker, clock):
        from lingong.gigs.tests.factories import make_worker

        others = [
            make_worker(personas.coordinator_a, personas.station_a, name=n)
            for n in ("陈工友", "李工友", "何工友")
        ]
        apps = [completed(gig, w) for w in [worker, *others]]
        confirm(pay(apps[1]), pay_due_at(apps[1]) - D)  # paid in time
        app_count = len(apps)
        clock.set(pay_due_at(apps[0]) + D).scan()
        assert ArrearsCase.objects.count() == app_count - 1
        assert not ArrearsCase.objects.filter(application=apps[1]).exists()

    def test_not_completed_bookings_are_ignored(self, gig, worker, clock):
        app = completed(gig, worker)
        Application.objects.filter(pk=app.pk).update(status="no_show")
        clock.set(pay_due_at(app) + 30 * D).scan()
        assert not ArrearsCase.objects.exists()

    def test_the_periodic_task_scans_at_the_current_time(self, gig, worker, clock):
        app = completed(gig, worker)
        clock.set(pay_due_at(app) - dt.timedelta(minutes=1))
        assert arrears_scan.call_local()["opened"] == 0
        clock.advance(minutes=2)
        assert arrears_scan.call_local()["opened"] == 1


class TestCredit:
    def test_each_case_lowers_credit_and_two_in_90_days_suspend(self, personas, employer, gig, worker, clock):
        from lingong.gigs.tests.factories import make_worker

        first = completed(gig, worker)
        clock.set(pay_due_at(first)).scan()
        employer.refresh_from_db()
        assert employer.arrears_cases == 1 and employer.credit_level_code == "warning"
        assert employer.status == "approved"
        later_gig = posted_gig(personas.employer, employer, title="仓库搬运 日结")
        second = completed(later_gig, make_worker(personas.coordinator_a, personas.station_a, name="黄大海"))
        clock.set(pay_due_at(second) + D).scan()
        employer.refresh_from_db()
        assert employer.arrears_cases == 2 and employer.status == "suspended"
        assert "90 天内发生疑似欠薪 2 起" in employer.status_reason
        assert AuditEntry.objects.filter(action="employer.suspend", object_id=employer.code).count() == 1
        assert not Gig.objects.public().filter(employer=employer).exists()

    def test_staff_confirm_suspends_and_not_arrears_restores_credit(
        self, personas, employer, gig, worker, clock
    ):
        app = completed(gig, worker)
        clock.set(pay_due_at(app)).scan()
        case = ArrearsCase.objects.get()
        with pytest.raises(PermissionDenied):
            arrears.confirm_arrears(case, actor=personas.outsider, note="核实")
        with pytest.raises(PermissionDenied):
            arrears.confirm_arrears(case, actor=personas.employer, note="核实")
        with pytest.raises(ValidationError) as err:
            arrears.confirm_arrears(case, actor=personas.town_admin_b, note=" ")
        assert "核实情况" in str(err.value)
        arrears.confirm_arrears(case, actor=personas.town_admin_b, note="电话核实，用工方承认未付")
        employer.refresh_from_db()
        assert employer.status == "suspended" and "确认欠薪" in employer.status_reason
        assert _sms(case, "confirmed:worker")
        case.refresh_from_db()
        assert case.confirmed_by == personas.town_admin_b
        with pytest.raises(ValidationError):
            arrears.confirm_arrears(case, actor=personas.town_admin_b, note="再次")
        arrears.resolve_case(
            case, actor=personas.coordinator_a, resolution="not_arrears", note="零工误操作，已当面结清"
        )
        case.refresh_from_db()
        employer.refresh_from_db()
        assert case.status == CaseStatus.CLOSED and case.resolved_by == personas.coordinator_a
        assert employer.arrears_cases == 0
        assert {"ended:worker", "ended:employer"} <= _keys(case)
        with pytest.raises(ValidationError):
            arrears.add_note(case, actor=personas.coordinator_a, note="")

    def test_staff_refer_to_inspection_and_resolve_paid(self, personas, employer, gig, worker, clock):
        app = completed(gig, worker)
        clock.set(pay_due_at(app)).scan()
        case = ArrearsCase.objects.get()
        arrears.add_note(case, actor=personas.coordinator_a, note="已电话联系周经理")
        arrears.refer_to_inspection(case, actor=personas.city_admin, note="拒不支付")
        case.refresh_from_db()
        assert case.level == Level.INSPECTION and case.next_escalation_at is None
        with pytest.raises(ValidationError):
            arrears.refer_to_inspection(case, actor=personas.city_admin, note="再次")
        with pytest.raises(ValidationError) as err:
            arrears.resolve_case(case, actor=personas.city_admin, resolution="paid_late", note="x")
        assert "处理结果" in str(err.value)
        arrears.resolve_case(
            case, actor=personas.city_admin, resolution="settled_by_staff", note="调解后支付 180 元"
        )
        case.refresh_from_db()
        assert case.status == CaseStatus.RESOLVED and case.resolution_note == "调解后支付 180 元"
        assert [e.kind for e in case.events.all()] == ["opened", "note", "referred", "suspended", "resolved"]
        assert case.events.get(kind="note").staff_only
        with pytest.raises(ValidationError):
            arrears.resolve_case(case, actor=personas.city_admin, resolution="withdrawn", note="x")
