"""Department referral pages: the section on the complaint, arrears and plan pages (with and without
htmx), what the worker and the employer see, the staff list with its filters, and the Excel export."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from lingong.rights import referrals
from lingong.rights.models import DepartmentReferral
from lingong.rights.tests.helpers import local

from .referral_helpers import a_complaint, a_plan, refer

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "referrals"}
NEW = {
    "action": "referral_new",
    "referral-department": "justice",
    "referral-department_name": "小榄镇司法所",
    "referral-reason": "用工方拒不支付，需要法律援助",
    "referral-request_detail": "请为投诉人指派法律援助",
    "referral-contact_name": "王所长",
    "referral-contact_phone": "0760-22220000",
}


def _clean(html: str) -> bool:
    """CSP: no inline style attributes or inline scripts."""
    return "style=" not in html and "<script>" not in html


class TestComplaintPage:
    def test_staff_refer_without_javascript(self, client, personas, worker):
        complaint = a_complaint(worker)
        url = reverse("rights:complaint_detail", args=[complaint.code])
        client.force_login(personas.coordinator_a)
        page = client.get(url).content.decode()
        assert "转介其他部门" in page and "尚未转介其他部门" in page and _clean(page)
        response = client.post(url, NEW)
        assert response.status_code == 302 and response["Location"] == url + "#referrals"
        r = DepartmentReferral.objects.get()
        assert r.complaint == complaint and r.department_label == "司法局（法律援助）·小榄镇司法所"
        page = client.get(url).content.decode()
        assert f"已转介司法局（法律援助）·小榄镇司法所（{r.code}）" in page  # the message
        assert "用工方拒不支付，需要法律援助" in page and "王所长" in page and "更新转介状态" in page

    def test_errors_come_back_on_the_page_and_save_nothing(self, client, personas, worker):
        complaint = a_complaint(worker)
        url = reverse("rights:complaint_detail", args=[complaint.code])
        client.force_login(personas.coordinator_a)
        response = client.post(url, {**NEW, "referral-reason": "", "referral-department": "other"})
        page = response.content.decode()
        assert response.status_code == 400 and "<html" in page
        assert "请写明转介原因" in page and "选择“其他”时请填写部门名称" not in page  # a name was given
        assert not DepartmentReferral.objects.exists()

    def test_htmx_answers_with_the_section(self, client, personas, worker):
        complaint = a_complaint(worker)
        url = reverse("rights:complaint_detail", args=[complaint.code])
        client.force_login(personas.coordinator_a)
        section = client.get(url, **HTMX).content.decode()
        assert section.startswith('<section id="referrals"') and "<html" not in section
        bad = client.post(url, {**NEW, "referral-department": ""}, **HTMX)
        page = bad.content.decode()
        assert bad.status_code == 200 and "<html" not in page and "请选择转介部门" in page
        assert not DepartmentReferral.objects.exists()
        done = client.post(url, NEW, **HTMX)
        page = done.content.decode()
        r = DepartmentReferral.objects.get()
        assert done.status_code == 200 and "<html" not in page and f"（{r.code}）" in page
        assert 'hx-post="' + url + '"' in page and 'hx-target="#referrals"' in page and _clean(page)
        # The same view keeps the rest of the page working: an ordinary action still answers in full.
        assert client.post(url, {"action": "note", "note-note": "已电话联系"}).status_code == 302

    def test_status_update_with_and_without_htmx(self, client, personas, worker):
        complaint = a_complaint(worker)
        r = refer(complaint, personas.coordinator_a)
        url = reverse("rights:complaint_detail", args=[complaint.code])
        prefix = f"s-{r.code}"
        client.force_login(personas.coordinator_a)
        response = client.post(
            url, {"action": "referral_status", "referral": r.code, f"{prefix}-status": "received"}
        )
        assert response.status_code == 302
        r.refresh_from_db()
        assert r.status == "received"
        # Going back is refused in words, with nothing changed.
        bad = client.post(
            url, {"action": "referral_status", "referral": r.code, f"{prefix}-status": "referred"}, **HTMX
        )
        assert bad.status_code == 200 and "“已接收”的转介不能改为“已转介”" in bad.content.decode()
        r.refresh_from_db()
        assert r.status == "received"
        bad = client.post(
            url, {"action": "referral_status", "referral": r.code, f"{prefix}-status": "replied"}
        )
        assert bad.status_code == 400 and "请填写部门的回复或办理结果" in bad.content.decode()
        done = client.post(
            url,
            {
                "action": "referral_status",
                "referral": r.code,
                f"{prefix}-status": "replied",
                f"{prefix}-reply": "已受理，指派律师跟进",
            },
            **HTMX,
        )
        assert done.status_code == 200 and "转介状态已更新" in done.content.decode()
        r.refresh_from_db()
        assert r.status == "replied" and r.reply == "已受理，指派律师跟进"
        unknown = client.post(url, {"action": "referral_status", "referral": "RFNOSUCH"})
        assert unknown.status_code == 400 and "未找到该转介记录" in unknown.content.decode()

    def test_the_worker_sees_where_it_went_and_how_far_not_the_notes(self, client, personas, worker):
        complaint = a_complaint(worker)
        r = refer(complaint, personas.coordinator_a, reason="家庭困难的内部评估")
        referrals.add_note(r, actor=personas.coordinator_a, note="内部：对方科长态度消极")
        referrals.add_note(r, actor=personas.coordinator_a, note="已再次发函催办", internal=False)
        referrals.update_status(r, actor=personas.coordinator_a, status="replied", reply="已纳入低保审核")
        client.force_login(worker.user)
        page = client.get(reverse("rights:complaint_detail", args=[complaint.code])).content.decode()
        assert "部门转介" in page and "民政局（低保/救助）" in page and "已回复" in page
        assert "已纳入低保审核" in page and "已再次发函催办" in page
        assert "内部：对方科长态度消极" not in page and "家庭困难的内部评估" not in page
        assert "转介其他部门" not in page and "更新转介状态" not in page and "添加跟进记录" not in page
        # The worker's own page view is the same without the staff-only parts when loaded by htmx.
        section = client.get(reverse("rights:complaint_detail", args=[complaint.code]), **HTMX)
        assert "内部：对方科长态度消极" not in section.content.decode()

    def test_closed_complaint_keeps_its_referrals_without_the_form(self, client, personas, worker):
        from lingong.rights import complaints

        complaint = a_complaint(worker)
        r = refer(complaint, personas.coordinator_a)
        complaints.close(complaint, actor=personas.coordinator_a, outcome="已转民政部门处理")
        client.force_login(personas.coordinator_a)
        url = reverse("rights:complaint_detail", args=[complaint.code])
        page = client.get(url).content.decode()
        assert r.code in page and "更新转介状态" in page and "<summary>转介其他部门</summary>" not in page
        response = client.post(url, NEW)
        assert response.status_code == 400 and "投诉已办结，不能再转介" in response.content.decode()


class TestArrearsAndPlanPages:
    def test_arrears_page_for_staff_worker_and_employer(self, client, personas, worker, case):
        url = reverse("rights:arrears_detail", args=[case.code])
        client.force_login(personas.town_admin_b)
        body = {**NEW, "referral-department": "housing", "referral-department_name": ""}
        assert client.post(url, body).status_code == 302
        r = DepartmentReferral.objects.get()
        assert r.arrears_case == case and r.department == "housing"
        client.force_login(worker.user)
        page = client.get(url).content.decode()
        assert "住建局（建筑工地欠薪）" in page and "已转介" in page and NEW["referral-reason"] not in page
        client.force_login(personas.employer)
        page = client.get(url).content.decode()
        assert "部门转介" not in page and r.code not in page and "住建局" not in page
        section = client.get(url, **HTMX).content.decode()
        assert "<html" in section and r.code not in section  # no section for the employer, htmx or not

    def test_plan_page(self, client, personas, worker):
        plan = a_plan(personas.coordinator_a, worker)
        url = reverse("assistance:plan", args=[plan.code])
        client.force_login(personas.coordinator_a)
        page = client.get(url).content.decode()
        assert "转介其他部门" in page and _clean(page)
        body = {**NEW, "referral-department": "disabled_persons", "referral-department_name": ""}
        bad = client.post(url, {**body, "referral-request_detail": ""})
        assert bad.status_code == 400 and "请写明需要对方部门协助办理的事项" in bad.content.decode()
        done = client.post(url, body, **HTMX)
        assert done.status_code == 200 and "已转介残联" in done.content.decode()
        r = DepartmentReferral.objects.get()
        assert r.plan == plan
        # The plan's own actions are untouched by the section.
        response = client.post(url, {"action": "close", "c-outcome": "market", "c-outcome_note": "已就业"})
        assert response.status_code == 302
        client.force_login(worker.user)
        page = client.get(url).content.decode()
        assert "残联" in page and NEW["referral-reason"] not in page and "转介其他部门" not in page


class TestList:
    def _three(self, personas, worker, case):
        complaint = a_complaint(worker)
        plan = a_plan(personas.coordinator_a, worker)
        return (
            refer(complaint, personas.coordinator_a),
            refer(case, personas.town_admin_b, department="housing"),
            refer(plan, personas.coordinator_a, department="disabled_persons"),
        )

    def test_scope(self, client, personas, worker, case):
        on_complaint, on_case, on_plan = self._three(personas, worker, case)
        url = reverse("rights:referral_list")
        seen = {
            "coordinator_a": {on_complaint, on_case, on_plan},
            "town_admin_b": {on_case},
            "city_admin": {on_complaint, on_case, on_plan},
        }
        for role, expected in seen.items():
            client.force_login(getattr(personas, role))
            page = client.get(url).content.decode()
            for r in (on_complaint, on_case, on_plan):
                assert (r.code in page) == (r in expected), (role, r)
            assert _clean(page)
        assert set(DepartmentReferral.objects.handled_by(personas.employer)) == set()
        assert set(DepartmentReferral.objects.visible_to(personas.employer)) == set()
        assert set(DepartmentReferral.objects.visible_to(worker.user)) == {on_complaint, on_case, on_plan}
        assert set(DepartmentReferral.objects.handled_by(worker.user)) == set()

    def test_filters_and_overdue_on_a_fixed_clock(self, client, personas, worker, case, clock):
        clock.set(local(2026, 11, 27, 10))
        on_complaint, on_case, on_plan = self._three(personas, worker, case)
        referrals.update_status(
            on_plan, actor=personas.coordinator_a, status="replied", reply="已办理残疾人证"
        )
        url = reverse("rights:referral_list")
        client.force_login(personas.coordinator_a)

        def codes(**params) -> set[str]:
            page = client.get(url, params).content.decode()
            return {r.code for r in (on_complaint, on_case, on_plan) if r.code in page}

        assert codes(department="housing") == {on_case.code}
        assert codes(status="open") == {on_complaint.code, on_case.code}
        assert codes(status="replied") == {on_plan.code}
        assert codes(overdue="1") == set()
        clock.set(local(2026, 12, 12, 9))  # the Saturday after ten working days
        client.force_login(personas.coordinator_a)  # the session of two weeks ago has expired
        assert codes(overdue="1") == {on_complaint.code, on_case.code}
        page = client.get(url).content.decode()
        assert "有 2 件转介超过 10 个工作日仍未回复" in page and 'class="short"' in page
        assert codes(overdue="1", department="civil_affairs") == {on_complaint.code}
        bad = client.get(url, {"department": "nope"})
        assert bad.status_code == 400 and "部门筛选无效" in bad.content.decode()

    def test_queries_do_not_grow_with_referrals(self, client, personas, worker, case):
        self._three(personas, worker, case)
        url = reverse("rights:referral_list")
        client.force_login(personas.city_admin)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        complaint = a_complaint(worker)
        for department in ("police", "health", "trade_union"):
            refer(complaint, personas.coordinator_a, department=department)
        with CaptureQueriesContext(connection) as more:
            client.get(url)
        assert len(more) == len(few)

    def test_excel_export(self, client, personas, worker, case, clock):
        clock.set(local(2026, 11, 27, 10))
        on_complaint, on_case, _ = self._three(personas, worker, case)
        clock.set(local(2026, 12, 14, 9))
        client.force_login(personas.town_admin_b)
        response = client.get(reverse("rights:referral_list"), {"format": "xlsx"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in response["Content-Disposition"]
        sheet = load_workbook(BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:6] == ("编号", "案件", "零工", "转介部门", "请协助事项", "状态")
        assert len(rows) == 2  # 东区 handles the arrears case only
        row = dict(zip(rows[0], rows[1], strict=True))
        assert row["编号"] == on_case.code and row["案件"] == f"疑似欠薪案件 {case.code}"
        assert row["零工"] == "梁*明" and row["逾期未回复"] == "是" and row["应回复日期"] == "2026-12-11"
        client.force_login(personas.city_admin)
        response = client.get(
            reverse("rights:referral_list"), {"format": "xlsx", "department": "civil_affairs"}
        )
        rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
        assert [r[0] for r in rows[1:]] == [on_complaint.code]

    def test_reply_date_shown_on_the_case(self, client, personas, worker, clock):
        clock.set(local(2026, 11, 27, 10))
        complaint = a_complaint(worker)
        r = refer(complaint, personas.coordinator_a)
        assert r.reply_due_on == dt.date(2026, 12, 11)
        clock.set(local(2026, 12, 14, 9))
        client.force_login(personas.coordinator_a)
        page = client.get(reverse("rights:complaint_detail", args=[complaint.code])).content.decode()
        assert "2026-12-11" in page and "逾期未回复" in page
