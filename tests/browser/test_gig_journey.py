"""The life of a gig, end to end, as people see it.

An approved employer posts on a desktop page: a discriminatory draft is blocked with the reason, the
corrected posting (先到先得, 日结, near 东区) is published. A worker on a phone finds it by keyword and
distance, claims it, and checks in by opening the link behind the employer's QR code. The employer
confirms completion and records pay; the worker confirms receipt; both rate each other.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Geolocation, Page, expect

from conftest import PASSWORD
from lingong.gigs.models import Application, AppStatus, Gig, GigStatus, PayStatus, Rating
from lingong.gigs.tests.factories import approved_employer, make_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A point in 东区, a few hundred metres from the gig.
WORKER_AT = Geolocation(latitude=22.5230, longitude=113.3980)


def sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def csp_watch(page: Page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    return violations


def fill_posting(page: Page, description: str) -> None:
    """Fill the posting form as an employer would, with a shift starting in half an hour."""
    start = timezone.localtime(timezone.now() + dt.timedelta(minutes=30))
    end = start + dt.timedelta(hours=4)
    occupation = page.get_by_label("工种", exact=True)
    occupation.fill("保洁")
    page.locator("[data-occupation-suggest] button[data-code]", has_text="保洁员").first.click()
    expect(page.locator("[data-occupation-chosen]")).to_contain_text("保洁员")
    page.get_by_label("标题").fill("商场保洁 今天日结")
    page.get_by_label("工作内容").fill(description)
    page.get_by_label("日期").first.fill(start.date().isoformat())
    page.get_by_label("上班").first.fill(f"{start:%H:%M}")
    page.get_by_label("下班").first.fill(f"{end:%H:%M}")
    page.get_by_label("每班要几个人").fill("2")
    page.get_by_label("所在镇街").select_option(label="东区街道")
    page.get_by_label("工作地点", exact=True).fill("中山市东区中山四路88号商场")
    page.get_by_label("纬度").fill("22.5210")
    page.get_by_label("经度").fill("113.3960")
    page.get_by_label("报酬（元）").fill("200")
    page.get_by_label("计酬单位").select_option(label="元/天")
    page.get_by_label("日结", exact=True).check()
    page.get_by_label("先到先得（抢单）").check()
    page.get_by_label("包餐").check()


def test_a_gig_from_posting_to_ratings(phone_page: Page, desktop_page: Page, personas, catalog):
    employer = approved_employer(personas)
    worker = make_worker(personas.coordinator_a, personas.station_a, phone="13711115555", name="梁志强")
    worker.user.set_password(PASSWORD)
    worker.user.save(update_fields=["password"])
    boss, phone = desktop_page, phone_page
    boss_violations, phone_violations = csp_watch(boss), csp_watch(phone)

    # 1. The employer posts: the first draft says who may not apply, and is stopped.
    sign_in(boss, "employer")
    boss.get_by_role("link", name="发布零工").first.click()
    expect(boss.get_by_role("heading", level=1)).to_have_text("发布零工")
    expect(boss.locator("main")).to_contain_text(f"发布单位：{employer.name}")
    fill_posting(boss, "商场公共区域保洁，限男性，35岁以下，工具我方提供。")
    # The screen answers while the employer types, next to the description.
    # The first check in a fresh server process loads the screening tables: allow it time on a busy machine.
    expect(boss.locator("#screening-findings")).to_contain_text("必须修改", timeout=20_000)
    expect(boss.locator("#screening-findings")).to_contain_text("限男性")
    boss.get_by_role("button", name="提交发布").click()
    blocked = boss.locator(".findings-box")
    expect(blocked).to_contain_text("不能发布")
    expect(blocked).to_contain_text("限男性")
    expect(blocked).to_contain_text("没有保存任何内容")
    assert not Gig.objects.exists()
    # What was typed is still there; only the wording needs changing.
    expect(boss.get_by_label("标题")).to_have_value("商场保洁 今天日结")
    boss.get_by_label("工作内容").fill("商场公共区域保洁，工具我方提供，中午包一餐。")
    boss.get_by_role("button", name="提交发布").click()
    expect(boss.get_by_role("heading", level=1)).to_have_text("已发布")
    gig = Gig.objects.get()
    assert gig.status == GigStatus.OPEN and gig.is_instant and gig.settlement == "daily"

    # 2. The worker, on a phone near 东区, finds it by keyword and distance and claims it.
    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation(WORKER_AT)
    sign_in(phone, "13711115555")
    phone.goto("/gigs/")
    phone.get_by_label("想做什么活？").fill("保洁")
    phone.get_by_role("button", name="搜索").click()
    expect(phone.locator("#results")).to_contain_text("商场保洁 今天日结")
    phone.get_by_role("button", name="用我的位置").click()
    expect(phone.locator("#results .count")).to_contain_text("距离按")
    card = phone.locator(".gig-card", has_text="商场保洁 今天日结")
    expect(card).to_contain_text("分钟")
    # Opened from the keyboard: on a 390 px screen the search form is wider than the screen, and taps
    # on the list can land on the form instead.
    card.get_by_role("link", name="商场保洁 今天日结").press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_have_text("商场保洁 今天日结")
    phone.get_by_role("button", name="抢单").click()
    expect(phone.locator("#gig-take")).to_contain_text("抢单成功")
    app = Application.objects.get(worker=worker)
    assert app.status == AppStatus.BOOKED

    # 3. The employer opens the attendance page; the worker opens the link behind the QR code.
    boss.get_by_role("link", name="查看岗位和报名").click()
    expect(boss.locator("#shift-1")).to_contain_text("梁*强")
    expect(boss.locator("#shift-1")).to_contain_text("13711115555")  # booked: the phone is shown
    boss.get_by_role("link", name="考勤签到").click()
    qr = boss.locator("#checkin-qr")
    expect(qr.locator("svg")).to_be_visible()
    link = qr.get_attribute("data-checkin-url") or ""
    assert re.search(rf"/gigs/checkin/{gig.code}/1/\?t=\w+$", link), link
    phone.goto(link)
    phone.get_by_role("button", name="签到", exact=True).click()
    expect(phone.locator(".messages")).to_contain_text("签到成功")
    expect(phone.get_by_role("button", name="签退", exact=True)).to_be_visible()

    # 4. The employer sees the check-in, confirms completion and records the pay.
    boss.reload()
    row = boss.locator("#attendance-rows li", has_text="梁*强")
    expect(row).to_contain_text("（扫码）")
    row.get_by_role("button", name="确认完工").click()
    expect(boss.locator("#attendance-rows")).to_contain_text("请登记工资")
    boss.get_by_role("link", name="登记工资").click()
    expect(boss.get_by_label("实付金额（元）")).to_have_value("200.00")
    boss.get_by_label("微信转账").check()
    boss.get_by_role("button", name="登记已付工资").click()
    expect(boss.locator(".pay-status")).to_contain_text("待确认")

    # 5. The worker confirms receipt and rates the employer.
    phone.goto("/gigs/me/")
    expect(phone.locator("#my-gigs")).to_contain_text("用工方说已付 200.00 元")
    phone.get_by_role("button", name="确认收到").click()
    expect(phone.locator("#my-gigs")).to_contain_text("已确认收到工资")
    rate = phone.locator(f"#rate-{app.code}")
    rate.get_by_label("5 星").check()
    rate.get_by_label("说几句（可不填）").fill("老板守时，工资当天就发")
    rate.get_by_role("button", name="提交评价").click()
    expect(phone.locator("#my-gigs")).to_contain_text("已评价，谢谢")
    expect(phone.locator("#my-gigs")).to_contain_text("已确认")

    # 6. The employer rates the worker.
    boss.reload()
    expect(boss.locator(".pay-status")).to_contain_text("已确认")
    boss.get_by_label("4 星").check()
    boss.get_by_role("button", name="提交评价").click()
    expect(boss.locator("body")).to_contain_text("已评价：4 星")

    app.refresh_from_db()
    assert app.status == AppStatus.COMPLETED and app.check_in_method == "qr"
    assert app.pay.status == PayStatus.CONFIRMED
    assert {r.side: r.stars for r in Rating.objects.filter(application=app)} == {"worker": 5, "employer": 4}
    assert boss_violations == [] and phone_violations == []
