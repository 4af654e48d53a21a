"""Second-factor services: the secret at rest, window and replay, lockout timing, tokens for admins,
reset by a city admin, the demo accounts and the production guard."""

import datetime as dt
import io

import pytest
from cryptography.exceptions import InvalidTag
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from conftest import PASSWORD
from lingong.accounts import otp
from lingong.accounts.models import AuditEntry, TotpDevice
from lingong.accounts.tests.totp_helpers import SECRET, code, enrol, totp_on
from lingong.lib import totp
from lingong.lib.crypto import decrypt

pytestmark = pytest.mark.django_db
__all__ = ["totp_on"]

NOW = dt.datetime(2026, 11, 28, 9, 0, 15, tzinfo=dt.UTC)


def code_at(seconds: int = 0, secret: str = SECRET) -> str:
    return totp.code_at(secret, (NOW + dt.timedelta(seconds=seconds)).timestamp())


class TestSecretAtRest:
    def test_the_secret_is_stored_only_encrypted(self, personas):
        device = otp.start_enrolment(user=personas.town_admin_b)
        secret = otp.device_secret(device)
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM accounts_totpdevice")
            raw = " ".join(str(v) for v in cursor.fetchone())
        assert secret not in raw and totp.grouped(secret) not in raw
        assert device.secret_cipher.startswith("v1:")
        with pytest.raises(InvalidTag):  # bound to its user: a copied ciphertext does not decrypt
            decrypt(device.secret_cipher, context=f"accounts.totp_secret:{personas.city_admin.pk}")

    def test_setup_keeps_one_secret_until_confirmed(self, personas):
        first = otp.start_enrolment(user=personas.town_admin_b)
        again = otp.start_enrolment(user=personas.town_admin_b)
        assert first.pk == again.pk and TotpDevice.objects.count() == 1


class TestVerifyCode:
    def test_one_step_either_side_and_never_twice(self, personas):
        user = personas.town_admin_b
        enrol(user)
        otp.verify_code(user=user, code=code_at(-30), now=NOW)
        otp.verify_code(user=user, code=code_at(30), now=NOW)
        with pytest.raises(ValidationError) as exc:  # the current step is older than the one used
            otp.verify_code(user=user, code=code_at(0), now=NOW)
        assert exc.value.code == "replay"
        with pytest.raises(ValidationError) as exc:
            otp.verify_code(user=user, code=code_at(30), now=NOW + dt.timedelta(seconds=30))
        assert exc.value.code == "replay"
        assert TotpDevice.objects.get(user=user).last_step == totp.time_step(NOW.timestamp()) + 1

    def test_two_steps_away_is_wrong(self, personas):
        enrol(personas.town_admin_b)
        for seconds in (-60, 60):
            with pytest.raises(ValidationError) as exc:
                otp.verify_code(user=personas.town_admin_b, code=code_at(seconds), now=NOW)
            assert exc.value.code == "wrong"

    def test_an_unconfirmed_device_does_not_verify(self, personas):
        device = otp.start_enrolment(user=personas.town_admin_b)
        with pytest.raises(ValidationError) as exc:
            otp.verify_code(user=personas.town_admin_b, code=code_at(0, otp.device_secret(device)), now=NOW)
        assert exc.value.code == "no_device"


class TestLockout:
    def _fail(self, user, times: int, at: dt.datetime) -> ValidationError:
        error = ValidationError("")
        for _ in range(times):
            with pytest.raises(ValidationError) as exc:
                otp.verify_code(user=user, code=f"{(int(code_at()) + 7) % 1_000_000:06d}", now=at)
            error = exc.value
        return error

    def test_five_wrong_codes_in_fifteen_minutes_lock_for_thirty(self, personas):
        user = personas.city_admin
        enrol(user)
        assert self._fail(user, 4, NOW).code == "wrong"
        assert self._fail(user, 1, NOW + dt.timedelta(minutes=14)).code == "locked"
        later = NOW + dt.timedelta(minutes=29)
        with pytest.raises(ValidationError) as exc:
            otp.verify_code(user=user, code=totp.code_at(SECRET, later.timestamp()), now=later)
        assert exc.value.code == "locked" and "30 分钟" in exc.value.messages[0]
        after = NOW + dt.timedelta(minutes=45)
        otp.verify_code(user=user, code=totp.code_at(SECRET, after.timestamp()), now=after)
        entry = AuditEntry.objects.get(action="totp.lockout")
        assert entry.actor == user and "连续输错 5 次" in entry.summary

    def test_failures_older_than_the_window_do_not_count(self, personas):
        enrol(personas.city_admin)
        self._fail(personas.city_admin, 4, NOW)
        assert self._fail(personas.city_admin, 1, NOW + dt.timedelta(minutes=16)).code == "wrong"
        assert TotpDevice.objects.get().failed_attempts == 1

    def test_a_right_code_clears_the_count(self, personas):
        enrol(personas.city_admin)
        self._fail(personas.city_admin, 4, NOW)
        otp.verify_code(user=personas.city_admin, code=code_at(), now=NOW)
        assert self._fail(personas.city_admin, 4, NOW).code == "wrong"


@pytest.mark.usefixtures("totp_on")
class TestApiToken:
    url = "/api/v1/auth/token"

    def _post(self, client, username: str, **extra):
        body = {"username": username, "password": PASSWORD, **extra}
        return client.post(self.url, body, content_type="application/json")

    def test_an_admin_needs_the_code(self, client, personas):
        enrol(personas.town_admin_b)
        missing = self._post(client, "town_b")
        assert missing.status_code == 401 and "动态验证码" in missing.json()["detail"]
        wrong = self._post(client, "town_b", otp=f"{(int(code()) + 3) % 1_000_000:06d}")
        assert wrong.status_code == 401 and "不正确" in wrong.json()["detail"]
        assert self._post(client, "town_b", otp="abc").status_code == 422
        now = code()
        ok = self._post(client, "town_b", otp=now)
        assert ok.status_code == 201
        assert (
            client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {ok.json()['token']}").status_code
            == 200
        )
        replay = self._post(client, "town_b", otp=now)
        assert replay.status_code == 401 and "用过" in replay.json()["detail"]

    def test_an_admin_without_a_device_is_told_to_set_it_up(self, client, personas):
        response = self._post(client, "city", otp="123456")
        assert response.status_code == 403 and "尚未设置动态验证码" in response.json()["detail"]

    def test_a_locked_device_answers_429(self, client, personas):
        enrol(personas.town_admin_b)
        wrong = f"{(int(code()) + 3) % 1_000_000:06d}"
        statuses = [self._post(client, "town_b", otp=wrong).status_code for _ in range(otp.FAILURE_LIMIT)]
        assert statuses == [401] * (otp.FAILURE_LIMIT - 1) + [429]
        assert self._post(client, "town_b", otp=code()).status_code == 429

    def test_wrong_password_is_checked_before_the_code(self, client, personas):
        enrol(personas.town_admin_b)
        response = client.post(
            self.url,
            {"username": "town_b", "password": "nope", "otp": code()},
            content_type="application/json",
        )
        assert response.status_code == 401 and "密码不正确" in response.json()["detail"]
        assert TotpDevice.objects.get().last_step is None

    @pytest.mark.parametrize("username", ["worker", "coord_a", "employer"])
    def test_other_roles_need_no_code(self, client, personas, username):
        assert self._post(client, username).status_code == 201

    def test_setting_off_needs_no_code(self, client, personas, settings):
        settings.ADMIN_TOTP_REQUIRED = False
        assert self._post(client, "town_b").status_code == 201


class TestReset:
    def test_a_city_admin_resets_another_admin_audited(self, personas):
        enrol(personas.town_admin_b)
        assert otp.reset_device(actor=personas.city_admin, user=personas.town_admin_b) is True
        assert not TotpDevice.objects.exists()
        entry = AuditEntry.objects.get(action="totp.reset")
        assert entry.actor == personas.city_admin and entry.object_id == str(personas.town_admin_b.pk)
        assert otp.reset_device(actor=personas.city_admin, user=personas.town_admin_b) is False
        assert AuditEntry.objects.filter(action="totp.reset").count() == 1

    @pytest.mark.parametrize("persona", ["town_admin_b", "coordinator_a", "worker", "outsider"])
    def test_others_are_refused(self, personas, persona):
        enrol(personas.city_admin)
        with pytest.raises(PermissionDenied, match="只有市级管理员"):
            otp.reset_device(actor=getattr(personas, persona), user=personas.city_admin)
        assert TotpDevice.objects.count() == 1 and not AuditEntry.objects.filter(action="totp.reset").exists()

    def test_not_their_own(self, personas):
        enrol(personas.city_admin)
        with pytest.raises(PermissionDenied, match="另一位市级管理员"):
            otp.reset_device(actor=personas.city_admin, user=personas.city_admin)

    def test_command(self, personas):
        enrol(personas.town_admin_b)
        with pytest.raises(CommandError, match="只有市级管理员"):
            call_command("reset_totp", "town_b", "--by", "coord_a", stdout=io.StringIO())
        with pytest.raises(CommandError, match="没有用户名"):
            call_command("reset_totp", "nobody", stdout=io.StringIO())
        out = io.StringIO()
        call_command("reset_totp", "town_b", "--by", "city", stdout=out)
        assert "已重置 town_b" in out.getvalue() and not TotpDevice.objects.exists()
        assert AuditEntry.objects.get(action="totp.reset").actor == personas.city_admin


class TestDemo:
    @pytest.fixture
    def demo_admins(self, db):
        from lingong.accounts.services import create_user, grant_membership

        users = []
        for name in ("city_admin", "town_dongqu"):
            user = create_user(actor=None, username=name, password=PASSWORD)
            grant_membership(actor=None, user=user, role="city_admin")
            users.append(user)
        return users

    def test_seed_gives_demo_admins_a_fixed_secret_and_demo_totp_prints_the_code(self, demo_admins):
        from lingong.accounts.demo import demo_secret
        from lingong.places.management.commands.seed_demo import _demo_second_factor

        out = io.StringIO()
        _demo_second_factor(out)
        assert "manage.py demo_totp" in out.getvalue()
        device = TotpDevice.objects.get(user__username="town_dongqu")
        assert device.confirmed_at is not None and otp.device_secret(device) == demo_secret("town_dongqu")
        assert demo_secret("city_admin") != demo_secret("town_dongqu")
        assert AuditEntry.objects.filter(action="totp.enrol").count() == 2
        printed = io.StringIO()
        call_command("demo_totp", "town_dongqu", stdout=printed)
        current = {totp.code_at(demo_secret("town_dongqu"), timezone.now().timestamp() + s) for s in (-1, 0)}
        assert any(c in printed.getvalue() for c in current)

    def test_demo_totp_refuses_other_accounts_reset_devices_and_production(self, demo_admins, settings):
        from lingong.accounts.demo import seed_demo_totp

        seed_demo_totp()
        with pytest.raises(CommandError, match="不是演示管理员"):
            call_command("demo_totp", "town_b", stdout=io.StringIO())
        otp.reset_device(actor=None, user=demo_admins[1])
        with pytest.raises(CommandError, match="没有演示动态验证码"):
            call_command("demo_totp", "town_dongqu", stdout=io.StringIO())
        settings.PRODUCTION = True
        with pytest.raises(CommandError, match="生产环境"):
            call_command("demo_totp", "city_admin", stdout=io.StringIO())
        with pytest.raises(ImproperlyConfigured):
            seed_demo_totp()


def test_production_check_refuses_the_setting_off(settings):
    from lingong.accounts.checks import admin_second_factor_required

    settings.PRODUCTION, settings.ADMIN_TOTP_REQUIRED = True, False
    assert [e.id for e in admin_second_factor_required(None)] == ["accounts.E001"]
    settings.ADMIN_TOTP_REQUIRED = True
    assert admin_second_factor_required(None) == []
