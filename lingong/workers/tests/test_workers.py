"""Worker registration (self, kiosk, walk-in), profile, hardship and tier, ID protection, own data."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import read_sms_code
from lingong.accounts.models import AuditEntry
from lingong.catalog.models import HardshipCategory, Occupation
from lingong.lib.idcard import make_id
from lingong.workers import services
from lingong.workers.models import ConsentPurpose, RegisteredVia, Worker, WorkerStatus
from lingong.workers.tiers import TierInput, derive_tier

pytestmark = pytest.mark.django_db
ALL = list(ConsentPurpose.values)
OLD_ID = make_id("442000", dt.date(1962, 3, 8), 457)  # a 64-year-old man


def walk_in(personas, phone="13700000001", id_number=OLD_ID, name="梁伯"):
    return services.register_worker(
        actor=personas.coordinator_a,
        via=RegisteredVia.ASSISTED,
        phone=phone,
        real_name=name,
        id_number=id_number,
        consents=ALL,
        station=personas.station_a,
    )


class TestRegistration:
    def test_self_registration_through_the_pages(self, client, personas, catalog):
        response = client.post(reverse("workers:register"), {"step": "phone", "phone": "13700000009"})
        assert response.status_code == 302
        code = read_sms_code("13700000009")
        form = {
            "code": code,
            "real_name": "李秀梅",
            "id_number": make_id("442000", dt.date(1985, 6, 1), 12),
            "consent_registration": "on",
            "consent_sensitive": "on",
            "consent_matching": "on",
        }
        response = client.post(reverse("workers:register"), form)
        assert response.status_code == 302 and response["Location"] == reverse("workers:edit_me")
        worker = Worker.objects.get(user__phone="13700000009")
        assert worker.registered_via == RegisteredVia.SELF and worker.sex == "F"
        assert client.session["_auth_user_id"] == str(worker.user_id)
        assert worker.consents.count() == 3
        assert AuditEntry.objects.filter(action="worker.register", object_id=worker.code).exists()

    def test_a_typo_in_the_id_does_not_spend_the_code(self, client, personas, catalog):
        client.post(reverse("workers:register"), {"step": "phone", "phone": "13700000008"})
        code = read_sms_code("13700000008")
        bad = {
            "code": code,
            "real_name": "李秀梅",
            "id_number": "442000198506010129",
            "consent_registration": "on",
            "consent_sensitive": "on",
        }
        page = client.post(reverse("workers:register"), bad).content.decode()
        assert "校验位不正确" in page and not Worker.objects.exists()
        bad["id_number"] = make_id("442000", dt.date(1985, 6, 1), 12)
        assert client.post(reverse("workers:register"), bad).status_code == 302

    def test_kiosk_registration_records_the_station(self, client, personas, catalog):
        client.get(reverse("workers:register") + f"?station={personas.station_b.code}")
        client.post(reverse("workers:register"), {"step": "phone", "phone": "13700000007"})
        client.post(
            reverse("workers:register"),
            {
                "code": read_sms_code("13700000007"),
                "real_name": "黄志明",
                "id_number": make_id("442000", dt.date(1990, 1, 1), 33),
                "consent_registration": "on",
                "consent_sensitive": "on",
            },
        )
        worker = Worker.objects.get(user__phone="13700000007")
        assert worker.registered_via == RegisteredVia.KIOSK and worker.station == personas.station_b
        assert worker.matching_opt_out  # matching consent was not ticked

    def test_one_worker_per_id_even_with_a_15_digit_form(self, personas, catalog):
        walk_in(personas, id_number="130503670401001")
        with pytest.raises(ValidationError) as exc:
            walk_in(personas, phone="13700000002", id_number="130503196704010016")
        assert "已经登记过" in exc.value.message_dict["id_number"][0]

    def test_id_is_encrypted_and_masked(self, personas, catalog):
        worker = walk_in(personas)
        assert OLD_ID not in worker.id_cipher and worker.id_masked == OLD_ID[:6] + "********" + OLD_ID[-4:]
        assert services.find_by_id_number(OLD_ID) == worker

    def test_juvenile_is_flagged_and_under_16_refused(self, personas, catalog):
        today = dt.date.today()
        teen = make_id("442000", dt.date(today.year - 17, 1, 1), 5)
        worker = walk_in(personas, id_number=teen, name="小明仔")
        assert worker.is_juvenile()
        assert "未成年工" in AuditEntry.objects.get(action="worker.register", object_id=worker.code).summary
        child = make_id("442000", dt.date(today.year - 15, 1, 1), 5)
        with pytest.raises(ValidationError, match="未满 16 周岁"):
            walk_in(personas, phone="13700000003", id_number=child)

    def test_consent_is_required(self, personas, catalog):
        with pytest.raises(ValidationError) as exc:
            services.register_worker(
                actor=None,
                via=RegisteredVia.SELF,
                phone="13700000004",
                real_name="王五",
                id_number=OLD_ID,
                consents=[ConsentPurpose.MATCHING],
            )
        assert "consent" in exc.value.message_dict
        assert not Worker.objects.exists()

    def test_coordinator_cannot_register_at_another_station(self, personas, catalog):
        with pytest.raises(PermissionDenied):
            services.register_worker(
                actor=personas.coordinator_a,
                via=RegisteredVia.ASSISTED,
                phone="13700000005",
                real_name="王五",
                id_number=OLD_ID,
                consents=ALL,
                station=personas.station_b,
            )


class TestWalkInPages:
    def test_walk_in_and_slip(self, client, personas, catalog):
        client.force_login(personas.coordinator_a)
        occupation = Occupation.objects.get(code="4-10-01-06")
        response = client.post(
            reverse("workers:walk_in"),
            {
                "station": personas.station_a.code,
                "phone": "13700000011",
                "real_name": "陈亚婆",
                "id_number": OLD_ID,
                "home_town": personas.station_a.town_id,
                "home_community": "永宁社区",
                "gig_occupations": [occupation.code],
                "consent_witnessed": "on",
            },
        )
        worker = Worker.objects.get(user__phone="13700000011")
        assert response["Location"] == reverse("workers:slip", args=[worker.code])
        slip = client.get(response["Location"]).content.decode()
        assert worker.code in slip and "137****0011" in slip and "<svg" in slip and OLD_ID not in slip
        assert list(worker.occupations.values_list("occupation__code", flat=True)) == ["4-10-01-06"]
        assert worker.consents.filter(witnessed_by=personas.coordinator_a).count() == 3

    def test_walk_in_without_consent_saves_nothing(self, client, personas, catalog):
        client.force_login(personas.coordinator_a)
        page = client.post(
            reverse("workers:walk_in"),
            {
                "station": personas.station_a.code,
                "phone": "13700000012",
                "real_name": "陈亚婆",
                "id_number": OLD_ID,
            },
        ).content.decode()
        assert "请先向本人说明并取得同意" in page and not Worker.objects.exists()

    def test_station_list_search(self, client, personas, catalog):
        worker = walk_in(personas)
        client.force_login(personas.coordinator_a)
        for q in ("梁伯", "13700000001", OLD_ID[-4:], OLD_ID):
            assert worker.code in client.get(reverse("workers:list"), {"q": q}).content.decode(), q


class TestScopeAndReveal:
    def test_other_station_and_employer_cannot_see(self, client, personas, catalog):
        worker = walk_in(personas)
        for user in (personas.town_admin_b, personas.employer, personas.outsider):
            client.force_login(user)
            assert client.get(reverse("workers:detail", args=[worker.code])).status_code == 404
            assert worker.code not in client.get(reverse("workers:list")).content.decode()

    def test_reveal_needs_a_reason_and_is_audited(self, client, personas, catalog):
        worker = walk_in(personas)
        client.force_login(personas.coordinator_a)
        url = reverse("workers:detail", args=[worker.code])
        assert OLD_ID not in client.get(url).content.decode()
        short = client.post(url, {"reason": "看"}).content.decode()
        assert OLD_ID not in short and "请写明查看原因" in short
        page = client.post(url, {"reason": "办理就业困难人员认定"}).content.decode()
        assert OLD_ID in page
        entry = AuditEntry.objects.get(action="worker.reveal_id")
        assert entry.actor == personas.coordinator_a and "办理就业困难人员认定" in entry.summary

    def test_worker_cannot_reveal_even_their_own_through_staff_path(self, personas, catalog):
        worker = walk_in(personas)
        with pytest.raises(PermissionDenied):
            services.reveal_id_number(worker, actor=worker.user, reason="我想看看")
        with pytest.raises(PermissionDenied):
            services.reveal_id_number(worker, actor=personas.town_admin_b, reason="越权查看")


class TestHardshipAndTier:
    def test_tier_rule(self):
        from dataclasses import replace

        base = TierInput(age=30, sex="M", waiting_days=0, verified_categories=(), assistance_categories=())
        assert derive_tier(base)[0] == 1
        assert derive_tier(replace(base, verified_categories=("失地农民",)))[0] == 2
        assert (
            derive_tier(replace(base, verified_categories=("残疾",), assistance_categories=("残疾",)))[0] == 3
        )
        assert derive_tier(replace(base, verified_categories=("失地农民", "低收入家庭")))[0] == 3
        assert derive_tier(replace(base, age=45, sex="F", waiting_days=90))[0] == 2
        assert derive_tier(replace(base, age=45, sex="M", waiting_days=90))[0] == 1
        assert derive_tier(replace(base, waiting_days=200))[0] == 2

    def test_record_verify_and_tier(self, client, personas, catalog):
        worker = walk_in(personas)
        assistance = HardshipCategory.objects.filter(assistance_level=True).first()
        assert assistance is not None
        client.force_login(personas.coordinator_a)
        client.post(
            reverse("workers:record_hardship", args=[worker.code]),
            {"category": assistance.pk, "evidence": "残疾人证 44200019620308457X"},
        )
        record = worker.hardships.get()
        assert record.status == "pending"
        worker.refresh_from_db()
        assert worker.tier == 1  # not verified yet
        queue = client.get(reverse("workers:hardship_queue")).content.decode()
        assert assistance.name in queue
        client.post(reverse("workers:hardship_queue"), {"record": record.pk, "decision": "approve"})
        worker.refresh_from_db()
        assert worker.tier == 3 and assistance.name in worker.tier_reason

    def test_employers_never_see_hardship(self, client, personas, catalog):
        worker = walk_in(personas)
        cat = HardshipCategory.objects.first()
        services.record_hardship(worker, actor=personas.coordinator_a, category=cat, evidence="低保证 123")
        client.force_login(personas.employer)
        assert client.get(reverse("workers:hardship_queue")).status_code == 403
        assert client.get(f"/api/v1/workers/{worker.code}").status_code == 404

    def test_reject_needs_a_reason(self, personas, catalog):
        worker = walk_in(personas)
        record = services.record_hardship(
            worker, actor=personas.coordinator_a, category=HardshipCategory.objects.first(), evidence="证明 1"
        )
        with pytest.raises(ValidationError):
            services.verify_hardship(record, actor=personas.coordinator_a, approve=False)


class TestProfile:
    def test_worker_edits_profile(self, client, personas, catalog):
        worker = walk_in(personas)
        client.force_login(worker.user)
        form = {
            "home_town": personas.station_a.town_id,
            "home_community": "永宁社区",
            "travel_mode": "ebike",
            "travel_minutes": "20",
            "availability": ["0", "1", "3"],
            "blocked_dates": "2099-01-02",
            "expected_pay": "180",
            "expected_pay_unit": "day",
            "settlement_pref": "daily",
            "languages": ["粤语"],
            "intro": "做过十年保洁",
            "occ": ["4-10-01-06"],
            "level_4-10-01-06": "skilled",
        }
        assert client.post(reverse("workers:edit_me"), form).status_code == 302
        worker.refresh_from_db()
        assert worker.availability == 0b1011 and worker.travel_minutes == 20 and worker.languages == ["粤语"]
        assert worker.occupations.get().level == "skilled"
        assert worker.blocked_dates.get().date == dt.date(2099, 1, 2)
        me = client.get(reverse("workers:me")).content.decode()
        assert "家政服务员（3年以上）" in me

    def test_bad_profile_input_saves_nothing(self, client, personas, catalog):
        worker = walk_in(personas)
        client.force_login(worker.user)
        page = client.post(
            reverse("workers:edit_me"),
            {
                "travel_mode": "ebike",
                "travel_minutes": "20",
                "expected_pay": "-5",
                "expected_pay_unit": "day",
                "settlement_pref": "daily",
                "blocked_dates": "明天",
            },
        ).content.decode()
        assert "日期格式不对" in page
        worker.refresh_from_db()
        assert worker.expected_pay is None


class TestOwnData:
    def test_download_json_and_excel(self, client, personas, catalog):
        worker = walk_in(personas)
        client.force_login(worker.user)
        data = json.loads(client.get(reverse("workers:my_data") + "?format=json").content)
        assert data["求职编号"] == worker.code and data["身份证号"].startswith(OLD_ID[:6])
        assert any("求职登记" in line for line in data["谁处理过我的信息"])
        xlsx = client.get(reverse("workers:my_data") + "?format=xlsx")
        assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")

    def test_withdraw_matching_consent(self, client, personas, catalog):
        worker = walk_in(personas)
        client.force_login(worker.user)
        client.post(reverse("workers:consent"), {"purpose": "matching"})
        worker.refresh_from_db()
        assert worker.matching_opt_out

    def test_erasure_keeps_only_the_code(self, client, personas, catalog):
        worker = walk_in(personas)
        client.force_login(worker.user)
        client.post(reverse("workers:erase_me"), {"confirm": "注销"})
        worker.refresh_from_db()
        assert (
            worker.status == WorkerStatus.ERASED and worker.real_name == "已注销" and worker.id_cipher == ""
        )
        assert not worker.user.is_active and worker.user.phone is None
        assert worker.deletion_requests.get().processed_at is not None
        # The same person can register again later.
        walk_in(personas)


class TestApi:
    def test_register_me_patch(self, client, personas, catalog):
        assert (
            client.post(
                "/api/v1/workers/register/code", {"phone": "13700000021"}, content_type="application/json"
            ).status_code
            == 202
        )
        body = {
            "phone": "13700000021",
            "code": read_sms_code("13700000021"),
            "real_name": "何家辉",
            "id_number": make_id("442000", dt.date(1979, 9, 9), 71),
            "home_town": "火炬开发区",
            "consents": ["registration", "sensitive", "matching"],
        }
        created = client.post("/api/v1/workers/register", body, content_type="application/json")
        assert created.status_code == 201
        auth = {"HTTP_AUTHORIZATION": f"Bearer {created.json()['token']}"}
        me = client.get("/api/v1/workers/me", **auth).json()
        assert me["home_town"] == "中山港街道" and me["id_masked"].endswith(body["id_number"][-4:])
        patched = client.patch(
            "/api/v1/workers/me",
            {"travel_minutes": 25, "expected_pay": "25.5", "expected_pay_unit": "hour"},
            content_type="application/json",
            **auth,
        )
        assert patched.status_code == 200 and patched.json()["travel_minutes"] == 25

    @pytest.mark.parametrize(
        ("body", "fragment"),
        [
            ({"travel_minutes": 500}, "通勤时间"),
            ({"expected_pay_unit": "year"}, "取值无效"),
            ({"availability": -1}, "availability"),
            ({"languages": ["火星语"]}, "语言可选"),
            ({"home_town": "广州"}, "找不到镇街"),
        ],
    )
    def test_bad_patch_is_422_in_chinese(self, client, personas, catalog, body, fragment):
        worker = walk_in(personas)
        client.force_login(worker.user)
        response = client.patch("/api/v1/workers/me", body, content_type="application/json")
        assert response.status_code == 422 and fragment in response.json()["detail"]

    def test_wrong_code_registers_nobody(self, client, personas, catalog):
        client.post(
            "/api/v1/workers/register/code", {"phone": "13700000022"}, content_type="application/json"
        )
        body = {
            "phone": "13700000022",
            "code": "000000",
            "real_name": "何家辉",
            "id_number": make_id("442000", dt.date(1979, 9, 9), 72),
            "consents": ["registration", "sensitive"],
        }
        response = client.post("/api/v1/workers/register", body, content_type="application/json")
        assert response.status_code == 422 and "验证码" in response.json()["detail"]
        assert not Worker.objects.exists()

    def test_staff_list_is_scoped(self, client, personas, catalog):
        worker = walk_in(personas)
        client.force_login(personas.coordinator_a)
        assert [w["code"] for w in client.get("/api/v1/workers/").json()] == [worker.code]
        client.force_login(personas.town_admin_b)
        assert client.get("/api/v1/workers/").json() == []
        client.force_login(personas.employer)
        assert client.get("/api/v1/workers/").status_code == 403


def test_profile_adds_an_occupation_from_the_type_ahead(client, personas, catalog):
    worker = walk_in(personas)
    client.force_login(worker.user)
    base = {
        "travel_mode": "ebike",
        "travel_minutes": "20",
        "expected_pay_unit": "day",
        "settlement_pref": "daily",
    }
    assert client.post(reverse("workers:edit_me"), {**base, "occupation_text": "电工"}).status_code in (
        200,
        302,
    )
    bad = client.post(reverse("workers:edit_me"), {**base, "occupation_text": "火箭驾驶"}).content.decode()
    assert "找不到工种" in bad
    code = Occupation.objects.filter(name="电工").values_list("code", flat=True).first()
    client.post(reverse("workers:edit_me"), {**base, "occupation_code": code, "occupation_text": "电工"})
    assert list(worker.occupations.values_list("occupation__code", flat=True)) == [code]


def test_profile_certificates_with_expiry(client, personas, catalog):
    from lingong.catalog.models import Certificate

    worker = walk_in(personas)
    client.force_login(worker.user)
    cert = Certificate.objects.order_by("code")[0]
    base = {
        "travel_mode": "ebike",
        "travel_minutes": "20",
        "expected_pay_unit": "day",
        "settlement_pref": "daily",
    }
    page = client.get(reverse("workers:edit_me")).content.decode()
    assert 'name="cert_code"' in page and 'data-lat-input="id_home_lat"' in page
    bad = client.post(
        reverse("workers:edit_me"), {**base, "cert_code": [cert.code], "cert_expires": ["明年"]}
    )
    assert "有效期格式" in bad.content.decode() and not worker.certificates.exists()
    client.post(
        reverse("workers:edit_me"),
        {
            **base,
            "cert_code": [cert.code, ""],
            "cert_number": ["A123", ""],
            "cert_expires": ["2027-06-30", ""],
        },
    )
    held = worker.certificates.get()
    assert held.certificate == cert and held.number == "A123" and held.expires_on == dt.date(2027, 6, 30)
