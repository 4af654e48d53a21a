"""Login by phone or username, lockout, password change, tokens, and the append-only audit chain."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import PASSWORD
from lingong.accounts import audit
from lingong.accounts.models import ApiToken, AuditEntry
from lingong.accounts.services import create_user

pytestmark = pytest.mark.django_db


class TestLogin:
    @pytest.mark.parametrize("ident", ["coord_a", "13900000003", "COORD_A"])
    def test_phone_or_username(self, client, personas, ident):
        response = client.post(reverse("accounts:login"), {"username": ident, "password": PASSWORD})
        assert response.status_code == 302
        assert client.session.get("_auth_user_id") == str(personas.coordinator_a.pk)
        assert AuditEntry.objects.filter(
            action="user.login", object_id=str(personas.coordinator_a.pk)
        ).exists()

    def test_wrong_password_is_a_chinese_error(self, client, personas):
        response = client.post(reverse("accounts:login"), {"username": "coord_a", "password": "nope"})
        assert response.status_code == 200
        assert "用户名/手机号或密码不正确" in response.content.decode()

    def test_lockout_after_repeated_failures(self, client, personas, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(reverse("accounts:login"), {"username": "coord_a", "password": "wrong"})
        response = client.post(reverse("accounts:login"), {"username": "coord_a", "password": PASSWORD})
        assert response.status_code == 429
        assert "锁定" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_logout_needs_post(self, client, personas):
        client.force_login(personas.worker)
        assert client.post(reverse("accounts:logout")).status_code == 302
        assert "_auth_user_id" not in client.session

    def test_password_change_is_audited(self, client, personas):
        client.force_login(personas.worker)
        response = client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": "Zs-new-pass-77", "new_password2": "Zs-new-pass-77"},
        )
        assert response.status_code == 302
        personas.worker.refresh_from_db()
        assert personas.worker.check_password("Zs-new-pass-77")
        assert AuditEntry.objects.filter(action="user.password_change").count() == 1


def test_create_user_validates_in_chinese(db):
    with pytest.raises(ValidationError) as exc:
        create_user(actor=None, username="a", password="x", phone="12345")
    assert "手机号" in exc.value.message_dict["phone"][0]
    create_user(actor=None, username="b", password="Long-enough-pw-1", phone="13800138000")
    with pytest.raises(ValidationError) as exc:
        create_user(actor=None, username="c", password="Long-enough-pw-1", phone="13800138000")
    assert exc.value.message_dict["phone"] == ["该手机号已注册"]


class TestTokens:
    url = "/api/v1/auth/token"

    def test_issue_use_revoke(self, client, personas):
        response = client.post(
            self.url,
            {"username": "13900000004", "password": PASSWORD, "name": "kiosk"},
            content_type="application/json",
        )
        assert response.status_code == 201
        key = response.json()["token"]
        assert not ApiToken.objects.filter(key_hash=key).exists()  # only the hash is stored
        auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
        me = client.get("/api/v1/auth/me", **auth)
        assert me.status_code == 200 and me.json()["roles"] == ["worker"]
        assert client.delete(self.url, **auth).status_code == 204
        assert client.get("/api/v1/auth/me", **auth).status_code == 401
        actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
        assert "token.issue" in actions and "token.revoke" in actions

    def test_bad_credentials_and_garbage_tokens(self, client, personas):
        bad = client.post(self.url, {"username": "worker", "password": "x"}, content_type="application/json")
        assert bad.status_code == 401 and "密码不正确" in bad.json()["detail"]
        empty = client.post(self.url, {"username": ""}, content_type="application/json")
        assert empty.status_code == 422 and "缺少必填项" in empty.json()["detail"]
        assert client.get("/api/v1/auth/me", HTTP_AUTHORIZATION="Bearer lg_forged").status_code == 401
        assert client.get("/api/v1/auth/me").status_code == 401

    def test_session_works_too(self, client, personas):
        client.force_login(personas.city_admin)
        assert client.get("/api/v1/auth/me").json()["roles"] == ["city_admin"]

    def test_token_page_issues_and_revokes(self, client, personas):
        client.force_login(personas.worker)
        page = client.post(reverse("accounts:tokens"), {"name": "我的手机"})
        assert "lg_" in page.content.decode()
        token = ApiToken.objects.get(user=personas.worker)
        client.post(reverse("accounts:tokens"), {"revoke": token.id})
        token.refresh_from_db()
        assert token.revoked_at is not None

    def test_cannot_revoke_someone_elses_token(self, client, personas):
        from lingong.accounts.services import issue_token

        token, _ = issue_token(actor=personas.city_admin)
        client.force_login(personas.worker)
        assert client.post(reverse("accounts:tokens"), {"revoke": token.id}).status_code == 404


class TestAudit:
    def test_chain_is_intact_and_detects_tampering(self, personas):
        assert AuditEntry.objects.count() > 5
        assert audit.verify_chain() is None
        victim = AuditEntry.objects.order_by("id")[2]
        # Bypass the model's guards the way an attacker with SQL access would.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("UPDATE accounts_auditentry SET summary = %s WHERE id = %s", ["改过", victim.id])
        assert audit.verify_chain() == victim.id

    def test_append_only(self, personas):
        entry = AuditEntry.objects.order_by("id")[0]
        with pytest.raises(PermissionError):
            entry.save()
        with pytest.raises(PermissionError):
            entry.delete()
        with pytest.raises(PermissionError):
            AuditEntry.objects.all().delete()
        with pytest.raises(PermissionError):
            AuditEntry.objects.update(summary="x")

    @pytest.mark.django_db(transaction=True)
    def test_record_outside_transaction_is_refused(self):
        user = create_user(actor=None, username="solo", password="Long-enough-pw-1")
        with pytest.raises(RuntimeError):
            audit.record(user, "x", user)

    def test_station_change_records_who_what_before_after(self, client, personas):
        client.force_login(personas.coordinator_a)
        url = reverse("places:edit", args=[personas.station_a.code])
        data = {
            "contact_name": "新协理员",
            "phone": "0760-22113344",
            "services": ["recommendation"],
            "occupations": "普工、保洁",
            **{f"hours_{d}": "08:30-17:30" for d in range(5)},
        }
        assert client.post(url, data).status_code == 302
        entry = AuditEntry.objects.filter(action="station.operations").get()
        assert entry.actor == personas.coordinator_a
        assert entry.object_id == personas.station_a.code
        assert entry.before["contact_name"] == "陈协理" and entry.after["contact_name"] == "新协理员"
        assert "services" in entry.after

    def test_audit_page_and_export_city_only(self, client, personas):
        client.force_login(personas.town_admin_b)
        assert client.get(reverse("accounts:audit")).status_code == 403
        client.force_login(personas.city_admin)
        assert "station.create" in client.get(reverse("accounts:audit")).content.decode()
        export = client.get(reverse("accounts:audit") + "?format=xlsx")
        assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_large_text_mode_persists(client, db):
    response = client.post(reverse("accounts:large_text"), {"next": "/stations/"})
    assert response.status_code == 302 and response["Location"] == "/stations/"
    assert client.cookies["lg_a11y"].value == "large"
    assert 'class="a11y-large"' in client.get("/").content.decode()
    client.post(reverse("accounts:large_text"), {"next": "https://evil.example/"})
    assert 'class="a11y-large"' not in client.get("/").content.decode()


class TestMemberships:
    def test_scope_must_fit_role(self, personas):
        from lingong.accounts.services import grant_membership

        with pytest.raises(ValidationError):
            grant_membership(actor=personas.city_admin, user=personas.outsider, role="coordinator")
        with pytest.raises(ValidationError):
            grant_membership(
                actor=personas.city_admin,
                user=personas.outsider,
                role="town_admin",
                station=personas.station_a,
            )

    def test_town_admin_grants_coordinators_of_own_town_only(self, personas):
        from django.core.exceptions import PermissionDenied

        from lingong.accounts.services import grant_membership, revoke_membership

        m = grant_membership(
            actor=personas.town_admin_b,
            user=personas.outsider,
            role="coordinator",
            station=personas.station_b,
        )
        assert personas.station_b.id in personas.outsider.coordinator_station_ids
        with pytest.raises(PermissionDenied):
            grant_membership(
                actor=personas.town_admin_b,
                user=personas.outsider,
                role="coordinator",
                station=personas.station_a,
            )
        with pytest.raises(PermissionDenied):
            grant_membership(actor=personas.town_admin_b, user=personas.outsider, role="city_admin")
        revoke_membership(actor=personas.town_admin_b, membership=m)
        assert personas.outsider.coordinator_station_ids == set()

    def test_regrant_is_not_audited_twice(self, personas):
        from lingong.accounts.services import grant_membership

        before = AuditEntry.objects.filter(action="membership.grant").count()
        grant_membership(actor=personas.city_admin, user=personas.worker, role="worker")
        assert AuditEntry.objects.filter(action="membership.grant").count() == before


def test_token_endpoint_locks_out_too(client, personas, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/api/v1/auth/token", {"username": "worker", "password": "wrong"}, content_type="application/json"
        )
    locked = client.post(
        "/api/v1/auth/token", {"username": "worker", "password": PASSWORD}, content_type="application/json"
    )
    assert locked.status_code == 429 and "锁定" in locked.json()["detail"]


class TestPhoneFlows:
    def test_signup_with_an_sms_code(self, client, personas):
        from conftest import read_sms_code
        from lingong.accounts.models import User

        url = reverse("accounts:signup") + "?next=/employers/register/"
        assert client.post(url, {"step": "phone", "phone": "13755556666"}).status_code == 302
        weak = client.post(
            url, {"code": read_sms_code("13755556666"), "display_name": "黄", "password": "123"}
        )
        assert "密码" in weak.content.decode() and not User.objects.filter(phone="13755556666").exists()
        done = client.post(
            url,
            {
                "code": read_sms_code("13755556666"),
                "display_name": "黄经理",
                "password": "Zs-signup-2026",
                "next": "/employers/register/",
            },
        )
        assert done.status_code == 302 and done["Location"] == "/employers/register/"
        assert User.objects.get(phone="13755556666").check_password("Zs-signup-2026")

    def test_sms_login(self, client, personas):
        from conftest import read_sms_code

        url = reverse("accounts:login_sms")
        client.post(url, {"phone": "13900000004", "action": "send"})
        wrong = client.post(url, {"phone": "13900000004", "code": "12345x", "action": "login"})
        assert "_auth_user_id" not in client.session and "验证码" in wrong.content.decode()
        client.post(url, {"phone": "13900000004", "code": read_sms_code("13900000004"), "action": "login"})
        assert client.session["_auth_user_id"] == str(personas.worker.pk)
        unknown = client.post(url, {"phone": "13912340000", "code": "123456", "action": "login"})
        assert "还没有注册" in unknown.content.decode()

    def test_sms_login_never_sends_people_to_another_site(self, client, personas):
        from conftest import read_sms_code

        url = reverse("accounts:login_sms")
        client.post(url, {"phone": "13900000004", "action": "send"})
        code = read_sms_code("13900000004")
        response = client.post(
            f"{url}?next=https://evil.example/", {"phone": "13900000004", "code": code, "action": "login"}
        )
        assert response.status_code == 302 and response["Location"] == reverse("home")
