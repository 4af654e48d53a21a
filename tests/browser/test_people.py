"""Browser journeys for people (issue: workers and employers).

1. A worker self-registers on a phone-sized screen, reading the SMS code from the local channel.
2. A coordinator registers an elderly walk-in and prints the slip.
3. An employer signs up, registers its organisation, and a town admin verifies it.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from lingong.employers.models import Employer
from lingong.lib.idcard import make_id
from lingong.lib.uscc import make_uscc
from lingong.workers.models import Worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def read_code(page, phone: str) -> str:
    """Open the local SMS page in a second tab, as a demo user would, and read the newest code."""
    tab = page.context.new_page()
    tab.goto(f"/notify/local-sms/?phone={phone}")
    code = tab.locator(f'.sms[data-phone="{phone}"]').first.get_attribute("data-code")
    tab.close()
    assert code and re.fullmatch(r"\d{6}", code)
    return code


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def test_worker_self_registers_on_a_phone(phone_page, personas, catalog):
    page = phone_page
    page.goto("/")
    page.get_by_role("link", name="求职登记").first.click()
    page.get_by_label("手机号").fill("13711112222")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator(".messages")).to_contain_text("验证码已发送")
    page.get_by_label("短信验证码").fill(read_code(page, "13711112222"))
    page.get_by_label("姓名").fill("何秀英")
    page.get_by_label("身份证号码").fill(make_id("442000", dt.date(1968, 4, 12), 246))
    page.get_by_label("住在哪个镇街").select_option(label="小榄镇")
    page.get_by_label("我同意进行求职登记", exact=False).check()
    page.get_by_label("我同意处理我的身份证号", exact=False).check()
    page.get_by_role("button", name="完成登记").click()
    expect(page.locator(".messages")).to_contain_text("登记成功")
    page.get_by_label("家政服务员", exact=True).check()
    page.get_by_label("最远愿意走多久").select_option(label="20 分钟")
    page.get_by_role("button", name="保存").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的求职")
    expect(page.locator(".facts")).to_contain_text("家政服务员")
    worker = Worker.objects.get(user__phone="13711112222")
    assert worker.home_town is not None and worker.home_town.name == "小榄镇" and worker.travel_minutes == 20
    assert worker.station is not None and worker.station.town.name == "小榄镇"


def test_coordinator_registers_an_elderly_walk_in_and_prints_the_slip(desktop_page, personas, catalog):
    page = desktop_page
    page.add_init_script("window.__printed = 0; window.print = function () { window.__printed += 1; };")
    sign_in(page, "coord_a")
    page.get_by_role("link", name="代登记").click()
    elderly_id = make_id("442000", dt.date(1958, 10, 3), 113)
    page.get_by_label("手机号").fill("13722223333")
    page.get_by_label("姓名").fill("梁亚伯")
    page.get_by_label("身份证号码").fill(elderly_id)
    page.get_by_label("村/社区").fill("永宁社区")
    page.get_by_label("保洁", exact=True).check()
    page.get_by_label("已向本人当面说明", exact=False).check()
    page.get_by_role("button", name="完成登记并打印回执").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("中山市零工市场 求职登记回执")
    slip = page.locator(".slip")
    expect(slip).to_contain_text("梁亚伯")
    expect(slip).to_contain_text("137****3333")
    expect(slip).to_contain_text(elderly_id[:6] + "********" + elderly_id[-4:])
    expect(slip.locator("svg")).to_be_visible()
    assert elderly_id not in slip.inner_text()
    page.get_by_role("button", name="打印回执").click()
    assert page.evaluate("window.__printed") == 1
    worker = Worker.objects.get(user__phone="13722223333")
    assert worker.station == personas.station_a and worker.age() >= 60


def test_employer_registers_and_town_admin_verifies(phone_page, desktop_page, personas, catalog):
    page = phone_page
    page.goto("/employers/register/")
    page.get_by_role("link", name="招工单位注册账号").click()
    page.get_by_label("手机号").fill("13733334444")
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_label("短信验证码").fill(read_code(page, "13733334444"))
    page.get_by_label("姓名/称呼").fill("黄经理")
    page.get_by_label("设置密码").fill("Zs-employer-2026")
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("用工主体登记")
    uscc = make_uscc("91442000MA5CN0101")
    page.get_by_label("企业").check()
    page.get_by_label("名称").fill("中山市东区示范家政服务有限公司")
    page.get_by_label("统一社会信用代码").fill(uscc)
    page.locator("#id_contact_name").fill("黄经理")
    page.get_by_label("联系人手机号").fill("13733334444")
    page.get_by_label("所在镇街").select_option(label="东区街道")
    page.get_by_label("地址").fill("中山市东区中山四路9号")
    page.get_by_role("button", name="提交审核").click()
    employer = Employer.objects.get(uscc=uscc)
    assert employer.status == "pending"

    admin = desktop_page
    sign_in(admin, "town_b")
    admin.get_by_role("link", name="用工主体审核").click()
    admin.get_by_role("link", name="中山市东区示范家政服务有限公司").click()
    admin.get_by_label("通过", exact=False).first.check()
    admin.get_by_role("button", name="提交审核结果").click()
    employer.refresh_from_db()
    assert employer.status == "approved" and employer.verified_by == personas.town_admin_b
    page.goto(f"/employers/{employer.code}/")
    expect(page.locator("body")).to_contain_text("已认证")
