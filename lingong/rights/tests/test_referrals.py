"""Department referrals (部门转介): the services, their rules and trail, and overdue on a fixed clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from lingong.accounts.models import AuditEntry
from lingong.notify.models import OutboxMessage
from lingong.rights import complaints, referrals
from lingong.rights.models import DepartmentReferral, ReferralEvent, ReferralStatus
from lingong.rights.tests.helpers import local

from .referral_helpers import a_complaint, a_plan, refer

pytestmark = pytest.mark.django_db


def _state(referral: DepartmentReferral) -> tuple:
    referral.refresh_from_db()
    return (
        referral.status,
        referral.reply,
        referral.received_at,
        referral.replied_at,
        referral.closed_at,
        referral.events.count(),
        AuditEntry.objects.count(),
        OutboxMessage.objects.count(),
    )


class TestWorkingDays:
    def test_counts_monday_to_friday(self):
        friday = dt.date(2026, 11, 27)
        assert referrals.add_working_days(friday, 1) == dt.date(2026, 11, 30)
        assert referrals.add_working_days(friday, 5) == dt.date(2026, 12, 4)
        assert referrals.add_working_days(friday, 10) == dt.date(2026, 12, 11)
        saturday = dt.date(2026, 11, 28)
        assert referrals.add_working_days(saturday, 1) == dt.date(2026, 11, 30)

    def test_the_setting_decides(self, settings):
        assert referrals.reply_days() == 10
        settings.RIGHTS_REFERRAL_REPLY_DAYS = 3
        assert referrals.reply_due_on(dt.date(2026, 11, 27)) == dt.date(2026, 12, 2)
        settings.RIGHTS_REFERRAL_REPLY_DAYS = 0  # nonsense is read as one day, never as "at once"
        assert referrals.reply_days() == 1


class TestCreate:
    def test_on_a_complaint_with_trail_audit_and_sms(self, personas, worker, clock):
        clock.set(local(2026, 11, 27, 10))  # a Friday
        complaint = a_complaint(worker)
        sms_before = OutboxMessage.objects.count()
        r = refer(complaint, personas.coordinator_a, contact_name="李科长", contact_phone="0760-22110000")
        assert r.code.startswith("RF") and r.complaint == complaint and r.worker == worker
        assert r.status == ReferralStatus.REFERRED and r.referred_by == personas.coordinator_a
        assert r.reply_due_on == dt.date(2026, 12, 11)
        assert r.department_label == "民政局（低保/救助）" and r.case_label == f"投诉 {complaint.code}"
        event = r.events.get()
        assert event.kind == "referred" and "2026-12-11" in event.note and not event.internal
        entry = AuditEntry.objects.filter(action="referral.create").get()
        assert entry.object_id == r.code and complaint.code in entry.summary
        sms = OutboxMessage.objects.exclude(pk__lte=0).order_by("-id").first()
        assert OutboxMessage.objects.count() == sms_before + 1 and sms is not None
        assert sms.template == "referral_made_worker" and sms.recipient == worker.user.phone
        assert "民政局" in sms.text and r.code in sms.text
        assert r.case_url.endswith(f"/rights/complaints/{complaint.code}/#referrals")

    def test_on_an_arrears_case_and_a_plan(self, personas, worker, case):
        r1 = refer(case, personas.town_admin_b, department="housing", department_name="东区住建局")
        assert r1.arrears_case == case and r1.department_label == "住建局（建筑工地欠薪）·东区住建局"
        plan = a_plan(personas.coordinator_a, worker)
        r2 = refer(plan, personas.coordinator_a, department="other", department_name="小榄镇社区服务中心")
        assert r2.plan == plan and r2.department_label == "小榄镇社区服务中心"
        assert r2.case_url.endswith(f"/assistance/p/{plan.code}/#referrals")

    def test_bad_input_says_why_and_saves_nothing(self, personas, worker):
        complaint = a_complaint(worker)
        before = (
            DepartmentReferral.objects.count(),
            AuditEntry.objects.count(),
            OutboxMessage.objects.count(),
        )
        with pytest.raises(ValidationError) as exc:
            referrals.create_referral(
                complaint, actor=personas.coordinator_a, department="", reason=" ", request_detail=""
            )
        errors = exc.value.message_dict
        assert errors["department"] == ["请选择转介部门"]
        assert errors["reason"] == ["请写明转介原因"]
        assert errors["request_detail"] == ["请写明需要对方部门协助办理的事项"]
        with pytest.raises(ValidationError) as exc:
            refer(complaint, personas.coordinator_a, department="other")
        assert exc.value.message_dict["department_name"] == ["选择“其他”时请填写部门名称"]
        with pytest.raises(ValidationError) as exc:
            refer(complaint, personas.coordinator_a, reason="长" * 1001)
        assert exc.value.message_dict["reason"] == ["不能超过 1000 个字"]
        assert before == (
            DepartmentReferral.objects.count(),
            AuditEntry.objects.count(),
            OutboxMessage.objects.count(),
        )

    def test_one_pending_referral_per_department(self, personas, worker):
        complaint = a_complaint(worker)
        first = refer(complaint, personas.coordinator_a)
        with pytest.raises(ValidationError) as exc:
            refer(complaint, personas.coordinator_a)
        assert f"已转介民政局（低保/救助）（{first.code}），正在等待回复" in exc.value.messages[0]
        refer(complaint, personas.coordinator_a, department="justice")  # another department is fine
        referrals.update_status(first, actor=personas.coordinator_a, status="returned", note="不属本部门职责")
        refer(complaint, personas.coordinator_a)  # after a return it may go again
        assert DepartmentReferral.objects.count() == 3

    def test_only_staff_handling_the_case(self, personas, worker, case):
        complaint = a_complaint(worker)
        for user in (personas.town_admin_b, personas.outsider, personas.employer, worker.user):
            with pytest.raises(PermissionDenied):
                refer(complaint, user)
        # The employer persona manages the employer the arrears case is against.
        for user in (personas.employer, worker.user, personas.outsider):
            with pytest.raises(PermissionDenied):
                refer(case, user)
        plan = a_plan(personas.coordinator_a, worker)
        with pytest.raises(PermissionDenied):
            refer(plan, personas.town_admin_b)
        assert not DepartmentReferral.objects.exists()

    def test_not_on_a_closed_case(self, personas, worker):
        complaint = a_complaint(worker)
        complaints.close(complaint, actor=personas.coordinator_a, outcome="已调解，工资已付")
        with pytest.raises(ValidationError) as exc:
            refer(complaint, personas.coordinator_a)
        assert exc.value.messages == ["投诉已办结，不能再转介"]
        assert not DepartmentReferral.objects.exists()

    def test_the_database_holds_exactly_one_case(self, personas, worker, case):
        complaint = a_complaint(worker)
        r = refer(complaint, personas.coordinator_a)
        base = {
            "worker": worker,
            "department": "health",
            "reason": "x",
            "request_detail": "y",
            "referred_at": r.referred_at,
            "reply_due_on": r.reply_due_on,
            "referred_by": personas.coordinator_a,
        }
        for n, targets in enumerate(({}, {"complaint": complaint, "arrears_case": case})):
            with pytest.raises(IntegrityError), transaction.atomic():
                DepartmentReferral.objects.create(code=f"RFBAD{n}", **base, **targets)
        with pytest.raises(IntegrityError), transaction.atomic():
            DepartmentReferral.objects.create(
                code="RFBAD9", complaint=complaint, **{**base, "department": "other"}
            )


class TestTransitions:
    def test_received_replied_concluded(self, personas, worker, clock):
        clock.set(local(2026, 11, 27, 10))
        r = refer(a_complaint(worker), personas.coordinator_a)
        coord = personas.coordinator_a
        clock.advance(days=3)
        r = referrals.update_status(r, actor=coord, status="received", note="民政办已签收")
        assert r.status == "received" and r.received_at == clock.now and r.replied_at is None
        clock.advance(days=2)
        r = referrals.update_status(r, actor=coord, status="replied", reply="已受理低保申请，正在入户核查")
        assert r.status == "replied" and r.replied_at == clock.now and r.received_at < clock.now
        sms = OutboxMessage.objects.get(template="referral_replied_worker")
        assert "已受理低保申请" in sms.text and sms.recipient == worker.user.phone
        clock.advance(days=10)
        r = referrals.update_status(r, actor=coord, status="concluded", reply="已纳入低保，自下月起发放")
        r.refresh_from_db()
        assert r.status == "concluded" and r.closed_at == clock.now and r.reply.startswith("已纳入低保")
        # The worker hears of the first reply only; the result is on their page.
        assert OutboxMessage.objects.filter(template="referral_replied_worker").count() == 1
        trail = list(r.events.values_list("kind", "status_from", "status_to"))
        assert trail == [
            ("referred", "", "referred"),
            ("status", "referred", "received"),
            ("status", "received", "replied"),
            ("status", "replied", "concluded"),
        ]
        assert AuditEntry.objects.filter(action="referral.status", object_id=r.code).count() == 3

    def test_a_direct_answer_skips_receipt(self, personas, worker):
        r = refer(a_complaint(worker), personas.coordinator_a, department="justice")
        r = referrals.update_status(
            r, actor=personas.city_admin, status="concluded", reply="已指派法律援助律师"
        )
        assert r.received_at is not None and r.replied_at is not None and r.closed_at is not None
        assert OutboxMessage.objects.filter(template="referral_replied_worker").count() == 1

    def test_returned_needs_a_reason(self, personas, worker):
        r = refer(a_complaint(worker), personas.coordinator_a, department="police")
        with pytest.raises(ValidationError) as exc:
            referrals.update_status(r, actor=personas.coordinator_a, status="returned")
        assert exc.value.message_dict["note"] == ["请写明退回原因"]
        r = referrals.update_status(
            r, actor=personas.coordinator_a, status="returned", note="请先到派出所补办"
        )
        assert r.status == "returned" and r.closed_at is not None and r.received_at is None

    @pytest.mark.parametrize(
        ("path", "status", "extra", "message"),
        [
            ([], "referred", {}, "转介已是“已转介”"),
            ([], "bogus", {}, "请选择转介状态"),
            ([], "replied", {}, "请填写部门的回复或办理结果"),
            ([], "concluded", {"reply": "  "}, "请填写部门的回复或办理结果"),
            (["received"], "referred", {}, "“已接收”的转介不能改为“已转介”"),
            (["received", "replied"], "received", {}, "“已回复”的转介不能改为“已接收”"),
            (["received", "replied"], "returned", {"note": "x"}, "“已回复”的转介不能改为“退回”"),
            (["received", "replied", "concluded"], "replied", {"reply": "x"}, "转介已办结，不能再变更"),
            (["returned"], "received", {}, "转介已退回，不能再变更"),
        ],
    )
    def test_invalid_transitions_change_nothing(self, personas, worker, path, status, extra, message):
        coord = personas.coordinator_a
        r = refer(a_complaint(worker), coord)
        for step in path:
            referrals.update_status(r, actor=coord, status=step, reply="已答复", note="退回原因")
        before = _state(r)
        with pytest.raises(ValidationError) as exc:
            referrals.update_status(r, actor=coord, status=status, **extra)
        assert message in exc.value.messages
        assert _state(r) == before

    def test_only_staff_handling_the_case_update(self, personas, worker, case):
        r = refer(case, personas.coordinator_a, department="housing")
        before = _state(r)
        for user in (personas.employer, worker.user, personas.outsider):
            with pytest.raises(PermissionDenied):
                referrals.update_status(r, actor=user, status="received")
            with pytest.raises(PermissionDenied):
                referrals.add_note(r, actor=user, note="催办")
        assert _state(r) == before
        # The town admin handles the arrears case (东区 employer), so its referrals too.
        referrals.update_status(r, actor=personas.town_admin_b, status="received")

    def test_updates_go_on_after_the_case_ends(self, personas, worker):
        complaint = a_complaint(worker)
        r = refer(complaint, personas.coordinator_a)
        complaints.close(complaint, actor=personas.coordinator_a, outcome="转介民政部门处理")
        r = referrals.update_status(r, actor=personas.coordinator_a, status="replied", reply="已受理")
        assert r.status == "replied"

    def test_notes_are_internal_unless_shared(self, personas, worker):
        r = refer(a_complaint(worker), personas.coordinator_a)
        note = referrals.add_note(r, actor=personas.coordinator_a, note="电话催办，对方称下周答复")
        assert note.internal and note.kind == "note"
        shared = referrals.add_note(r, actor=personas.coordinator_a, note="已再次发函", internal=False)
        assert not shared.internal
        with pytest.raises(ValidationError) as exc:
            referrals.add_note(r, actor=personas.coordinator_a, note=" ")
        assert exc.value.message_dict["note"] == ["请填写跟进情况"]
        assert ReferralEvent.objects.filter(referral=r).count() == 3
        assert AuditEntry.objects.filter(action="referral.note").count() == 2


class TestOverdue:
    def test_after_n_working_days_without_reply(self, personas, worker, clock):
        clock.set(local(2026, 11, 27, 10))  # Friday; due Friday 2026-12-11
        coord = personas.coordinator_a
        complaint = a_complaint(worker)
        waiting = refer(complaint, coord)
        received = refer(complaint, coord, department="justice")
        referrals.update_status(received, actor=coord, status="received")
        answered = refer(complaint, coord, department="health")
        referrals.update_status(answered, actor=coord, status="replied", reply="已安排体检")
        qs = DepartmentReferral.objects.all()
        clock.set(local(2026, 12, 11, 23, 59))
        assert not qs.overdue(dt.date(2026, 12, 11)).exists()
        assert not waiting.is_overdue(dt.date(2026, 12, 11))
        clock.set(local(2026, 12, 12, 0, 1))
        today = dt.date(2026, 12, 12)
        assert set(qs.overdue(today)) == {waiting, received}
        answered.refresh_from_db()
        assert waiting.is_overdue(today) and not answered.is_overdue(today)

    def test_the_setting_applies_to_new_referrals(self, personas, worker, clock, settings):
        settings.RIGHTS_REFERRAL_REPLY_DAYS = 2
        clock.set(local(2026, 11, 26, 9))  # Thursday: due Monday 11-30
        r = refer(a_complaint(worker), personas.coordinator_a)
        assert r.reply_due_on == dt.date(2026, 11, 30)
        assert not DepartmentReferral.objects.overdue(dt.date(2026, 11, 30)).exists()
        assert DepartmentReferral.objects.overdue(dt.date(2026, 12, 1)).get() == r
