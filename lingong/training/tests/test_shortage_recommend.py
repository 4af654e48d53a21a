"""Shortage occupations on constructed data, and course recommendations with their reasons."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from lingong.assistance.services import take_interest
from lingong.catalog.models import Occupation
from lingong.gigs import services as gig_services
from lingong.gigs.models import Shift
from lingong.gigs.tests.factories import approved_employer, gig_data, make_worker
from lingong.places.models import Town
from lingong.training.models import Referral
from lingong.training.recommend import recommend_courses
from lingong.training.services import change_status, refer
from lingong.training.shortage import shortage_map, shortage_occupations
from lingong.workers.models import Worker
from lingong.workers.services import set_occupations


def _employer(world):
    return approved_employer(SimpleNamespace(employer=world.employer, city_admin=world.city_admin))


def _day(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _gig(
    world, employer, occupation: str, headcount: int, *, days: int = 1, town=None, title="写字楼保洁 日结"
):
    data = gig_data(
        town or employer.town,
        occupation=occupation,
        headcount=headcount,
        title=title,
        shifts=[{"date": _day(days), "start": "08:00", "end": "17:00"}],
    )
    gig = gig_services.submit(
        gig_services.save_draft(actor=world.employer, employer=employer, data=data), actor=world.employer
    )
    assert gig.status == "open", gig.findings
    return gig


def _lists(world, worker: Worker, code: str) -> None:
    set_occupations(worker, actor=world.city_admin, items=[(Occupation.objects.get(code=code), "some")])


def test_shortage_formula_by_town_and_city(world):
    employer = _employer(world)
    dongqu = world.station_b.town
    xiaolan = world.station_a.town
    _lists(
        world, world.walk_in_b, "4-09-08-01"
    )  # one 东区 worker looks for cleaning; world.worker (小榄) too
    _gig(world, employer, "4-09-08-01", 5)
    half_booked = _gig(world, employer, "4-09-08-01", 4)
    Shift.objects.filter(gig=half_booked).update(booked=3)  # 1 place left
    _gig(world, employer, "4-09-08-01", 9, days=45)  # beyond the 30-day horizon: not counted
    _gig(world, employer, "4-09-08-01", 4, town=xiaolan)
    _gig(world, employer, "4-02-05-01", 3, title="仓库卸货 日结")  # 3 places, 3 people: not short
    for name in ("陈大力", "李大壮", "王阿强"):
        _lists(world, make_worker(world.town_admin_b, world.station_b, name=name), "4-02-05-01")
    _gig(world, employer, "4-03-02-05", 2, title="酒楼传菜 日结")  # fewer than MIN_OPENINGS places

    east = shortage_occupations(dongqu)
    assert [(s.occupation_code, s.openings, s.seekers, s.ratio, s.gap) for s in east] == [
        ("4-09-08-01", 6, 1, 6.0, 5)
    ]
    assert east[0].town == "东区街道"
    assert east[0].reason == "东区街道现在有 6 个“保洁员”空位，只有 1 人在找这类活"

    city = shortage_occupations()
    assert [(s.occupation_code, s.openings, s.seekers, s.gap) for s in city] == [("4-09-08-01", 10, 2, 8)]
    assert city[0].town == "全市"
    assert [s.openings for s in shortage_occupations(xiaolan)] == [4]
    assert shortage_occupations(Town.objects.get(short="坦洲")) == []
    assert shortage_occupations(dongqu, limit=0) == []
    # Town figures win over the city's for a person living in the town.
    assert shortage_map(dongqu)["4-09-08-01"].town == "东区街道"


def test_recommendations_follow_profile_assessment_and_shortages(world):
    worker, care, clean, entre = (
        world.worker,
        world.courses["care"],
        world.courses["clean"],
        world.courses["entre"],
    )

    recs = {r.course.pk: r for r in recommend_courses(worker)}
    assert set(recs) == {clean.pk}, "only the course of an occupation the worker does fits at first"
    assert "您会做“保洁员”，参加培训提高手艺，工钱能更高" in recs[clean.pk].reasons
    assert "免费学" in recs[clean.pk].reasons

    # The interest inventory says 助人型 (caring): the care course now fits, near home and free.
    answers = {code: "like" if code.startswith("S") else "dislike" for code in _codes()}
    take_interest(actor=world.worker_user, worker=worker, answers=answers)
    recs = {r.course.pk: r for r in recommend_courses(worker)}
    assert care.pk in recs
    assert recs[care.pk].reasons == [
        "兴趣测评显示您是“助人型”，适合这类活",
        "在小榄镇上课，离家近",
        "培训费可以全部申请补贴",
    ]

    # Care workers are short in 小榄: the shortage leads the reasons and the course moves up.
    employer = _employer(world)
    _gig(world, employer, "4-10-01-05", 5, town=world.station_a.town, title="养老院护理 日结")
    first = recommend_courses(worker)[0]
    assert first.course.pk == care.pk
    assert first.reasons[0] == "小榄镇现在有 5 个“养老护理员”空位，只有 0 人在找这类活，学会了好找活"

    # 带头型 (enterprising) brings the entrepreneurship course; tier 2 adds the priority note.
    answers = {code: "like" if code.startswith("E") else "dislike" for code in _codes()}
    take_interest(actor=world.worker_user, worker=worker, answers=answers)
    Worker.objects.filter(pk=worker.pk).update(tier=2)
    worker.refresh_from_db()
    recs = {r.course.pk: r for r in recommend_courses(worker)}
    assert "兴趣测评显示您是“带头型”，可以学学怎么自己做生意" in recs[entre.pk].reasons
    assert recs[entre.pk].reasons[-1] == "您是重点帮扶对象，报名可以优先安排"

    # Already referred, or full: no longer recommended.
    refer(actor=world.coordinator_a, worker=worker, course=clean)
    for name in ("周阿姨", "吴阿姨"):
        other = make_worker(world.coordinator_a, world.station_a, name=name)
        change_status(
            refer(actor=world.coordinator_a, worker=other, course=care),
            actor=other.user,
            to_status="enrolled",
        )
    shown = {r.course.pk for r in recommend_courses(worker)}
    assert clean.pk not in shown and care.pk not in shown
    assert Referral.objects.filter(course=care, status="enrolled").count() == 2


def _codes() -> list[str]:
    from lingong.assistance.inventory import interest_items

    return [i.code for i in interest_items()]


def test_a_lasting_shortage_in_the_weekly_trend_adds_a_reason(world):
    from lingong.monitoring.models import ShortageWeek
    from lingong.monitoring.shortage import week_start
    from lingong.training.recommend import LASTING_WEEKS

    worker, clean = world.worker, world.courses["clean"]
    cleaner = clean.occupation
    assert cleaner is not None
    newest = week_start(timezone.localdate()) - dt.timedelta(days=7)
    town = world.station_a.town  # the worker lives where the station is

    def short_weeks(n: int) -> None:
        ShortageWeek.objects.all().delete()
        for back in range(8):
            short = back < n
            ShortageWeek.objects.create(
                week=newest - dt.timedelta(weeks=back),
                area=town.code,
                town=town,
                occupation=cleaner,
                demand=9 if short else 1,
                supply=2,
            )

    reason = f"近 8 周有 {LASTING_WEEKS} 周缺人，不是一时的需要"
    short_weeks(LASTING_WEEKS - 1)
    before = {r.course.pk: r for r in recommend_courses(worker)}[clean.pk]
    assert not any("周缺人" in r for r in before.reasons)
    short_weeks(LASTING_WEEKS)
    after = {r.course.pk: r for r in recommend_courses(worker)}[clean.pk]
    assert reason in after.reasons
    assert after.score == before.score + 1
