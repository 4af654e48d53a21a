"""Department referrals in the API: make one, record the department's answer, list in scope."""

from __future__ import annotations

import json

import pytest

from lingong.rights import referrals
from lingong.rights.models import DepartmentReferral

from .referral_helpers import a_complaint, a_plan, refer

pytestmark = pytest.mark.django_db

API = "/api/v1/rights/referrals"


def post(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_staff_refer_and_record_the_answer(client, personas, worker):
    complaint = a_complaint(worker)
    client.force_login(personas.coordinator_a)
    body = {
        "case_kind": "complaint",
        "case_code": complaint.code.lower(),
        "department": "civil_affairs",
        "reason": "家庭困难",
        "request_detail": "请协助申请临时救助",
        "contact_phone": "0760-22110000",
    }
    response = post(client, API, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["case_kind"] == "complaint" and created["case_code"] == complaint.code
    assert created["status"] == "referred" and created["department_label"] == "民政局（低保/救助）"
    assert created["reason"] == "家庭困难" and created["referred_by"] == "coord_a"
    code = created["code"]
    again = post(client, API, body)
    assert again.status_code == 422 and "正在等待回复" in again.json()["detail"]
    response = post(client, f"{API}/{code}/status", {"status": "received"})
    assert response.status_code == 200 and response.json()["status"] == "received"
    response = post(client, f"{API}/{code}/status", {"status": "replied"})
    assert response.status_code == 422 and "请填写部门的回复或办理结果" in response.json()["detail"]
    response = post(client, f"{API}/{code}/status", {"status": "referred"})
    assert response.status_code == 422 and "“已接收”的转介不能改为“已转介”" in response.json()["detail"]
    response = post(client, f"{API}/{code}/status", {"status": "replied", "reply": "临时救助已批"})
    assert response.status_code == 200 and response.json()["reply"] == "临时救助已批"
    assert DepartmentReferral.objects.get(code=code).status == "replied"
    assert post(client, f"{API}/RFNOSUCH/status", {"status": "received"}).status_code == 404
    bad_kind = post(client, API, {**body, "case_kind": "gig"})
    assert bad_kind.status_code == 422


def test_case_lookup_through_each_kind(client, personas, worker, case):
    plan = a_plan(personas.coordinator_a, worker)
    client.force_login(personas.town_admin_b)
    base = {"department": "housing", "reason": "工地欠薪", "request_detail": "请住建部门督促总包支付"}
    response = post(client, API, {**base, "case_kind": "arrears", "case_code": case.code})
    assert response.status_code == 201 and response.json()["case_kind"] == "arrears"
    assert post(client, API, {**base, "case_kind": "plan", "case_code": plan.code}).status_code == 404
    client.force_login(personas.coordinator_a)
    response = post(client, API, {**base, "case_kind": "plan", "case_code": plan.code})
    assert response.status_code == 201 and response.json()["case_code"] == plan.code


def test_lists_by_role(client, personas, worker, case):
    complaint = a_complaint(worker)
    r = refer(complaint, personas.coordinator_a, reason="内部评估")
    referrals.add_note(r, actor=personas.coordinator_a, note="内部催办记录")
    on_case = refer(case, personas.town_admin_b, department="housing")
    client.force_login(worker.user)
    listed = client.get(API).json()
    assert listed["count"] == 2
    mine = {item["code"]: item for item in listed["items"]}[r.code]
    assert mine["reason"] is None and mine["contact_name"] is None and mine["referred_by"] is None
    assert [e["kind"] for e in mine["events"]] == ["referred"]  # the internal note is left out
    client.force_login(personas.employer)  # manages the employer of the arrears case
    assert client.get(API).json() == {"count": 0, "items": []}
    client.force_login(personas.town_admin_b)
    listed = client.get(API).json()
    assert [item["code"] for item in listed["items"]] == [on_case.code]
    client.force_login(personas.coordinator_a)
    listed = client.get(API, {"department": "civil_affairs"}).json()
    item = listed["items"][0]
    assert listed["count"] == 1 and item["reason"] == "内部评估"
    assert [e["kind"] for e in item["events"]] == ["referred", "note"] and item["events"][1]["internal"]
    assert client.get(API, {"status": "replied"}).json()["count"] == 0
    assert client.get(API, {"overdue": "true"}).json()["count"] == 0
    assert client.get(API, {"status": "nope"}).status_code == 422
