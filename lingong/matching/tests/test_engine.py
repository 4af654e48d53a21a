"""The engine alone (no database): every hard rule both ways, fit levels, priority, exposure, reasons."""

from __future__ import annotations

import numpy as np
import pytest

from lingong.matching.explain import explain
from lingong.matching.synthetic import build_city
from lingong.matching.tables import NO_END, Booked
from lingong.matching.weights import Weights

from .world import NOW, TODAY, engine, gig, gig_ids, shift, worker, worker_ids


def both_ways(e, worker_id: int, gig_id: int, shift_id: int) -> tuple[bool, bool]:
    return worker_id in worker_ids(e, shift_id), gig_id in gig_ids(e, worker_id)


def test_certificate_must_be_held_and_valid_on_the_shift_day():
    day = TODAY + 1
    e = engine(
        [
            worker(1, 0, certificates=[(0, NO_END)]),
            worker(2, 0),
            worker(3, 0, certificates=[(0, day - 1)]),  # lapses the day before
            worker(4, 0, certificates=[(0, day)]),  # last valid day is the shift day
            worker(5, 0, certificates=[(1, NO_END)]),  # another certificate
        ],
        [gig(1, 0, certificates=[0])],
    )
    assert sorted(worker_ids(e, 10)) == [1, 4]
    assert [both_ways(e, w, 1, 10) for w in (1, 2, 3, 4, 5)] == [
        (True, True), (False, False), (False, False), (True, True), (False, False),
    ]  # fmt: skip


def test_availability_covers_every_part_of_the_shift_and_blocked_days():
    weekday_mornings = sum(1 << (d * 3) for d in range(5))
    e = engine(
        [
            worker(1),
            worker(2, avail=weekday_mornings),  # an 8–17 shift also needs the afternoon
            worker(3, blocked_days=[TODAY + 1]),
            worker(4, blocked_days=[TODAY + 2]),
        ],
        [gig(1)],
    )
    assert sorted(worker_ids(e, 10)) == [1, 4]
    assert not both_ways(e, 2, 1, 10)[1] and not both_ways(e, 3, 1, 10)[1]
    morning = engine([worker(2, avail=weekday_mornings)], [gig(1, shifts=[shift(10, hour=7, hours=4)])])
    assert worker_ids(morning, 10) == [2]


def test_travel_time_within_the_workers_own_limit():
    # 8 km: beyond 30 minutes by e-bike (5.8 km), within 30 by car (8.9 km), beyond 30 on foot.
    e = engine(
        [worker(1, km=8), worker(2, km=8, mode="car"), worker(3, km=1, mode="walk", limit=10)], [gig(1)]
    )
    assert worker_ids(e, 10) == [2]
    assert gig_ids(e, 1) == [] and gig_ids(e, 2) == [1] and gig_ids(e, 3) == []


def test_no_overlap_with_a_booking_nor_a_second_live_application():
    s = shift(10)
    e = engine(
        [
            worker(1, bookings=[Booked(99, s.start + 60, s.end + 60)]),
            worker(2, bookings=[Booked(98, s.end, s.end + 240)]),  # starts when ours ends: fine
            worker(3),
        ],
        [gig(1, shifts=[s])],
    )
    assert sorted(worker_ids(e, 10)) == [2, 3]
    e.set_live(e.workers.row_of[3], {e.gigs.shift_row_of[10]})
    assert worker_ids(e, 10) == [2]
    assert gig_ids(e, 3) == [] and gig_ids(e, 1) == []


def test_public_welfare_only_for_certified_hardship_on_the_day():
    e = engine(
        [
            worker(1, hardship_until=NO_END),
            worker(2, hardship_until=TODAY),  # expires before the shift day
            worker(3, tier=3),  # a tier alone is not a certification
        ],
        [gig(1, welfare=True)],
    )
    assert worker_ids(e, 10) == [1]
    assert gig_ids(e, 2) == [] and gig_ids(e, 3) == []


def test_suspended_employer_and_opted_out_worker_are_excluded():
    e = engine([worker(1), worker(2, active=False)], [gig(1), gig(2, employer_id=2)])
    assert worker_ids(e, 10) == [1] and gig_ids(e, 2) == []
    assert sorted(gig_ids(e, 1)) == [1, 2]
    e.gigs.set_employer(2, False)
    assert gig_ids(e, 1) == [1] and worker_ids(e, 20) == []


def test_shift_must_be_open_future_and_have_places():
    e = engine(
        [worker(1)],
        [
            gig(1, shifts=[shift(10, left=0)]),
            gig(2, shifts=[shift(20, day=0, hour=5)]),  # started an hour ago
            gig(3, shifts=[shift(30, day=1), shift(31, day=2)]),
        ],
    )
    assert worker_ids(e, 10) == [] and worker_ids(e, 20) == []
    srow = e.gigs.shift_row_of[30]
    e.gigs.s_left[srow] = 0
    matches = e.gigs_for_worker(e.workers.row_of[1], 20, NOW, TODAY, record=False)
    assert [(int(e.gigs.ids[m.gig]), int(e.gigs.s_ids[m.shift])) for m in matches] == [(3, 31)]


def test_occupation_fit_levels_order_the_candidates():
    # Gig of occupation 0. Workers: same 细类, same 小类 (1), same 中类 (2), related (7), unrelated (4).
    e = engine([worker(i + 1, occ) for i, occ in enumerate([4, 7, 2, 1, 0])], [gig(1, 0)])
    assert worker_ids(e, 10) == [5, 4, 3, 2]
    fits = [m.parts["fit"] for m in e.workers_for_shift(0, 10, NOW, TODAY, record=False)]
    w = Weights()
    assert fits == pytest.approx([w.fit * f for f in (1.0, 0.7, 0.45, 0.3)], abs=1e-4)


def test_tier_boost_lifts_an_otherwise_equal_worker_and_says_why():
    e = engine([worker(1), worker(2, tier=3), worker(3, tier=2)], [gig(1)])
    matches = e.workers_for_shift(0, 3, NOW, TODAY, record=False)
    assert [int(e.workers.ids[m.worker]) for m in matches] == [2, 3, 1]
    assert [m.parts["priority"] for m in matches] == pytest.approx([0.10, 0.06, 0.0])
    texts = [t for _, t in explain(e, matches[0], today=TODAY, now=NOW, cert_names=[])]
    assert "重点帮扶对象优先" in texts
    # The boost does not beat a clearly better fit: a tier-3 worker of a related occupation stays below.
    e2 = engine([worker(1, 4), worker(2, 6, tier=3)], [gig(1, 4)])
    assert worker_ids(e2, 10) == [1, 2]


def test_long_waiting_adds_a_smaller_boost():
    e = engine([worker(1), worker(2, since_day=TODAY - 400)], [gig(1)])
    matches = e.workers_for_shift(0, 2, NOW, TODAY, record=False)
    assert int(e.workers.ids[matches[0].worker]) == 2
    assert matches[0].parts["priority"] == pytest.approx(Weights().wait)


def test_exposure_spreads_recommendations_over_equal_candidates():
    people = [worker(i, km=1 + i / 1000) for i in range(1, 31)]
    spread = engine(people, [gig(1)])
    seen = [set(worker_ids_recorded(spread, 10, 5)) for _ in range(4)]
    assert len(set().union(*seen)) >= 15  # different people each time
    fixed = engine(people, [gig(1)], weights=Weights(exposure=0.0))
    assert len(set().union(*[set(worker_ids_recorded(fixed, 10, 5)) for _ in range(4)])) == 5


def worker_ids_recorded(e, shift_id, k):
    srow = e.gigs.shift_row_of[shift_id]
    return [int(e.workers.ids[m.worker]) for m in e.workers_for_shift(srow, k, NOW, TODAY)]


def test_exposure_of_gigs_is_spread_too_and_decays():
    e = engine([worker(1)], [gig(i, shifts=[shift(i * 10)]) for i in range(1, 11)])
    first = gig_ids_recorded(e, 3)
    second = gig_ids_recorded(e, 3)
    assert not set(first) & set(second)
    e.decay(NOW + 7 * 24 * 60)  # a week later the impressions are forgotten
    assert float(e.gigs.exposure[: e.gigs.n].max()) < 0.01


def gig_ids_recorded(e, k):
    return [int(e.gigs.ids[m.gig]) for m in e.gigs_for_worker(0, k, NOW, TODAY)]


def test_reasons_in_chinese():
    e = engine(
        [worker(1, 0, certificates=[(0, NO_END)], pay_hourly=25.0, tier=2, reliability=0.97)],
        [gig(1, 0, certificates=[0], pay_hourly=30.0, pay_unit="day")],
    )
    m = e.gigs_for_worker(0, 1, NOW, TODAY, record=False)[0]
    texts = [t for _, t in explain(e, m, today=TODAY, now=NOW, cert_names=["低压电工证"])]
    minutes = int(np.ceil(m.minutes))
    assert texts == [
        "会做低压电工（3年以上经验）",
        "持有低压电工证",
        f"骑电动车约{minutes}分钟",
        "周四上午、下午有空",
        "日薪高于期望",
        "完工记录好（可靠度97%）",
        "新发布的岗位",
        "重点帮扶对象优先",
    ]
    assert minutes == 6  # 1 km straight × 1.3 detour at 15 km/h = 5.2 minutes
    assert sum(m.parts.values()) == pytest.approx(m.score, abs=1e-3)


def test_related_and_sibling_reasons():
    e = engine([worker(1, 7), worker(2, 1)], [gig(1, 0)])
    texts = {
        int(e.workers.ids[m.worker]): explain(e, m, today=TODAY, now=NOW, cert_names=[])[0][1]
        for m in e.workers_for_shift(0, 5, NOW, TODAY, record=False)
    }
    assert texts == {1: "相关工种：会做理货员，岗位是低压电工", 2: "同类工种：会做高压电工，岗位是低压电工"}


@pytest.fixture(scope="module")
def city():
    return build_city(6000, 600, seed=3)


def test_buckets_find_exactly_what_a_full_scan_finds(city):
    e = city.engine
    everyone = np.arange(e.workers.n)
    for srow in range(0, e.gigs.ns, max(1, e.gigs.ns // 60)):
        pruned = e.eligible_workers(srow, city.now, city.today)
        full = e.eligible_workers(srow, city.now, city.today, rows=everyone)
        assert sorted(pruned.workers.tolist()) == sorted(full.workers.tolist())
        assert np.allclose(np.sort(pruned.score), np.sort(full.score))


def test_buckets_follow_a_worker_who_moved(city):
    e = city.engine
    srow = next(s for s in range(e.gigs.ns) if len(e.eligible_workers(s, city.now, city.today).workers) > 3)
    gig = int(e.gigs.s_gig[srow])
    mover = next(r for r in range(e.workers.n) if e.workers.active[r] and r not in
                 set(e.eligible_workers(srow, city.now, city.today).workers.tolist()))  # fmt: skip
    # Move the worker next to the gig with its occupation and a free week: now they qualify.
    e.workers.x[mover], e.workers.y[mover] = e.gigs.x[gig], e.gigs.y[gig]
    e.workers.occ[mover, 0] = e.gigs.occ[gig]
    e.workers.avail[mover] = (1 << 21) - 1
    e.workers.cert_idx[mover] = -1
    e.workers.cert_any[mover] = 0
    e.workers.blocked.pop(mover, None)
    e.worker_changed(mover)
    found = e.eligible_workers(srow, city.now, city.today).workers.tolist()
    if not e.gigs.certs[gig] and not e.gigs.welfare[gig]:
        assert mover in found


def test_recommendations_never_break_a_hard_rule(city):
    e = city.engine
    for wrow in range(0, e.workers.n, 97):
        for m in e.gigs_for_worker(wrow, 20, city.now, city.today, record=False):
            assert e.check_pair(m.worker, m.shift, city.now) == []
    for srow in range(0, e.gigs.ns, 23):
        for m in e.workers_for_shift(srow, 20, city.now, city.today, record=False):
            assert e.check_pair(m.worker, m.shift, city.now) == []


def test_check_pair_names_the_broken_rules():
    e = engine([worker(1, km=9, active=False)], [gig(1, welfare=True, certificates=[3])])
    assert set(e.check_pair(0, 0, NOW)) == {"opted_out", "travel", "public_welfare", "certificate"}
