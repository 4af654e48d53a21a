"""Recommendations as people meet them: a worker on a phone sees 为你推荐 on the home page, with the
reasons, and claims a gig with one tap; an employer on a desktop invites a recommended worker."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from lingong.gigs.models import Application, AppStatus
from lingong.matching.tests.helpers import employer_gig, worker_with
from tests.browser.test_gig_journey import csp_watch, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_index(settings):
    """Each test reads its own database: a cold index that checks for changes on every call."""
    from lingong.matching import index

    settings.MATCHING_INDEX_RECHECK_SECONDS = 0
    index.reset()
    yield
    index.reset()


def _with_password(worker):
    worker.user.set_password(PASSWORD)
    worker.user.save(update_fields=["password"])
    return worker


def test_worker_claims_a_recommended_gig(phone_page: Page, personas, catalog):
    gig = employer_gig(personas, booking_mode="instant", title="商场保洁 先到先得")
    worker = _with_password(worker_with(personas))
    violations = csp_watch(phone_page)
    sign_in(phone_page, worker.user.username)
    phone_page.goto("/")
    block = phone_page.locator("#for-you")
    card = block.locator(".rec-card", has_text="商场保洁 先到先得")
    expect(card).to_contain_text("会做保洁员（3年以上经验）")
    expect(card).to_contain_text("分钟")
    card.get_by_role("button", name="抢单").click()
    expect(phone_page.locator(".messages")).to_contain_text("抢单成功")
    assert Application.objects.get(worker=worker, gig=gig).status == AppStatus.BOOKED
    assert not violations


def test_employer_invites_a_recommended_worker(desktop_page: Page, personas, catalog):
    gig = employer_gig(personas)
    worker = worker_with(personas, tier=2)
    violations = csp_watch(desktop_page)
    sign_in(desktop_page, "employer")
    desktop_page.goto(f"/gigs/{gig.code}/manage/")
    section = desktop_page.locator("#recommended")
    row = section.locator(".rec-row", has_text=worker.code)
    expect(row).to_contain_text("梁*")
    expect(row).to_contain_text("优先候选")
    row.get_by_role("button", name="邀请").click()
    expect(desktop_page.locator(".messages")).to_contain_text("已邀请 梁*")
    assert Application.objects.get(worker=worker, gig=gig).status == AppStatus.INVITED
    assert not violations
