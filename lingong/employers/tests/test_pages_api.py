"""Employer pages and API: what people see, what they may do, and clear answers to bad input."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from lingong.accounts.models import Membership
from lingong.employers import services
from lingong.employers.models import Employer
from lingong.employers.tests.helpers import make_user, new_uscc, persona_employer, register, wrong_check

pytestmark = pytest.mark.django_db

API = "/api/v1/employers"


@pytest.fixture
def boss(personas):
    return make_user("boss_x", "13900000011")


@pytest.fixture
def xiaolan(boss, towns):
    return register(boss, towns["小榄"], contact_phone="13912345678")


def form_data(town, **overrides) -> dict:
    data = {
        "kind": "enterprise",
        "name": "中山市东区网页登记测试有限公司",
        "uscc": new_uscc(),
        "contact_name": "陈小姐",
        "contact_phone": "13922223333",
        "town": town.pk,
        "address": "中山市东区起湾道3号",
        "industry": "",
        "description": "",
        "lat": "",
        "lng": "",
    }
    data.update(overrides)
    return data


class TestRegisterPage:
    def test_anonymous_is_sent_to_login(self, client, personas):
        response = client.get(reverse("employers:register"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_page_says_what_will_be_checked(self, client, personas):
        client.force_login(personas.outsider)
        page = client.get(reverse("employers:register")).content.decode()
        assert (
            "会核对" in page
            and "统一社会信用代码" in page
            and "style=" not in page
            and "<script>" not in page
        )

    def test_register_and_land_on_detail(self, client, personas, towns):
        client.force_login(personas.outsider)
        response = client.post(reverse("employers:register"), form_data(towns["东区"]))
        employer = Employer.objects.get(name="中山市东区网页登记测试有限公司")
        assert response.status_code == 302 and response["Location"] == f"/employers/{employer.code}/"
        page = client.get(response["Location"]).content.decode()
        assert "待审核" in page and "13922223333" in page and "良好" in page

    def test_bad_input_rerenders_with_chinese_errors_and_saves_nothing(self, client, personas, towns):
        client.force_login(personas.outsider)
        response = client.post(
            reverse("employers:register"), form_data(towns["东区"], uscc="", contact_phone="123")
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "企业必须填写统一社会信用代码" in page and "手机号应为 11 位数字" in page
        assert not Employer.objects.filter(name="中山市东区网页登记测试有限公司").exists()

    def test_failed_check_character_is_accepted_with_a_flag(self, client, personas, towns):
        client.force_login(personas.outsider)
        client.post(reverse("employers:register"), form_data(towns["东区"], uscc=wrong_check(new_uscc())))
        employer = Employer.objects.get(name="中山市东区网页登记测试有限公司")
        assert employer.uscc_check == "failed"
        page = client.get(reverse("employers:detail", args=[employer.code])).content.decode()
        assert "待人工核实" in page


class TestMemberPages:
    def test_mine_lists_status_and_next_step(self, client, personas):
        client.force_login(personas.employer)
        page = client.get(reverse("employers:mine")).content.decode()
        assert persona_employer(personas).name in page and "等待镇街分局审核" in page

    def test_mine_for_someone_without_employers(self, client, personas):
        client.force_login(personas.worker)
        page = client.get(reverse("employers:mine")).content.decode()
        assert "还没有加入任何用工主体" in page

    def test_another_employers_page_is_404(self, client, personas, xiaolan):
        client.force_login(personas.employer)
        assert client.get(reverse("employers:detail", args=[xiaolan.code])).status_code == 404
        assert client.get(reverse("employers:edit", args=[xiaolan.code])).status_code == 404
        assert client.get(reverse("employers:members", args=[xiaolan.code])).status_code == 404

    def test_staff_see_a_masked_phone_members_the_full_one(self, client, personas):
        employer = persona_employer(personas)
        url = reverse("employers:detail", args=[employer.code])
        client.force_login(personas.town_admin_b)
        page = client.get(url).content.decode()
        assert "139****0005" in page and "13900000005" not in page and "审核" in page
        client.force_login(personas.employer)
        assert "13900000005" in client.get(url).content.decode()

    def test_edit_after_approval_returns_to_review(self, client, personas, towns):
        employer = services.review_employer(
            persona_employer(personas), actor=personas.city_admin, decision="approve"
        )
        client.force_login(personas.employer)
        url = reverse("employers:edit", args=[employer.code])
        assert "需要重新审核" in client.get(url).content.decode()
        data = form_data(towns["东区"], name="中山市东区改名物业有限公司", uscc=employer.uscc)
        response = client.post(url, data)
        assert response.status_code == 302
        employer.refresh_from_db()
        assert employer.status == "pending" and employer.name == "中山市东区改名物业有限公司"

    def test_resubmit_page(self, client, personas):
        employer = persona_employer(personas)
        services.review_employer(employer, actor=personas.city_admin, decision="more_info", reason="缺执照")
        client.force_login(personas.employer)
        url = reverse("employers:resubmit", args=[employer.code])
        assert "缺执照" in client.get(url).content.decode()
        assert "请说明" in client.post(url, {"note": ""}).content.decode()
        assert client.post(url, {"note": "已上传执照"}).status_code == 302
        employer.refresh_from_db()
        assert employer.status == "pending"

    def test_members_page_invites_and_removes(self, client, personas):
        employer = persona_employer(personas)
        url = reverse("employers:members", args=[employer.code])
        client.force_login(personas.employer)
        page = client.post(url, {"phone": "13900000041"}).content.decode()
        link = re.search(r"http://testserver/employers/invite/([\w-]+)/", page)
        assert link is not None and "已发短信邀请" in page
        response = client.post(url, {"phone": "13900000004"})
        assert response.status_code == 302
        page = client.get(url).content.decode()
        assert "worker" in page and "13900000004" in page and "139****0041" not in page
        membership = Membership.objects.get(user=personas.worker, employer=employer)
        assert client.post(url, {"remove": membership.pk}).status_code == 302
        membership.refresh_from_db()
        assert not membership.active
        own = Membership.objects.get(user=personas.employer, employer=employer)
        client.post(url, {"remove": own.pk})
        own.refresh_from_db()
        assert own.active  # the last manager stays

    def test_staff_see_members_masked_and_cannot_invite(self, client, personas):
        employer = persona_employer(personas)
        url = reverse("employers:members", args=[employer.code])
        client.force_login(personas.town_admin_b)
        page = client.get(url).content.decode()
        assert "139****0005" in page and "13900000005" not in page and "按手机号邀请" not in page
        assert client.post(url, {"phone": "13900000041"}).status_code == 403

    def test_accept_invitation_page(self, client, personas):
        result = services.invite_member(
            persona_employer(personas), actor=personas.employer, phone="13900000042"
        )
        url = reverse("employers:accept_invite", args=[result.token])
        assert "/accounts/login/" in client.get(url)["Location"]
        client.force_login(personas.outsider)
        page = client.get(url).content.decode()
        assert "139****0042" in page and "不一致" in page
        assert client.post(url).status_code == 403
        invited = make_user("invited", "13900000042")
        client.force_login(invited)
        assert "接受邀请并加入" in client.get(url).content.decode()
        response = client.post(url)
        assert response.status_code == 302
        assert Membership.objects.filter(
            user=invited, employer__code=persona_employer(personas).code
        ).exists()
        assert client.get(reverse("employers:accept_invite", args=["nonsense"])).status_code == 404


class TestReviewPages:
    def test_queue_is_scoped_and_highlights_failed_codes(self, client, personas, towns, boss):
        flagged = register(boss, towns["东区"], name="东区校验位有误公司", uscc=wrong_check(new_uscc()))
        register(boss, towns["小榄"], name="小榄某公司")
        client.force_login(personas.town_admin_b)
        page = client.get(reverse("employers:review_list")).content.decode()
        assert flagged.name in page and persona_employer(personas).name in page
        assert "小榄某公司" not in page and "校验位不符" in page and 'class="short"' in page
        assert "139****5678" in page and "13912345678" not in page
        page = client.get(reverse("employers:review_list"), {"show": "failed_uscc"}).content.decode()
        assert flagged.name in page and persona_employer(personas).name not in page
        assert client.get(reverse("employers:review_list"), {"show": "bogus"}).status_code == 400

    def test_queue_query_count_is_flat(self, client, personas, towns, boss, django_assert_max_num_queries):
        for i in range(6):
            register(boss, towns["东区"], name=f"东区公司{i}")
        client.force_login(personas.city_admin)
        with django_assert_max_num_queries(8):
            client.get(reverse("employers:review_list"))

    def test_review_page_approves_and_refuses_missing_reason(self, client, personas):
        employer = persona_employer(personas)
        url = reverse("employers:review", args=[employer.code])
        client.force_login(personas.town_admin_b)
        page = client.post(url, {"decision": "reject", "reason": ""}).content.decode()
        assert "请填写原因" in page
        assert client.post(url, {"decision": "approve", "reason": ""}).status_code == 302
        employer.refresh_from_db()
        assert employer.status == "approved" and employer.reverify_due is not None

    def test_town_admin_gets_403_on_another_town(self, client, personas, xiaolan):
        client.force_login(personas.town_admin_b)
        url = reverse("employers:review", args=[xiaolan.code])
        assert client.get(url).status_code == 403
        assert client.post(url, {"decision": "approve"}).status_code == 403
        xiaolan.refresh_from_db()
        assert xiaolan.status == "pending"


def _json(client, method, url, body=None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


class TestApi:
    def payload(self, **overrides) -> dict:
        data = {
            "kind": "hr_agency",
            "name": "中山市小榄镇接口测试人力资源有限公司",
            "uscc": new_uscc(),
            "contact_name": "刘主管",
            "contact_phone": "13955556666",
            "town": "小榄",
            "address": "中山市小榄镇民安中路2号",
        }
        data.update(overrides)
        return data

    def test_register_mine_detail_patch(self, client, personas):
        client.force_login(personas.outsider)
        response = _json(client, "post", f"{API}/", self.payload())
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["status"] == "pending" and body["can_manage"] and body["contact_phone"] == "13955556666"
        assert body["town"] == "小榄镇" and body["credit"]["level"] == "良好"
        code = body["code"]
        assert [e["code"] for e in client.get(f"{API}/mine").json()] == [code]
        assert client.get(f"{API}/{code}").json()["name"] == "中山市小榄镇接口测试人力资源有限公司"
        patched = _json(client, "patch", f"{API}/{code}", {"industry": "人力资源"})
        assert patched.status_code == 200 and patched.json()["industry"] == "人力资源"

    def test_bad_input_is_422_in_chinese(self, client, personas):
        client.force_login(personas.outsider)
        response = _json(client, "post", f"{API}/", self.payload(uscc="", contact_phone="1"))
        assert response.status_code == 422
        fields = {e["field"] for e in response.json()["errors"]}
        assert fields == {"uscc", "contact_phone"} and "统一社会信用代码" in response.json()["detail"]
        assert _json(client, "post", f"{API}/", {"kind": "shop"}).status_code == 422
        assert not Employer.objects.filter(name="中山市小榄镇接口测试人力资源有限公司").exists()

    def test_duplicate_uscc_is_422(self, client, personas):
        client.force_login(personas.outsider)
        uscc = persona_employer(personas).uscc
        response = _json(client, "post", f"{API}/", self.payload(uscc=uscc))
        assert response.status_code == 422 and "已有单位登记" in response.json()["detail"]

    def test_others_get_404_and_staff_a_masked_phone(self, client, personas, xiaolan):
        client.force_login(personas.employer)
        assert client.get(f"{API}/{xiaolan.code}").status_code == 404
        assert _json(client, "patch", f"{API}/{xiaolan.code}", {"industry": "x"}).status_code == 404
        client.force_login(personas.city_admin)
        assert client.get(f"{API}/{xiaolan.code}").json()["contact_phone"] == "139****5678"
        response = _json(client, "patch", f"{API}/{xiaolan.code}", {"industry": "x"})
        assert response.status_code == 403

    def test_review_queue_and_review(self, client, personas, xiaolan):
        dongqu = persona_employer(personas)
        client.force_login(personas.town_admin_b)
        queue = client.get(f"{API}/review-queue").json()
        assert queue["count"] == 1 and queue["items"][0]["code"] == dongqu.code
        assert queue["items"][0]["contact_phone"] == "139****0005"
        assert client.get(f"{API}/review-queue", {"show": "nope"}).status_code == 422
        missing = _json(client, "post", f"{API}/{dongqu.code}/review", {"decision": "reject"})
        assert missing.status_code == 422 and "请填写原因" in missing.json()["detail"]
        done = _json(client, "post", f"{API}/{dongqu.code}/review", {"decision": "approve"})
        assert done.status_code == 200 and done.json()["status"] == "approved"
        assert done.json()["verification_current"] is True
        other = _json(client, "post", f"{API}/{xiaolan.code}/review", {"decision": "approve"})
        assert other.status_code == 403
        client.force_login(personas.city_admin)
        queue = client.get(f"{API}/review-queue", {"town": xiaolan.town.code}).json()
        assert [i["code"] for i in queue["items"]] == [xiaolan.code]

    def test_review_queue_rejects_an_offset_past_any_page(self, client, personas):
        client.force_login(personas.city_admin)
        response = client.get(f"{API}/review-queue", {"offset": 10**25})
        assert response.status_code == 422 and "offset：应不大于 100000" in response.json()["detail"]
        assert client.get(f"{API}/review-queue", {"offset": 100_000}).json()["items"] == []

    def test_resubmit(self, client, personas):
        employer = persona_employer(personas)
        services.review_employer(employer, actor=personas.city_admin, decision="more_info", reason="缺执照")
        client.force_login(personas.employer)
        assert _json(client, "post", f"{API}/{employer.code}/resubmit", {"note": ""}).status_code == 422
        response = _json(client, "post", f"{API}/{employer.code}/resubmit", {"note": "已补充"})
        assert response.status_code == 200 and response.json()["status"] == "pending"

    def test_bearer_token_works(self, client, personas):
        from lingong.accounts.services import issue_token

        _, key = issue_token(actor=personas.employer)
        response = client.get(f"{API}/mine", HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == 200 and len(response.json()) == 1
        assert client.get(f"{API}/mine").status_code == 401
