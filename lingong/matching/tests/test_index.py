"""The adapter: recommendations from the database, and the index following changes made through the
services (a new gig, a profile edit, a booking) without a rebuild."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from lingong.gigs import booking
from lingong.gigs import services as gig_services
from lingong.gigs.tests.factories import approved_employer, gig_data
from lingong.matching import index, services
from lingong.workers import services as worker_services
from lingong.workers.models import Worker

from .helpers import day, employer_gig, worker_with

pytestmark = pytest.mark.django_db


def codes(recs):
    return [r.gig for r in recs]


def test_worker_sees_fitting_gig_with_reasons(personas):
    gig = employer_gig(personas)
    other = employer_gig(personas, occupation="4-03-02-01", title="酒楼厨师", certificates=[])  # 中式烹调师
    worker = worker_with(personas)
    recs = services.recommend_gigs(worker)
    assert codes(recs) == [gig.code]
    assert other.code not in codes(recs)
    texts = [r.text for r in recs[0].reasons]
    assert texts[0] == "会做保洁员（3年以上经验）"
    assert any(t.startswith("骑电动车约") and t.endswith("分钟") for t in texts)
    assert "日薪高于期望" not in texts  # no expectation given: pay is not claimed either way
    assert recs[0].shift == 1 and recs[0].minutes >= 1
    assert sum(recs[0].parts.values()) == pytest.approx(recs[0].score, abs=1e-3)


def test_index_follows_a_new_gig_without_rebuilding(personas):
    worker = worker_with(personas)
    assert services.recommend_gigs(worker) == []
    state = index.current()
    employer = approved_employer(personas)
    gig = gig_services.post_gig(actor=personas.employer, employer=employer, data=gig_data(employer.town))
    assert codes(services.recommend_gigs(worker)) == [gig.code]
    assert index.current() is state and state.updates >= 1


def test_index_follows_a_profile_edit(personas):
    gig = employer_gig(personas)
    worker = worker_with(personas, home_lat=22.60, home_lng=113.40)  # ~9 km north
    assert services.recommend_gigs(worker) == []
    worker_services.update_profile(
        worker, actor=worker.user, data={"travel_mode": "car", "travel_minutes": 45}
    )
    assert codes(services.recommend_gigs(worker)) == [gig.code]
    worker_services.update_profile(worker, actor=worker.user, data={"availability": 0})
    assert services.recommend_gigs(worker) == []


def test_index_follows_a_booking(personas):
    instant = employer_gig(personas, booking_mode="instant", headcount=1, title="商场保洁 抢单")
    overlapping = employer_gig(personas, title="写字楼保洁 同一天")
    later = employer_gig(
        personas, title="写字楼保洁 后天", shifts=[{"date": day(2), "start": "08:00", "end": "17:00"}]
    )
    worker = worker_with(personas)
    neighbour = worker_with(personas, name="陈姨")
    assert set(codes(services.recommend_gigs(worker))) == {instant.code, overlapping.code, later.code}
    booking.claim(instant.shifts.get(), actor=worker.user)
    # The booked shift is full and the same-day shift overlaps: only the later gig is left.
    assert codes(services.recommend_gigs(worker)) == [later.code]
    assert instant.code not in codes(services.recommend_gigs(neighbour))
    assert [r.worker for r in services.recommend_workers(instant)] == []


def test_opting_out_removes_the_worker_both_ways(personas):
    gig = employer_gig(personas)
    worker = worker_with(personas)
    assert [r.worker for r in services.recommend_workers(gig)] == [worker.code]
    worker_services.withdraw_consent(worker, actor=worker.user, purpose="matching")
    assert services.recommend_workers(gig) == []
    assert services.recommend_gigs(Worker.objects.get(pk=worker.pk)) == []


def test_employer_view_is_masked_and_never_names_hardship(personas):
    gig = employer_gig(personas)
    plain = worker_with(personas, name="李大明")
    helped = worker_with(personas, name="王小红", tier=3, tier_reason="援助类困难认定")
    recs = services.recommend_workers(gig)
    assert [r.worker for r in recs] == [helped.code, plain.code]  # the documented boost
    assert [r.name for r in recs] == ["王*红", "李*明"]
    assert recs[0].priority is True and recs[0].tier is None
    texts = [t.text for r in recs for t in r.reasons]
    assert "优先候选" in texts
    assert not any("帮扶" in t or "困难" in t or "求职已" in t for t in texts)
    staff = services.recommend_workers(gig, viewer=personas.coordinator_a)  # their station's workers
    assert staff[0].tier == 3 and "重点帮扶对象优先" in [t.text for t in staff[0].reasons]
    other = services.recommend_workers(gig, viewer=personas.town_admin_b)  # 东区: not their station
    assert other[0].tier is None and "优先候选" in [t.text for t in other[0].reasons]


def test_dispatch_proposal_for_a_town(personas, towns):
    gig = employer_gig(personas, headcount=2)
    a, b, c = (worker_with(personas, name=n) for n in ("甲一", "乙二", "丙三"))
    for w in (a, b, c):
        Worker.objects.filter(pk=w.pk).update(home_town=towns["东区"])
    index.reset()
    proposal = services.dispatch(
        actor=personas.town_admin_b, date=timezone.localdate() + dt.timedelta(days=1), town=towns["东区"]
    )
    assert len(proposal.assignments) == 2 and proposal.places == 2
    assert {x.gig for x in proposal.assignments} == {gig.code}
    assert proposal.total >= proposal.greedy_total > 0
    results = services.send_invitations(
        [(x.worker, x.gig, x.shift) for x in proposal.assignments]
        + [(proposal.assignments[0].worker, gig.code, 1)],
        actor=personas.town_admin_b,
    )
    assert [r.ok for r in results] == [True, True, False]
    assert "不用重复" in results[2].error


def test_public_welfare_gig_reaches_only_the_certified_worker_and_fast_read_agrees(personas):
    from lingong.catalog.models import Certificate, HardshipCategory
    from lingong.matching import fastread, loader

    welfare = employer_gig(personas, kind="public_welfare", title="社区保洁 公益性岗位")
    helped = worker_with(personas, name="何阿姨")
    plain = worker_with(personas, name="周先生")
    coord = personas.coordinator_a
    record = worker_services.record_hardship(
        helped, actor=coord, category=HardshipCategory.objects.first(), evidence="低保证 123"
    )
    assert codes(services.recommend_gigs(helped)) == []  # recorded, not yet verified
    worker_services.verify_hardship(record, actor=coord, approve=True)
    assert codes(services.recommend_gigs(helped)) == [welfare.code]
    assert codes(services.recommend_gigs(plain)) == []
    worker_services.set_certificates(
        helped,
        actor=coord,
        items=[(Certificate.objects.first(), "T1", timezone.localdate() + dt.timedelta(days=30))],
    )
    worker_services.set_blocked_dates(
        helped, actor=coord, dates=[timezone.localdate() + dt.timedelta(days=3)]
    )
    state = index.current()
    now = timezone.now()
    records = {}
    for w in (helped, plain):
        live_slow: dict[int, set[int]] = {}
        live_fast: dict[int, set[int]] = {}
        slow = loader.worker_records(state.catalog, [w.pk], now=now, live=live_slow)
        fast = fastread.worker_records(state.catalog, ids=[w.pk], now=now, live=live_fast)
        by_code = fastread.worker_records(state.catalog, codes=[w.code], now=now)
        assert slow == fast == by_code and live_slow == live_fast
        records[w.pk] = fast[0]
    mine = records[helped.pk]
    assert mine.occupations and mine.certificates and mine.blocked_days and mine.hardship_until > 0
    assert mine.fresh_day == timezone.localdate().toordinal()


def test_bulk_build_equals_the_record_path(personas, towns):
    from lingong.catalog.models import Certificate, HardshipCategory
    from lingong.matching import loader

    employer_gig(personas, booking_mode="instant", certificates=[Certificate.objects.get(code="JKZ").code])
    employer_gig(personas, kind="public_welfare", title="社区保洁 公益性岗位")
    coord = personas.coordinator_a
    a = worker_with(personas, name="何阿姨")
    record = worker_services.record_hardship(
        a, actor=coord, category=HardshipCategory.objects.first(), evidence="低保证 123"
    )
    worker_services.verify_hardship(record, actor=coord, approve=True)
    worker_services.set_certificates(a, actor=coord, items=[(Certificate.objects.first(), "T1", None)])
    worker_services.set_blocked_dates(a, actor=coord, dates=[timezone.localdate() + dt.timedelta(days=3)])
    b = worker_with(personas, name="周先生", expected_pay=200, expected_pay_unit="day")

    c = worker_with(personas, name="吴小姐", home_lat=None, home_lng=None)
    Worker.objects.filter(pk=c.pk).update(home_town=towns["东区"])
    worker_services.withdraw_consent(b, actor=b.user, purpose="matching")
    now = timezone.now()
    fast, _ = loader.load_all(now=now)
    slow, _ = loader.load_all(now=now, bulk=False)
    fw, sw = fast.workers, slow.workers
    assert fw.n == sw.n >= 3
    order = [sw.row_of[int(i)] for i in fw.ids[: fw.n]]
    for name in fw.SCALARS:
        got, want = getattr(fw, name)[: fw.n], getattr(sw, name)[order]
        assert np.allclose(got.astype(float), want.astype(float), equal_nan=True), name
    assert (fw.occ[: fw.n] == sw.occ[order]).all() and (fw.lvl[: fw.n] == sw.lvl[order]).all()
    assert (fw.valid_certs(np.arange(fw.n), 0) == sw.valid_certs(np.array(order), 0)).all()
    assert {int(fw.ids[r]): d for r, d in fw.blocked.items()} == {
        int(sw.ids[r]): d for r, d in sw.blocked.items()
    }
    fg, sg = fast.gigs, slow.gigs
    assert fg.n == sg.n == 2 and fg.ns == sg.ns
    g_order = [sg.row_of[int(i)] for i in fg.ids[: fg.n]]
    for name in ("occ", "x", "y", "pay", "unit", "certs", "welfare", "published", "open", "town"):
        assert np.allclose(
            getattr(fg, name)[: fg.n].astype(float), getattr(sg, name)[g_order].astype(float)
        ), name
    s_order = [sg.shift_row_of[int(i)] for i in fg.s_ids[: fg.ns]]
    for name in ("s_start", "s_end", "s_day", "s_need", "s_left", "s_open"):
        assert (getattr(fg, name)[: fg.ns] == getattr(sg, name)[s_order]).all(), name
    assert fw.active[fw.row_of[c.pk]] and not fw.active[fw.row_of[b.pk]]
    # The incremental readers give the same gig records as the ORM path.
    from lingong.gigs.models import Gig
    from lingong.matching import fastread

    cat = loader.load_catalog()
    for gig in Gig.objects.all():
        slow_g = loader.gig_records(cat, [gig.pk], now=now)
        assert slow_g == fastread.gig_records(cat, ids=[gig.pk], now=now)
        assert slow_g == fastread.gig_records(cat, codes=[gig.code], now=now)
        assert slow_g[0].shifts and slow_g[0].employer_ok
