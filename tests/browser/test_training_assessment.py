"""Browser journeys for training and the vocational ability assessment (issue: station operations).

1. A worker on a phone-sized screen takes the interest inventory, one statement per screen, and sees
   what the result means, the occupations it suggests and a course that fits.
2. A coordinator finds a walk-in at the training desk, sees the recommended course with its reasons,
   refers them, and the referral is on the page, in the SMS outbox and in the station's ledger.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from lingong.assistance.inventory import interest_items
from lingong.assistance.models import Assessment
from lingong.catalog.models import Occupation
from lingong.gigs.tests.factories import make_worker
from lingong.ledger.models import LedgerEntry
from lingong.lib.idcard import make_id
from lingong.notify.models import OutboxMessage
from lingong.training.models import Referral
from lingong.training.services import save_course
from lingong.workers.models import ConsentPurpose, RegisteredVia
from lingong.workers.services import register_worker, set_occupations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def care_course(personas, **overrides):
    today = timezone.localdate()
    data = {
        "title": "养老护理员（初级）培训班",
        "occupation": "4-10-01-05",
        "provider": "中山市示范职业培训学校",
        "starts_on": today + dt.timedelta(days=7),
        "ends_on": today + dt.timedelta(days=37),
        "town": personas.station_a.town,
        "address": "中山市小榄镇升平中路8号",
        "fee": "1800",
        "subsidy": "1800",
        "capacity": 20,
        "status": "open",
    }
    data.update(overrides)
    return save_course(actor=personas.city_admin, data=data)


def test_worker_takes_the_interest_inventory_on_a_phone(phone_page, personas, catalog):
    register_worker(
        actor=personas.coordinator_a,
        via=RegisteredVia.ASSISTED,
        phone="13900000004",  # the worker persona, who signs in with a password
        real_name="何秀英",
        id_number=make_id("442000", dt.date(1975, 3, 8), 21),
        consents=list(ConsentPurpose.values),
        station=personas.station_a,
    )
    care_course(personas)
    group = {i.text: i.group for i in interest_items()}
    page = phone_page
    violations = csp_watch(page)
    sign_in(page, "worker")
    page.get_by_role("link", name="职业测评").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("职业测评")
    page.get_by_role("link", name=re.compile("兴趣测评")).click()

    items = page.locator("[data-item]")
    expect(items).to_have_count(30)
    for n in range(1, 31):
        expect(page.locator("[data-current]")).to_have_text(str(n))
        current = page.locator("[data-item]:not([hidden])")
        expect(current).to_have_count(1)  # one statement per screen
        text = current.locator("legend").inner_text().split(". ", 1)[1]
        choice = "喜欢" if group[text] == "S" else "不喜欢"
        current.get_by_text(choice, exact=True).click()
    page.get_by_role("button", name="看结果").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("兴趣测评结果")
    expect(page.locator(".explain")).to_contain_text("您最感兴趣的是“助人型”的活")
    suggestions = page.locator(".suggest-list")
    expect(suggestions).to_contain_text("养老护理员")
    expect(suggestions).to_contain_text("家政服务员")
    card = page.locator(".course-card", has_text="养老护理员（初级）培训班")
    expect(card).to_contain_text("兴趣测评显示您是“助人型”，适合这类活")
    result = Assessment.objects.get(worker__user__phone="13900000004")
    assert result.summary.startswith("S") and result.scores["S"] == 10 and result.assisted_by is None
    assert not violations, violations


def test_coordinator_refers_a_walk_in_to_training(desktop_page, personas, catalog):
    walk_in = make_worker(personas.coordinator_a, personas.station_a, phone="13722224444", name="梁亚伯")
    set_occupations(
        walk_in, actor=personas.coordinator_a, items=[(Occupation.objects.get(code="4-09-08-01"), "some")]
    )
    course = care_course(
        personas, title="保洁员技能提升班", occupation="4-09-08-01", fee="0", subsidy="0", town=None
    )
    page = desktop_page
    violations = csp_watch(page)
    sign_in(page, "coord_a")
    page.get_by_role("link", name="培训推荐").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("培训推荐")
    page.get_by_label("手机号、求职编号或姓名").fill("13722224444")
    page.get_by_role("button", name="找求职者").click()
    page.get_by_role("link", name="为其推荐培训").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("为 梁*伯 推荐培训")
    card = page.locator(".course-card", has_text="保洁员技能提升班")
    expect(card).to_contain_text("您会做“保洁员”，参加培训提高手艺，工钱能更高")
    card.get_by_label("备注").fill("周末班，本人同意")
    card.get_by_role("button", name="推荐参加").click()

    expect(page.locator(".messages")).to_contain_text("已推荐 梁*伯 参加“保洁员技能提升班”，已短信通知本人")
    expect(page.get_by_role("heading", level=1)).to_have_text("保洁员技能提升班")
    expect(page.locator(".referral-status")).to_contain_text("推荐")
    referral = Referral.objects.get(worker=walk_in, course=course)
    assert referral.status == "referred" and referral.note == "周末班，本人同意"
    line = LedgerEntry.objects.get(source="training", ref=referral.code)
    assert line.service == "training" and line.station_id == personas.station_a.pk
    assert OutboxMessage.objects.filter(template="training_referred", recipient="13722224444").exists()

    # The referral moves on from the same page: the walk-in signed up at the desk.
    page.get_by_role("button", name="改为：报名").click()
    expect(page.locator(".referral-status")).to_contain_text("报名")
    referral.refresh_from_db()
    assert referral.status == "enrolled"
    assert not violations, violations
