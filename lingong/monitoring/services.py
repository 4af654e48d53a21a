"""Writes of the monitoring app: generating reports (by staff or by the monthly task) and typical-case
proposals turned into draft articles or dismissed.

Every function checks who may do it, validates before writing, runs in one transaction and writes an
audit entry. `actor=None` is the scheduled task.

Rules:
- City admins generate reports for the city and every town; town admins for their own towns.
- Only a period that has ended and has snapshot data can be reported. Generating a report again
  replaces it (same code, version + 1); the audit entry keeps the headline figures before and after.
- Typical cases are the city's decision: only city admins propose, draft or dismiss; a proposal is
  decided once (a second draft or dismissal is refused).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.lib.codes import new_code
from lingong.places.models import Town

from . import cases
from .access import require_monitoring_user
from .models import CaseProposal, CaseStatus, DailySnapshot, Report, ReportKind, Scope
from .report_excel import workbook
from .reports import Area, Period, area_for, build, city_area, data_days, parse_period, period_of

logger = logging.getLogger(__name__)

CITY_ONLY = "典型案例由市人力资源管理办公室的管理员审核"
# How far back the monthly task looks for reports that are missing.
CATCH_UP_MONTHS = 12
ARTICLE_CATEGORY = "stations"  # 站点动态


def areas_for(user: User) -> list[Area]:
    """The areas this person may report on: the city and every town, or their own towns."""
    towns = Town.objects.order_by("plan_seq")
    if user.is_city_admin:
        return [city_area(), *(Area(t.code, t.name, t) for t in towns)]
    return [Area(t.code, t.name, t) for t in towns.filter(id__in=user.admin_town_ids)]


def check_area(actor: User | None, area: Area) -> None:
    if actor is None or actor.is_city_admin:
        return
    if area.town is None or area.town.pk not in actor.admin_town_ids:
        raise PermissionDenied("只能生成本镇街的报表（全市报表由市级管理员生成）")


def _check_ended(period: Period, today: dt.date) -> None:
    if period.start > today:
        raise ValidationError({"period": [f"{period.label}还没有到，不能选择未来的期间"]})
    if period.end >= today:
        raise ValidationError(
            {
                "period": [
                    f"{period.label}尚未结束，{period.end + dt.timedelta(days=1):%Y年%m月%d日}起才能生成"
                ]
            }
        )


def _check_period(area: Area, period: Period, today: dt.date) -> None:
    _check_ended(period, today)
    if data_days(area, period)[1] is None:
        raise ValidationError(
            {"period": [f"{area.name}在{period.label}没有运行快照数据，无法生成（请选择有数据的期间）"]}
        )


def _headline(report: Report) -> dict:
    cards = report.figures.get("cards", [])
    return {"version": report.version, **{c["label"]: c["value"] for c in cards}}


@transaction.atomic
def generate_report(
    *, actor: User | None, kind: object, period: object, area: object, today: dt.date | None = None
) -> Report:
    """Generate (or generate again) the report of an area for a month or quarter ('2024-03', '2024-Q1')."""
    if actor is not None:
        require_monitoring_user(actor)
    today = today or timezone.localdate()
    where = area_for(area)
    check_area(actor, where)
    when = period if isinstance(period, Period) else parse_period(kind, period)
    _check_period(where, when, today)
    figures = build(where, when)
    content = workbook(figures)
    now = timezone.now()
    report = (
        Report.objects.select_for_update(of=("self",))
        .filter(kind=when.kind, period_start=when.start, area=where.key)
        .first()
    )
    if report is None:
        report = Report(code=new_code("R"), kind=when.kind, period_start=when.start, area=where.key)
        before: dict = {}
    else:
        before = _headline(report)
        report.version += 1
    report.period_end, report.town, report.title = when.end, where.town, figures["title"]
    report.figures, report.xlsx, report.generated_at, report.generated_by = figures, content, now, actor
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError("另一位同事或定时任务刚刚生成了这份报表，请刷新页面查看") from None
    if before:
        b, a = audit.diff(before, _headline(report))
        audit.record(
            actor, "reports.regenerate", report, summary=f"重新生成{report.title}", before=b, after=a
        )
    else:
        audit.record(
            actor, "reports.generate", report, summary=f"生成{report.title}", after=_headline(report)
        )
    return report


def due_periods(today: dt.date) -> list[Period]:
    """Months and quarters that ended before today, within the catch-up window, oldest first."""
    since = period_of(ReportKind.MONTH, today)
    for _ in range(CATCH_UP_MONTHS):
        since = since.previous()
    out: list[Period] = []
    for kind in (ReportKind.MONTH, ReportKind.QUARTER):
        period = period_of(kind, since.start)
        if period.start < since.start:
            period = period.next()
        while period.end < today:
            out.append(period)
            period = period.next()
    return sorted(out, key=lambda p: (p.end, p.kind != ReportKind.MONTH))


def produce_due_reports(today: dt.date | None = None) -> list[Report]:
    """What the monthly task does: bring the snapshots up to date, then generate every month's and
    quarter's report (city and each town) that is missing from the archive and has data, and propose
    the typical cases of those periods. A missed run is made up by the next one."""
    from .snapshots import backfill

    today = today or timezone.localdate()
    backfill(today)
    periods = due_periods(today)
    if not periods:
        return []
    have = set(
        Report.objects.filter(period_start__gte=periods[0].start).values_list("kind", "period_start", "area")
    )
    made: list[Report] = []
    areas = areas_for_task()
    for period in periods:
        for area in areas:
            if (period.kind, period.start, area.key) in have or data_days(area, period)[1] is None:
                continue
            try:
                made.append(
                    generate_report(actor=None, kind=period.kind, period=period, area=area.key, today=today)
                )
                if area.town is None:
                    propose_cases(actor=None, kind=period.kind, period=period, today=today)
            except ValidationError as exc:  # e.g. someone generated it a moment ago; the rest go on
                logger.warning("report %s %s not generated: %s", period.slug, area.key, exc.messages)
    return made


def areas_for_task() -> list[Area]:
    return [city_area(), *(Area(t.code, t.name, t) for t in Town.objects.order_by("plan_seq"))]


def require_city_admin(actor: User | None) -> None:
    """Typical cases are the city's decision (actor None: the monthly task proposes)."""
    if actor is not None and not actor.is_city_admin:
        raise PermissionDenied(CITY_ONLY)


@transaction.atomic
def propose_cases(
    *, actor: User | None, kind: object, period: object, today: dt.date | None = None
) -> list[CaseProposal]:
    """Propose a finished period's outstanding stations ('2024-03', '2024-Q1'); stations already
    proposed for it are left as they are."""
    require_city_admin(actor)
    today = today or timezone.localdate()
    period = period if isinstance(period, Period) else parse_period(kind, period)
    _check_ended(period, today)
    stations = DailySnapshot.objects.filter(scope=Scope.STATION, day__range=(period.start, period.end))
    if not stations.exists():
        raise ValidationError(
            {"period": [f"{period.label}没有站点运行快照数据，无法推荐（请选择有数据的期间）"]}
        )
    made = []
    for c in cases.pick(period):
        key = {
            "kind": c.kind,
            "period_kind": period.kind,
            "period_start": period.start,
            "station_id": c.station_id,
        }
        if CaseProposal.objects.filter(**key).exists():
            continue
        proposal = CaseProposal.objects.create(
            code=new_code("TC"),
            period_end=period.end,
            town_id=c.town_id,
            rank=c.rank,
            figures=c.figures,
            reason=c.reason,
            proposed_at=timezone.now(),
            **key,
        )
        audit.record(actor, "cases.propose", proposal, summary=f"推荐典型案例：{proposal}", after=c.figures)
        made.append(proposal)
    return made


def _locked_open(proposal: CaseProposal) -> CaseProposal:
    proposal = CaseProposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
    if proposal.status == CaseStatus.DRAFTED:
        raise ValidationError("该推荐已转为稿件，不能重复发布")
    if proposal.status == CaseStatus.DISMISSED:
        raise ValidationError("该推荐已标记为不采用，不能再处理")
    return proposal


@transaction.atomic
def draft_case_article(proposal: CaseProposal, *, actor: User):
    """Turn a proposal into a draft 典型经验 article of the city (the city office edits and publishes it)."""
    from lingong.content.models import Category
    from lingong.content.services import save_article

    if actor is None or not actor.is_city_admin:
        raise PermissionDenied(CITY_ONLY)
    proposal = _locked_open(proposal)
    category = (
        Category.objects.filter(code=ARTICLE_CATEGORY, active=True).first()
        or Category.objects.filter(active=True).first()
    )
    if category is None:
        raise ValidationError("内容管理中没有可用的栏目，请先启用一个栏目")
    text = cases.article_text(
        proposal.kind, proposal.figures, proposal.reason, f"{proposal.period_start}", f"{proposal.period_end}"
    )
    data = {"kind": "case", "category": category, "source": "中山市零工市场运行监测", "channels": ["web"]}
    article = save_article(actor=actor, data={**data, **text, "town": None})
    proposal.status, proposal.article = CaseStatus.DRAFTED, article
    proposal.decided_at, proposal.decided_by = timezone.now(), actor
    proposal.save(update_fields=["status", "article", "decided_at", "decided_by"])
    audit.record(
        actor,
        "cases.draft",
        proposal,
        summary=f"典型案例转为稿件《{article.title}》",
        after={"article": article.code},
    )
    return article


@transaction.atomic
def dismiss_case(proposal: CaseProposal, *, actor: User, note: object = "") -> CaseProposal:
    if actor is None or not actor.is_city_admin:
        raise PermissionDenied(CITY_ONLY)
    text = " ".join(str(note or "").split())
    if len(text) > 200:
        raise ValidationError({"note": ["说明不能超过 200 个字"]})
    proposal = _locked_open(proposal)
    proposal.status, proposal.decision_note = CaseStatus.DISMISSED, text
    proposal.decided_at, proposal.decided_by = timezone.now(), actor
    proposal.save(update_fields=["status", "decision_note", "decided_at", "decided_by"])
    audit.record(
        actor, "cases.dismiss", proposal, summary=f"典型案例不采用：{proposal}", after={"note": text}
    )
    return proposal
