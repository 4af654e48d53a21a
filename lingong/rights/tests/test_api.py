"""Rights API: complaints (list in scope, file as the worker or for them) and arrears in scope."""

from __future__ import annotations

import json

import pytest

from lingong.accounts.services import issue_token
from lingong.gigs.tests.factories import make_worker
from lingong.rights import complaints
from lingong.rights.models import Complaint

pytestmark = pytest.mark.django_db

API = "/api/v1/rights"


def post(client, url: str, body: dict, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


class TestComplaintsApi:
    def test_worker_files_and_lists_their_own(self, client, personas, worker):
        client.force_login(worker.user)
        response = post(client, f"{API}/complaints", {"kind": "safety", "description": "仓库没有灭火器。"})
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["status"] == "accepted" and body["kind_label"] == "安全"
        assert body["worker_code"] == worker.code and body["worker_name"] == "梁*明"
        assert body["owner"] == "coord_a" and body["events"][0]["kind"] == "filed"
        listed = client.get(f"{API}/complaints").json()
        assert listed["count"] == 1 and listed["items"][0]["code"] == body["code"]
        assert client.get(f"{API}/complaints", {"status": "concluded"}).json()["count"] == 0

    def test_bad_input_is_422_in_chinese_and_saves_nothing(self, client, personas, worker, employer):
        client.force_login(worker.user)
        assert post(client, f"{API}/complaints", {"kind": "bribe", "description": "x"}).status_code == 422
        response = post(client, f"{API}/complaints", {"kind": "wages", "description": "  "})
        assert response.status_code == 422 and "请写明发生了什么" in response.json()["detail"]
        response = post(client, f"{API}/complaints", {"kind": "wages", "description": "欠薪", "gig": "GNOPE"})
        assert response.status_code == 422 and "未找到该岗位编号" in response.json()["detail"]
        response = post(
            client, f"{API}/complaints", {"kind": "wages", "description": "欠薪", "employer": employer.code}
        )
        assert (
            response.status_code == 422 and "只能投诉本人报名或做过工的用工主体" in response.json()["detail"]
        )
        assert not Complaint.objects.exists()

    def test_staff_file_for_a_worker_they_serve(self, client, personas, worker):
        client.force_login(personas.coordinator_a)
        body = {"kind": "wages", "description": "电话投诉：工资拖欠两周。", "worker": worker.code}
        response = post(client, f"{API}/complaints", body)
        assert response.status_code == 201 and response.json()["worker_code"] == worker.code
        client.force_login(personas.town_admin_b)  # 东区 does not serve this 小榄 worker
        assert post(client, f"{API}/complaints", body).status_code == 404
        client.force_login(personas.outsider)
        response = post(client, f"{API}/complaints", {"kind": "other", "description": "x"})
        assert response.status_code == 422 and "求职登记" in response.json()["detail"]
        assert Complaint.objects.count() == 1

    def test_scope_of_the_list(self, client, personas, worker):
        mine = complaints.file_complaint(actor=worker.user, worker=worker, kind="other", description="被辱骂")
        complaints.add_note(mine, actor=personas.coordinator_a, note="内部：已核实", internal=True)
        other = make_worker(personas.coordinator_a, personas.station_a, name="何阿姨")
        for user, count in (
            (other.user, 0),
            (personas.employer, 0),
            (personas.outsider, 0),
            (personas.town_admin_b, 0),
            (personas.coordinator_a, 1),
            (personas.city_admin, 1),
        ):
            client.force_login(user)
            assert client.get(f"{API}/complaints").json()["count"] == count, user
        client.force_login(worker.user)
        notes = [e["note"] for e in client.get(f"{API}/complaints").json()["items"][0]["events"]]
        assert "内部：已核实" not in notes
        client.force_login(personas.coordinator_a)
        notes = [e["note"] for e in client.get(f"{API}/complaints").json()["items"][0]["events"]]
        assert "内部：已核实" in notes

    def test_needs_a_login_or_token(self, client, personas, worker):
        assert client.get(f"{API}/complaints").status_code == 401
        assert post(client, f"{API}/complaints", {"kind": "other", "description": "x"}).status_code == 401
        _, key = issue_token(actor=worker.user)
        response = post(
            client,
            f"{API}/complaints",
            {"kind": "other", "description": "用令牌提交"},
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        assert response.status_code == 201


class TestArrearsApi:
    def test_scope(self, client, personas, worker, case):
        other = make_worker(personas.coordinator_a, personas.station_a, name="何阿姨")
        for user, count in (
            (personas.coordinator_a, 1),  # the worker's station follows the case
            (personas.town_admin_b, 1),  # the employer is in 东区
            (personas.city_admin, 1),
            (personas.employer, 1),  # the employer's manager
            (worker.user, 1),
            (other.user, 0),
            (personas.outsider, 0),
        ):
            client.force_login(user)
            body = client.get(f"{API}/arrears").json()
            assert body["count"] == count, user
        client.force_login(personas.coordinator_a)
        item = client.get(f"{API}/arrears").json()["items"][0]
        assert item["code"] == case.code and item["worker_name"] == "梁*明" and item["level"] == "town"
        assert item["amount_expected"] == "180.00" and item["status"] == "open"
        assert client.get(f"{API}/arrears", {"status": "resolved"}).json()["count"] == 0
        assert client.get(f"{API}/arrears", {"level": "town"}).json()["count"] == 1
        assert client.get(f"{API}/arrears", {"level": "nope"}).status_code == 422
        client.logout()
        assert client.get(f"{API}/arrears").status_code == 401
