"""The second factor in the browser flow: who is asked, the middleware, setup with a QR code, the
code page, wrong codes and lockout."""

import pytest
from django.urls import reverse

from conftest import PASSWORD
from lingong.accounts import otp
from lingong.accounts.models import AuditEntry, TotpDevice
from lingong.accounts.tests.totp_helpers import SECRET, code, enrol, totp_on, verified_login
from lingong.lib import totp

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("totp_on")]
__all__ = ["totp_on"]

VERIFY = "/accounts/otp/"
SETUP = "/accounts/otp/setup/"


def _sent_to_code_page(response, nxt: str | None = None) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and location.startswith(VERIFY) and (nxt is None or nxt in location)


class TestWhoIsAsked:
    @pytest.mark.parametrize("persona", ["worker", "employer", "coordinator_a", "outsider"])
    def test_other_roles_are_never_asked(self, client, personas, persona):
        client.force_login(getattr(personas, persona))
        assert client.get("/").status_code == 200
        assert client.get("/accounts/tokens/").status_code == 200
        assert client.get(VERIFY).status_code == 302 and client.get(VERIFY)["Location"] == "/"

    @pytest.mark.parametrize("persona", ["town_admin_b", "city_admin"])
    def test_admins_are_sent_to_the_code_page(self, client, personas, persona):
        client.force_login(getattr(personas, persona))
        response = client.get("/programme/?tab=funds")
        assert _sent_to_code_page(response, "next=%2Fprogramme%2F%3Ftab%3Dfunds")

    def test_setting_off_asks_nobody(self, client, personas, settings):
        settings.ADMIN_TOTP_REQUIRED = False
        client.force_login(personas.town_admin_b)
        assert client.get("/programme/").status_code == 200

    def test_a_revoked_admin_role_is_no_longer_asked(self, client, personas):
        from lingong.accounts.services import revoke_membership

        revoke_membership(actor=personas.city_admin, membership=personas.town_admin_b.memberships.get())
        client.force_login(personas.town_admin_b)
        assert client.get("/").status_code == 200


ROLES = ["anon", "worker", "employer", "outsider", "coordinator_a", "town_admin_b", "city_admin"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # anon to the login page, other roles on to the home page, admins without a device to setup.
        (VERIFY, ["/accounts/login/", "/", "/", "/", "/", SETUP, SETUP]),
        (SETUP, ["/accounts/login/", "/", "/", "/", "/", 200, 200]),
    ],
)
def test_pages_per_role(client, personas, path, expected):
    for role, want in zip(ROLES, expected, strict=True):
        client.logout()
        if role != "anon":
            client.force_login(getattr(personas, role))
        response = client.get(path)
        if want == 200:
            assert response.status_code == 200, role
        else:
            assert response.status_code == 302 and response["Location"].split("?")[0] == want, role


class TestMiddleware:
    def test_lets_static_files_logout_and_large_text_through(self, client, personas):
        client.force_login(personas.town_admin_b)
        assert not _sent_to_code_page(client.get("/static/css/site.css"))
        assert client.post("/accounts/large-text/", {"next": VERIFY})["Location"] == VERIFY
        response = client.post(reverse("accounts:logout"))
        assert response.status_code == 302 and "_auth_user_id" not in client.session

    def test_posts_and_htmx_are_sent_to_the_code_page_too(self, client, personas):
        client.force_login(personas.town_admin_b)
        assert _sent_to_code_page(client.post("/manage/stations/new/", {}))
        htmx = client.get(
            "/gigs/", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/gigs/"}
        )
        assert htmx.status_code == 204 and htmx["HX-Redirect"] == f"{VERIFY}?next=%2Fgigs%2F"

    def test_a_pending_session_is_anonymous_on_the_api(self, client, personas):
        client.force_login(personas.town_admin_b)
        assert client.get("/api/v1/auth/me").status_code == 401
        verified_login(client, personas.town_admin_b)
        assert client.get("/api/v1/auth/me").status_code == 200

    def test_every_login_starts_pending_again(self, client, personas):
        enrol(personas.town_admin_b)
        verified_login(client, personas.town_admin_b)
        assert client.get("/programme/").status_code == 200
        client.force_login(personas.town_admin_b)  # the same user again keeps the session's data
        assert _sent_to_code_page(client.get("/programme/"))
        verified_login(client, personas.town_admin_b)
        client.post(reverse("accounts:logout"))
        response = client.post(reverse("accounts:login"), {"username": "town_b", "password": PASSWORD})
        assert response.status_code == 302
        assert _sent_to_code_page(client.get("/programme/"))

    def test_sms_login_of_an_admin_is_pending_too(self, client, personas):
        from conftest import read_sms_code

        url = reverse("accounts:login_sms")
        client.post(url, {"phone": "13900000002", "action": "send"})
        client.post(url, {"phone": "13900000002", "code": read_sms_code("13900000002"), "action": "login"})
        assert client.session["_auth_user_id"] == str(personas.town_admin_b.pk)
        assert _sent_to_code_page(client.get("/"))

    def test_the_code_page_offers_no_other_links(self, client, personas):
        enrol(personas.city_admin)
        client.force_login(personas.city_admin)
        page = client.get(VERIFY).content.decode()
        assert "审计日志" not in page and "运行监测" not in page and "退出登录" in page


class TestSetup:
    def test_first_login_shows_the_qr_code_and_the_secret_and_a_code_confirms(self, client, personas):
        user = personas.town_admin_b
        client.post(reverse("accounts:login"), {"username": "town_b", "password": PASSWORD})
        first = client.get("/programme/")
        assert _sent_to_code_page(first)
        to_setup = client.get(first["Location"])
        assert to_setup.status_code == 302 and to_setup["Location"] == f"{SETUP}?next=%2Fprogramme%2F"
        page = client.get(to_setup["Location"])
        html = page.content.decode()
        device = TotpDevice.objects.get(user=user)
        secret = otp.device_secret(device)
        assert device.confirmed_at is None
        assert "<svg" in html and "<title>用验证器应用扫码</title>" in html
        assert totp.grouped(secret) in html
        assert "style=" not in html and "<style" not in html and "<script>" not in html  # CSP: nothing inline
        assert page["Cache-Control"].startswith("max-age=0") and "no-store" in page["Cache-Control"]
        assert "issuer=%E4%B8%AD%E5%B1%B1%E9%9B%B6%E5%B7%A5%E5%B8%82%E5%9C%BA" in otp.provisioning_uri(device)
        assert client.get(SETUP).content.decode().count(totp.grouped(secret)) == 1  # same secret on reload

        done = client.post(SETUP, {"code": code(secret), "next": "/programme/"})
        assert done.status_code == 302 and done["Location"] == "/programme/"
        device.refresh_from_db()
        assert device.confirmed_at is not None
        assert AuditEntry.objects.filter(action="totp.enrol", object_id=str(user.pk), actor=user).count() == 1
        assert client.get("/programme/").status_code == 200
        assert client.get(SETUP)["Location"] == "/"  # nothing pending any more

    def test_a_confirmed_device_cannot_be_enrolled_again(self, client, personas):
        enrol(personas.town_admin_b)
        client.force_login(personas.town_admin_b)
        assert client.get(SETUP)["Location"].startswith(VERIFY)

    def test_a_wrong_code_is_a_clear_error_and_changes_nothing(self, client, personas):
        client.force_login(personas.town_admin_b)
        client.get(SETUP)
        wrong = "000000" if code(SECRET) != "000000" else "111111"  # the device's own secret is random
        response = client.post(SETUP, {"code": wrong})
        assert response.status_code == 200
        assert (
            "动态验证码不正确" in response.content.decode() and "还可再试 4 次" in response.content.decode()
        )
        assert TotpDevice.objects.get().confirmed_at is None
        assert not AuditEntry.objects.filter(action="totp.enrol").exists()
        assert _sent_to_code_page(client.get("/programme/"))
        malformed = client.post(SETUP, {"code": "12ab"})
        assert "6 位数字" in malformed.content.decode()
        assert TotpDevice.objects.get().failed_attempts == 1  # a typo in the format is not counted


class TestVerify:
    def test_the_code_lets_the_admin_through_once(self, client, personas):
        enrol(personas.city_admin)
        client.force_login(personas.city_admin)
        now = code()
        done = client.post(VERIFY, {"code": now, "next": "/accounts/audit/"})
        assert done.status_code == 302 and done["Location"] == "/accounts/audit/"
        assert client.get("/accounts/audit/").status_code == 200
        client.force_login(personas.city_admin)  # a new login: the same code again is a replay
        replay = client.post(VERIFY, {"code": now})
        assert "已经用过" in replay.content.decode()
        assert _sent_to_code_page(client.get("/accounts/audit/"))

    def test_a_foreign_next_is_ignored(self, client, personas):
        enrol(personas.city_admin)
        client.force_login(personas.city_admin)
        done = client.post(VERIFY, {"code": code(), "next": "https://evil.example/"})
        assert done["Location"] == "/"

    def test_a_wrong_code_changes_nothing(self, client, personas):
        device = enrol(personas.city_admin)
        client.force_login(personas.city_admin)
        wrong = f"{(int(code()) + 1) % 1_000_000:06d}"
        response = client.post(VERIFY, {"code": wrong})
        assert response.status_code == 200 and "动态验证码不正确" in response.content.decode()
        device.refresh_from_db()
        assert device.last_step is None and device.failed_attempts == 1
        assert otp.SESSION_KEY not in client.session

    def test_five_wrong_codes_lock_the_second_factor(self, client, personas):
        device = enrol(personas.town_admin_b)
        client.force_login(personas.town_admin_b)
        wrong = f"{(int(code()) + 5) % 1_000_000:06d}"
        for _ in range(otp.FAILURE_LIMIT - 1):
            assert "动态验证码不正确" in client.post(VERIFY, {"code": wrong}).content.decode()
        locked = client.post(VERIFY, {"code": wrong}).content.decode()
        assert "输错次数过多，已暂时锁定，请 30 分钟后再试" in locked
        right = client.post(VERIFY, {"code": code()})
        assert right.status_code == 200 and "已暂时锁定" in right.content.decode()
        assert "已暂时锁定" in client.get(VERIFY).content.decode()
        assert (
            AuditEntry.objects.filter(action="totp.lockout", object_id=str(personas.town_admin_b.pk)).count()
            == 1
        )
        device.refresh_from_db()
        assert device.locked_until is not None and device.last_step is None
