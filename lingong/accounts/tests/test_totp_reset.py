"""A lost phone: the city admin's list of admins' authenticators, the reset page, and what a reset ends
(live sessions that gave codes from the old device, API tokens)."""

import pytest
from django.urls import reverse

from lingong.accounts import otp, services
from lingong.accounts.models import ApiToken, AuditEntry, TotpDevice
from lingong.accounts.tests.totp_helpers import enrol, totp_on, verified_login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("totp_on")]
__all__ = ["totp_on"]

PAGE = "/accounts/otp/admins/"


def _reset(client, username: str, confirm: bool = True):
    data = {"reset": username} | ({"confirm": "yes"} if confirm else {})
    return client.post(PAGE, data, follow=True)


@pytest.fixture
def city(client, personas):
    verified_login(client, personas.city_admin)
    return client


class TestPage:
    def test_lists_every_admin_with_the_state_of_their_device(self, city, personas):
        enrol(personas.town_admin_b)
        page = city.get(PAGE).content.decode()
        assert "town_b" in page and "city" in page and "已启用" in page
        assert 'name="reset" value="town_b"' in page
        assert 'name="reset" value="city"' not in page  # not their own: another city admin must
        for persona in ("worker", "employer", "coordinator_a"):
            assert f">{getattr(personas, persona).username}<" not in page

    def test_in_the_city_admins_navigation(self, city):
        assert f'href="{reverse("accounts:otp_admins")}"' in city.get("/").content.decode()

    @pytest.mark.parametrize("persona", ["worker", "employer", "outsider", "coordinator_a", "town_admin_b"])
    def test_others_are_refused_and_change_nothing(self, client, personas, persona):
        enrol(personas.town_admin_b)
        user = getattr(personas, persona)
        verified_login(client, user) if otp.required_for(user) else client.force_login(user)
        assert client.get(PAGE).status_code == 403
        assert client.post(PAGE, {"reset": "town_b", "confirm": "yes"}).status_code == 403
        assert TotpDevice.objects.filter(user=personas.town_admin_b).exists()

    def test_anonymous_is_sent_to_login(self, client):
        assert client.get(PAGE)["Location"].startswith("/accounts/login/")


class TestReset:
    def test_needs_the_confirmation(self, city, personas):
        enrol(personas.town_admin_b)
        page = _reset(city, "town_b", confirm=False).content.decode()
        assert "请勾选" in page
        assert TotpDevice.objects.filter(user=personas.town_admin_b).exists()
        assert not AuditEntry.objects.filter(action="totp.reset").exists()

    def test_removes_the_device_revokes_tokens_audited(self, city, personas):
        enrol(personas.town_admin_b)
        token, _ = services.issue_token(actor=personas.town_admin_b, name="大屏")
        page = _reset(city, "town_b").content.decode()
        assert "已重置" in page
        assert not TotpDevice.objects.filter(user=personas.town_admin_b).exists()
        token.refresh_from_db()
        assert token.revoked_at is not None
        entry = AuditEntry.objects.get(action="totp.reset")
        assert entry.actor == personas.city_admin and "撤销其 1 个接口令牌" in entry.summary

    def test_not_their_own(self, city, personas):
        page = _reset(city, "city").content.decode()
        assert "不能重置自己的动态验证码" in page
        assert TotpDevice.objects.filter(user=personas.city_admin).exists()

    def test_an_unknown_admin_is_404(self, city):
        assert city.post(PAGE, {"reset": "nobody", "confirm": "yes"}).status_code == 404


class TestLiveSessions:
    def test_a_reset_signs_out_sessions_that_gave_codes_from_the_old_device(self, client, personas):
        verified_login(client, personas.town_admin_b)
        assert client.get("/programme/").status_code == 200
        otp.reset_device(actor=personas.city_admin, user=personas.town_admin_b)
        response = client.get("/programme/", follow=True)
        assert response.redirect_chain[0][0] == "/accounts/login/"
        assert "您的动态验证码已被重置" in response.content.decode()
        assert "_auth_user_id" not in client.session  # signed out, not sent on to set up a new phone

    def test_a_replaced_device_signs_out_too_and_htmx_is_redirected(self, client, personas):
        verified_login(client, personas.town_admin_b)
        otp.enrol_with_secret(actor=None, user=personas.town_admin_b, secret="MFRGGZDFMZTWQ2LK")
        response = client.get("/gigs/", headers={"HX-Request": "true"})
        assert response.status_code == 204 and response["HX-Redirect"] == "/accounts/login/"
        assert "_auth_user_id" not in client.session

    def test_on_the_api_the_stale_session_is_anonymous_and_ended(self, client, personas):
        verified_login(client, personas.town_admin_b)
        assert client.get("/api/v1/auth/me").status_code == 200
        otp.reset_device(actor=personas.city_admin, user=personas.town_admin_b)
        assert client.get("/api/v1/auth/me").status_code == 401
        assert "_auth_user_id" not in client.session

    def test_a_session_verified_with_the_current_device_carries_on(self, client, personas):
        verified_login(client, personas.town_admin_b)
        otp.reset_device(
            actor=personas.city_admin, user=personas.city_admin.__class__.objects.get(username="coord_a")
        )
        assert client.get("/programme/").status_code == 200

    def test_tokens_of_other_users_are_untouched(self, personas):
        enrol(personas.town_admin_b)
        other, _ = services.issue_token(actor=personas.coordinator_a, name="一体机")
        otp.reset_device(actor=personas.city_admin, user=personas.town_admin_b)
        assert ApiToken.objects.get(pk=other.pk).revoked_at is None
