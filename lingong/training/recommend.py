"""Course recommendations for a worker, each with its reasons in plain Chinese.

Candidates: courses taking sign-ups that are not over, not full, that the worker has not already been
referred to (dropped referrals do not count), and whose certificate the worker does not already hold.

Points (a course needs at least one “fit” reason — the first six rows — to be recommended):

| reason | points |
|---|---|
| the occupation is short in the worker's home town (shortage.py) | 3 |
| … or short across the city | 2 |
| the worker already does this occupation (upskilling, a certificate) | 3 |
| the worker's test results suggest it (interest inventory or skills self-check) | 2 |
| an entrepreneurship course and the interest test shows 带头型 among the top two | 2 |
| the same 小类 as an occupation the worker does (easy to pick up) | 1 |
| listed as 急需紧缺 by the office but not short in our own figures | 1 |
| short in the worker's town or the city in at least 4 of the last 8 weeks (monitoring.shortage) | 1 |
| in the worker's home town | 1 |
| free after the subsidy | 1 |
| a new occupation (新职业) | 0.5 |

Ties go to the course that starts first. Tier 2/3 workers are told they are served first (no points:
it changes who gets a place, not which course fits).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from lingong.assistance.suggest import AssessmentHint, latest_hint
from lingong.monitoring.shortage import TREND_WEEKS, weeks_short
from lingong.places.models import Town
from lingong.workers.models import Worker

from .models import HOLDS_PLACE, Course, Referral, ReferralStatus
from .shortage import Shortage, shortage_map

# Weeks out of the monitoring trend's TREND_WEEKS that make a shortage lasting.
LASTING_WEEKS = 4

POINTS = {
    "shortage_town": 3.0,
    "shortage_city": 2.0,
    "own": 3.0,
    "assessment": 2.0,
    "entrepreneur": 2.0,
    "similar": 1.0,
    "declared_shortage": 1.0,
    "lasting_shortage": 1.0,
    "near": 1.0,
    "free": 1.0,
    "new": 0.5,
}
FIT = {"shortage_town", "shortage_city", "own", "assessment", "entrepreneur", "similar"}


@dataclass
class CourseRec:
    course: Course
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)

    def add(self, kind: str, text: str) -> None:
        self.score += POINTS.get(kind, 0.0)
        self.kinds.append(kind)
        self.reasons.append(text)

    @property
    def fits(self) -> bool:
        return bool(FIT & set(self.kinds))


def home_area(worker: Worker) -> Town | None:
    """The town whose shortages concern the worker: where they live, else where their station is."""
    if worker.home_town is not None:
        return worker.home_town
    return worker.station.town if worker.station is not None else None


def candidate_courses(worker: Worker, today: dt.date):
    taken = Referral.objects.filter(worker=worker).exclude(status=ReferralStatus.DROPPED).values("course_id")
    held = worker.certificates.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today)).values(
        "certificate_id"
    )
    return (
        Course.objects.open_for_referral(today)
        .exclude(id__in=taken)
        .exclude(certificate_id__in=held)
        .annotate(taken_places=Count("referrals", filter=Q(referrals__status__in=HOLDS_PLACE)))
        .select_related("occupation__parent", "town", "certificate")
    )


def score_course(
    course: Course,
    *,
    worker: Worker,
    own: dict[str, str],
    own_minor: dict[int, str],
    shortages: dict[str, Shortage],
    hint: AssessmentHint | None,
    lasting: dict[str, int] | None = None,
) -> CourseRec:
    rec = CourseRec(course)
    occ = course.occupation
    if occ is not None:
        short = shortages.get(occ.code)
        if short is not None:
            kind = "shortage_city" if short.town == "全市" else "shortage_town"
            rec.add(kind, short.reason + "，学会了好找活")
        elif course.shortage:
            rec.add("declared_shortage", "属于急需紧缺职业（工种）")
        weeks = (lasting or {}).get(occ.code, 0)
        if weeks >= LASTING_WEEKS:
            rec.add("lasting_shortage", f"近 {TREND_WEEKS} 周有 {weeks} 周缺人，不是一时的需要")
        if occ.code in own:
            cert = f"，结业可以考“{course.certificate.name}”" if course.certificate else ""
            rec.add("own", f"您会做“{own[occ.code]}”，参加培训提高手艺{cert}，工钱能更高")
        elif occ.parent_id in own_minor:
            rec.add("similar", f"和您会做的“{own_minor[occ.parent_id]}”差不多，容易上手")
        if hint is not None and occ.code in hint.occupations:
            rec.add("assessment", hint.occupations[occ.code])
    if course.entrepreneurship and hint is not None and hint.entrepreneurial:
        rec.add("entrepreneur", "兴趣测评显示您是“带头型”，可以学学怎么自己做生意")
    if course.town is not None and course.town_id == worker.home_town_id:
        rec.add("near", f"在{course.town.name}上课，离家近")
    if course.free:
        rec.add("free", "免费学" if course.fee == 0 else "培训费可以全部申请补贴")
    if course.new_occupation:
        rec.add("new", "新职业，学的人少、机会多")
    return rec


def recommend_courses(
    worker: Worker, *, limit: int = 5, today: dt.date | None = None, hint: AssessmentHint | None = None
) -> list[CourseRec]:
    """The best-fitting open courses for the worker, with reasons (see the module docstring)."""
    today = today or timezone.localdate()
    hint = hint if hint is not None else latest_hint(worker)
    own_rows = list(worker.occupations.select_related("occupation"))
    own = {wo.occupation.code: wo.occupation.name for wo in own_rows}
    own_minor = {wo.occupation.parent_id: wo.occupation.name for wo in own_rows if wo.occupation.parent_id}
    area = home_area(worker)
    shortages = shortage_map(area)
    lasting = weeks_short(["city"] + ([area.code] if area is not None else []))
    recs = []
    for course in candidate_courses(worker, today):
        if course.taken_places >= course.capacity:
            continue
        rec = score_course(
            course,
            worker=worker,
            own=own,
            own_minor=own_minor,
            shortages=shortages,
            hint=hint,
            lasting=lasting,
        )
        if rec.fits:
            if worker.tier >= 2:
                rec.reasons.append("您是重点帮扶对象，报名可以优先安排")
            recs.append(rec)
    recs.sort(key=lambda r: (-r.score, r.course.starts_on, r.course.pk))
    return recs[: max(0, limit)]
