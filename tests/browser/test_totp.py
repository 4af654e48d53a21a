"""Browser journey for the admins' second factor, in the real Chromium.

A town admin of 东区 asks for the programme page, signs in with the password, is sent to set up the
authenticator app, reads the secret from the page (as someone typing it by hand would), confirms with
the code and lands on the page asked for, without breaking the Content Security Policy. Signing out
and in again, only the code is asked for.
"""

import time

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from lingong.accounts.models import TotpDevice
from lingong.lib import totp
from lingong.programme.reference import load_round_2023

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page) -> None:
    page.get_by_label("用户名或手机号").fill("13900000002")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_town_admin_sets_up_the_app_then_gives_only_the_code(desktop_page, personas, settings):
    settings.ADMIN_TOTP_REQUIRED = True  # the live server runs in this process and reads it per request
    load_round_2023()  # the page asked for needs the plan's round (an earlier test may have flushed it)
    page = desktop_page
    violations: list[str] = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )

    page.goto("/programme/")
    expect(page).to_have_url("/accounts/login/?next=/programme/")
    _sign_in(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("设置动态验证码")
    expect(page.locator(".otp-qr svg")).to_be_visible()
    secret = page.locator("[data-otp-secret]").inner_text()
    assert len(secret.split()) == 8 and all(len(group) == 4 for group in secret.split())
    page.get_by_label("动态验证码").fill(
        "000000" if totp.code_at(secret, time.time()) != "000000" else "111111"
    )
    page.get_by_role("button", name="完成设置").click()
    expect(page.locator(".field .error")).to_contain_text("动态验证码不正确")

    page.get_by_label("动态验证码").fill(totp.code_at(secret, time.time()))
    page.get_by_role("button", name="完成设置").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("零工市场及就业驿站建设进度")
    assert page.url.endswith("/programme/")
    expect(page.locator(".messages")).to_contain_text("动态验证码已设置")
    assert TotpDevice.objects.get(user=personas.town_admin_b).confirmed_at is not None

    page.get_by_role("button", name="退出").click()
    page.goto("/programme/")
    _sign_in(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("输入动态验证码")
    expect(page.locator("[data-otp-secret]")).to_have_count(0)  # the secret is never shown again
    # The next step's code: the one used for setup may still be current, and is never accepted twice.
    page.get_by_label("动态验证码").fill(totp.code_at(secret, time.time() + totp.STEP_SECONDS))
    page.get_by_role("button", name="验证并继续").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("零工市场及就业驿站建设进度")
    assert page.url.endswith("/programme/")
    assert violations == []
