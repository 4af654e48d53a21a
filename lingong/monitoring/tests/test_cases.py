"""Typical cases: the right stations picked from constructed snapshots, the draft article holds no
personal data, and a proposal is turned into an article (or dismissed) only once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import weekday_hours
from lingong.accounts.models import AuditEntry
from lingong.content.models import Article, ArticleKind, ArticleStatus
from lingong.gigs.tests.factories import make_worker
from lingong.monitoring import cases, services
from lingong.monitoring.models import CaseProposal, CaseStatus
from lingong.monitoring.reports import parse_period
from lingong.places.services import create_station

from .test_reports_support import station_month

MARCH = (dt.date(2024, 3, 1), dt.date(2024, 3, 31))


def _station(personas, town, name: str, kind: str):
    return create_station(
        actor=personas.city_admin,
        data={
            "name": name,
            "kind": kind,
            "town": town,
            "address": f"{town.name}示例路8号",
            "lat": town.lat + 0.003,
            "lng": town.lng + 0.003,
            "phone": "0760-87654321",
            "contact_name": "刘站长",
            "services": ["recommendation"],
            "occupations": ["普工"],
            "status": "operating",
        },
        hours=weekday_hours(),
    )


@pytest.fixture
def stations(personas, towns, clock):
    """A: steady with a few arrears; B: no arrears and most hardship placements; C: busiest but most
    arrears; D: almost idle with no arrears (below the activity threshold)."""
    clock.at(dt.date(2024, 4, 5))
    c = _station(personas, towns["小榄"], "中山市（小榄镇）零工市场", "gig_market")
    d = _station(personas, towns["东区"], "中山市（东区街道）就业驿站", "employment_station")
    a, b = personas.station_a, personas.station_b
    station_month(a, *MARCH, bookings=40, completions=35, arrears_opened=2, hardship_placed=3, services=90)
    station_month(b, *MARCH, bookings=25, completions=20, hardship_placed=6, hardship_served=9, services=60)
    station_month(c, *MARCH, bookings=60, completions=50, arrears_opened=6, services=120)
    station_month(d, *MARCH, bookings=3, completions=3, services=10)
    # February belongs to another period and must not count.
    station_month(d, dt.date(2024, 2, 1), dt.date(2024, 2, 29), bookings=500, hardship_placed=80)
    return {"A": a, "B": b, "C": c, "D": d}


def _picked(kind: str) -> list[str]:
    found = [c for c in cases.pick(parse_period("month", "2024-03")) if c.kind == kind]
    return [c.figures["station_code"] for c in sorted(found, key=lambda c: c.rank)]


@pytest.mark.django_db
def test_picks_the_right_stations(stations):
    s = {k: v.code for k, v in stations.items()}
    assert _picked("placements") == [s["C"], s["A"], s["B"]]
    assert _picked("arrears") == [s["B"], s["A"], s["C"]]  # D: too few bookings to compare
    assert _picked("hardship") == [s["B"], s["A"]]  # C and D placed nobody
    best = next(
        c for c in cases.pick(parse_period("month", "2024-03")) if c.kind == "arrears" and c.rank == 1
    )
    assert best.figures["bookings"] == 25 and best.figures["arrears_opened"] == 0
    assert "新增疑似欠薪 0 件" in best.reason and "全市第 1 名（共 3 个站点参与比较）" in best.reason


@pytest.mark.django_db
def test_an_idle_station_with_no_arrears_never_wins(personas, stations):
    period = parse_period("month", "2024-03")
    assert cases.min_bookings(period) == 10
    assert cases.min_bookings(parse_period("quarter", "2024-Q1")) == 30
    arrears = [c for c in cases.pick(period) if c.kind == "arrears"]
    assert stations["D"].code not in {c.figures["station_code"] for c in arrears}


@pytest.mark.django_db
def test_proposing_twice_adds_nothing(personas, stations):
    made = services.propose_cases(actor=personas.city_admin, kind="month", period="2024-03")
    assert len(made) == 8
    assert services.propose_cases(actor=personas.city_admin, kind="month", period="2024-03") == []
    assert CaseProposal.objects.count() == 8
    assert AuditEntry.objects.filter(action="cases.propose").count() == 8
    with pytest.raises(PermissionDenied):
        services.propose_cases(actor=personas.town_admin_b, kind="month", period="2024-03")
    with pytest.raises(ValidationError):
        services.propose_cases(actor=personas.city_admin, kind="month", period="2024-04")  # not over yet


@pytest.mark.django_db
def test_draft_article_has_figures_and_no_personal_data(personas, stations):
    worker = make_worker(personas.coordinator_a, personas.station_a, name="梁小明", phone="13712345678")
    services.propose_cases(actor=None, kind="month", period="2024-03")
    proposal = CaseProposal.objects.get(kind="placements", station=stations["A"])
    article = services.draft_case_article(proposal, actor=personas.city_admin)
    assert article.kind == ArticleKind.CASE and article.status == ArticleStatus.DRAFT and article.town is None
    text = f"{article.title}\n{article.summary}\n{article.body}"
    assert stations["A"].name in text and "小榄镇" in text
    assert "录用 40 人次" in text and "完工 35 人次" in text and "2024-03-01 至 2024-03-31" in text
    for personal in ("梁小明", "13712345678", worker.code, "陈协理", "0760-22112233", "刘站长"):
        assert personal not in text
    proposal.refresh_from_db()
    assert (proposal.status, proposal.article, proposal.decided_by) == (
        CaseStatus.DRAFTED,
        article,
        personas.city_admin,
    )
    assert AuditEntry.objects.filter(action="cases.draft", object_id=proposal.code).exists()


@pytest.mark.django_db
def test_a_proposal_is_published_once(client, personas, stations):
    services.propose_cases(actor=None, kind="month", period="2024-03")
    proposal = CaseProposal.objects.get(kind="hardship", rank=1)
    services.draft_case_article(proposal, actor=personas.city_admin)
    articles = Article.objects.count()
    with pytest.raises(ValidationError, match="不能重复发布"):
        services.draft_case_article(proposal, actor=personas.city_admin)
    with pytest.raises(ValidationError):
        services.dismiss_case(proposal, actor=personas.city_admin, note="重复")
    client.force_login(personas.city_admin)
    response = client.post(f"/reports/cases/{proposal.code}/", {"action": "draft"})
    assert response.status_code == 400 and "不能重复发布" in response.content.decode()
    assert Article.objects.count() == articles
    proposal.refresh_from_db()
    assert proposal.article is not None
    page = client.get(f"/reports/cases/{proposal.code}/").content.decode()
    assert "已转为稿件" in page and f"/manage/content/{proposal.article.code}/edit/" in page


@pytest.mark.django_db
def test_dismissing_is_audited_and_final(client, personas, stations):
    services.propose_cases(actor=None, kind="month", period="2024-03")
    proposal = CaseProposal.objects.get(kind="arrears", rank=3)
    client.force_login(personas.city_admin)
    response = client.post(
        f"/reports/cases/{proposal.code}/", {"action": "dismiss", "note": "欠薪较多，不宜宣传"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == CaseStatus.DISMISSED and proposal.decision_note == "欠薪较多，不宜宣传"
    assert AuditEntry.objects.filter(action="cases.dismiss", object_id=proposal.code).exists()
    with pytest.raises(ValidationError):
        services.draft_case_article(proposal, actor=personas.city_admin)
    assert response.status_code == 302 and proposal.article is None


@pytest.mark.django_db
def test_town_admin_sees_own_towns_proposals_read_only(client, personas, stations):
    services.propose_cases(actor=None, kind="month", period="2024-03")
    client.force_login(personas.town_admin_b)
    page = client.get("/reports/cases/").content.decode()
    assert stations["B"].name in page and stations["A"].name not in page and stations["C"].name not in page
    assert "生成推荐" not in page
    own = CaseProposal.objects.get(station=stations["B"], kind="placements")
    detail = client.get(f"/reports/cases/{own.code}/").content.decode()
    assert "转为稿件草稿" not in detail and "由市级管理员审核" in detail
    with pytest.raises(PermissionDenied):
        services.draft_case_article(own, actor=personas.town_admin_b)


@pytest.mark.django_db
def test_case_pages_for_the_city(client, personas, stations):
    client.force_login(personas.city_admin)
    response = client.post("/reports/cases/", {"kind": "month", "period": "2024-03"})
    assert response.status_code == 302
    page = client.get("/reports/cases/").content.decode()
    assert "录用人次最多" in page and stations["C"].name in page
    response = client.post("/reports/cases/", {"kind": "month", "period": "2031-03"})
    assert response.status_code == 400 and "不能选择未来的期间" in response.content.decode()
    proposal = CaseProposal.objects.get(kind="placements", rank=1)
    detail = client.get(f"/reports/cases/{proposal.code}/").content.decode()
    assert "稿件草稿预览" in detail and "典型案例｜" in detail and "转为稿件草稿" in detail
