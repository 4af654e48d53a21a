"""Writes for assessments and individual assistance plans (subsidies are in subsidies.py).

Every function checks who may do it, validates everything first, saves in one transaction with an audit
entry, and adds a ledger line for what staff did at the station: an assisted assessment (职业能力测评)
and each finished plan item (the service it stands for).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.lib.codes import new_code
from lingong.places.models import Station
from lingong.training.recommend import home_area
from lingong.training.services import serves
from lingong.training.shortage import shortage_map
from lingong.training.station_ledger import add_line, ledger_station
from lingong.workers.models import Worker, WorkerStatus

from . import notices
from .inventory import INTEREST_VERSION, SKILLS_VERSION, score_interest, score_skills
from .models import (
    ITEM_LEDGER_SERVICE,
    Assessment,
    AssessmentKind,
    AssistancePlan,
    ContactWay,
    FollowUp,
    ItemKind,
    ItemStatus,
    Outcome,
    PlanItem,
    PlanStatus,
)
from .suggest import interest_suggestions, skills_suggestions

FIRST_FOLLOWUP_DAYS = 7
FOLLOWUP_DAYS = 14
MAX_FOLLOWUP_GAP = 90
MAX_ITEMS = 10
PLAN_HORIZON_DAYS = 365
BACKDATE_DAYS = 30
# The usual order of service for a hardship worker (P-16): guidance, training, one-to-one matching, and a
# public welfare post for those the market cannot place. (kind, days from today)
DEFAULT_ITEMS = [
    (ItemKind.GUIDANCE, 7),
    (ItemKind.TRAINING, 30),
    (ItemKind.ONE_TO_ONE, 45),
    (ItemKind.PUBLIC_WELFARE, 75),
]


# --- assessments -----------------------------------------------------------------------------------


def _check_taker(actor: User, worker: Worker) -> bool:
    """True when staff run the test with the worker (assisted); False when the worker takes it alone."""
    if worker.status != WorkerStatus.ACTIVE:
        raise ValidationError({"worker": ["该求职者已注销"]})
    if worker.user_id == actor.pk:
        return False
    if serves(actor, worker):
        return True
    raise PermissionDenied("只能为本站点（本镇街）的求职者做测评")


def _save_assessment(
    *, actor: User, worker: Worker, kind: str, station: Station | None, assisted: bool, **values: Any
) -> Assessment:
    where = ledger_station(actor, worker, station) if assisted else None
    assessment = Assessment.objects.create(
        code=new_code("AS"),
        worker=worker,
        kind=kind,
        taken_at=timezone.now(),
        assisted_by=actor if assisted else None,
        station=where,
        **values,
    )
    label = AssessmentKind(kind).label
    audit.record(
        actor,
        f"assessment.{kind}",
        assessment,
        summary=f"{label}：{assessment.summary}" + ("（站点陪同完成）" if assisted else ""),
    )
    if assisted:
        add_line(
            actor=actor,
            worker=worker,
            service="assessment",
            source="assessment",
            ref=assessment.code,
            notes=f"{label}：{assessment.summary}",
            station=where,
        )
    return assessment


@transaction.atomic
def take_interest(
    *, actor: User, worker: Worker, answers: dict, station: Station | None = None
) -> Assessment:
    """Score the interest inventory, store the result with its suggestions. Staff: assisted, ledger line."""
    assisted = _check_taker(actor, worker)
    result = score_interest(answers)
    town = home_area(worker)
    suggestions = interest_suggestions(result.scores, result.code, shortage_codes=set(shortage_map(town)))
    return _save_assessment(
        actor=actor,
        worker=worker,
        kind=AssessmentKind.INTEREST,
        station=station,
        assisted=assisted,
        version=INTEREST_VERSION,
        answers=result.answers,
        scores=result.scores,
        summary=result.code,
        suggestions=suggestions,
    )


@transaction.atomic
def take_skills(
    *, actor: User, worker: Worker, categories: list[str], answers: dict, station: Station | None = None
) -> Assessment:
    """Score the skills self-check for the chosen categories and store it."""
    assisted = _check_taker(actor, worker)
    result = score_skills(categories, answers)
    summary = "、".join(result.strong) or "还需多学"
    return _save_assessment(
        actor=actor,
        worker=worker,
        kind=AssessmentKind.SKILLS,
        station=station,
        assisted=assisted,
        version=SKILLS_VERSION,
        answers=result.answers,
        scores=result.scores,
        summary=summary[:60],
        suggestions=skills_suggestions(result.scores),
    )


# --- assistance plans --------------------------------------------------------------------------------


def may_handle_plan(user: User | None, plan: AssistancePlan) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_back_office
        and (
            plan.coordinator_id == user.pk
            or AssistancePlan.objects.visible_to(user).filter(pk=plan.pk).exists()
        )
    )


def _clean_items(items: list[dict[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    errors: list[str] = []
    cleaned = []
    for n, item in enumerate(items, start=1):
        kind, due, note = item.get("kind"), item.get("due_on"), str(item.get("note") or "").strip()
        if kind not in ItemKind.values:
            errors.append(f"第 {n} 项：请选择服务项目")
            continue
        if not isinstance(due, dt.date):
            errors.append(f"第 {n} 项：请填写计划完成日期")
            continue
        if due < today or due > today + dt.timedelta(days=PLAN_HORIZON_DAYS):
            errors.append(f"第 {n} 项：计划完成日期应在今天到一年以内")
            continue
        if len(note) > 200:
            errors.append(f"第 {n} 项：具体安排最多 200 个字")
            continue
        cleaned.append({"kind": kind, "due_on": due, "note": note})
    if errors:
        raise ValidationError({"items": errors})
    if not cleaned:
        raise ValidationError({"items": ["请至少安排一项服务"]})
    if len(cleaned) > MAX_ITEMS:
        raise ValidationError({"items": [f"最多安排 {MAX_ITEMS} 项服务"]})
    return cleaned


@transaction.atomic
def open_plan(
    *,
    actor: User,
    worker: Worker,
    goal: str,
    items: list[dict[str, Any]],
    coordinator: User | None = None,
    today: dt.date | None = None,
) -> AssistancePlan:
    """A plan for a tier-2/3 worker the actor serves; the worker is told who is responsible."""
    today = today or timezone.localdate()
    if not serves(actor, worker):
        raise PermissionDenied("只能为本站点（本镇街）的求职者建立帮扶计划")
    if worker.tier < 2:
        raise ValidationError({"worker": ["个性化就业援助面向重点服务、援助服务（二、三级）的求职者"]})
    errors: dict[str, list[str]] = {}
    goal = (goal or "").strip()
    if not 2 <= len(goal) <= 200:
        errors["goal"] = ["请用一句话写明帮扶目标（2–200 个字），如：三个月内在家附近找到稳定的保洁工作"]
    coordinator = coordinator or actor
    if not serves(coordinator, worker):
        errors["coordinator"] = ["负责人应是该求职者所在站点的协理员或本镇街的工作人员"]
    station = worker.station or ledger_station(actor, worker)
    if station is None:
        errors["worker"] = ["该求职者还没有服务站点，请先在资料里指定站点"]
    try:
        cleaned = _clean_items(items, today)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if AssistancePlan.objects.filter(worker=worker, status=PlanStatus.ACTIVE).exists():
        errors["worker"] = ["该求职者已有进行中的帮扶计划"]
    if errors:
        raise ValidationError(errors)
    assert station is not None
    plan = AssistancePlan(
        code=new_code("AP"),
        worker=worker,
        coordinator=coordinator,
        station=station,
        goal=goal,
        opened_at=timezone.now(),
        opened_by=actor,
        next_followup_on=today + dt.timedelta(days=FIRST_FOLLOWUP_DAYS),
    )
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise ValidationError({"worker": ["该求职者已有进行中的帮扶计划"]}) from None
    PlanItem.objects.bulk_create(
        PlanItem(plan=plan, seq=n, **item) for n, item in enumerate(cleaned, start=1)
    )
    steps = " → ".join(ItemKind(i["kind"]).label for i in cleaned)
    audit.record(actor, "assistance.plan.open", plan, summary=f"建立帮扶计划：{steps}")
    notices.send(
        worker,
        template="assistance_plan_opened",
        params={
            "station": station.name,
            "coordinator": str(coordinator),
            "phone": station.phone or "见站点页面",
        },
        key=f"assistance:{plan.code}:opened",
    )
    return plan


def _active_plan(plan: AssistancePlan, actor: User) -> AssistancePlan:
    plan = (
        AssistancePlan.objects.select_for_update(of=("self",))
        .select_related("worker__user", "station")
        .get(pk=plan.pk)
    )
    if not may_handle_plan(actor, plan):
        raise PermissionDenied("只能处理本站点（本镇街）的帮扶计划")
    if not plan.is_active:
        raise ValidationError({"plan": ["帮扶计划已结束"]})
    return plan


@transaction.atomic
def add_item(plan: AssistancePlan, *, actor: User, kind: str, due_on: Any, note: str = "") -> PlanItem:
    plan = _active_plan(plan, actor)
    cleaned = _clean_items([{"kind": kind, "due_on": due_on, "note": note}], timezone.localdate())[0]
    if plan.items.count() >= MAX_ITEMS:
        raise ValidationError({"items": [f"最多安排 {MAX_ITEMS} 项服务"]})
    seq = (plan.items.aggregate(m=Max("seq"))["m"] or 0) + 1
    item = PlanItem.objects.create(plan=plan, seq=seq, **cleaned)
    audit.record(actor, "assistance.item.add", plan, summary=f"增加服务项目：{item}")
    return item


@transaction.atomic
def finish_item(item: PlanItem, *, actor: User, status: str, note: str = "") -> PlanItem:
    """Mark a step done (a ledger line for the service it stands for) or not needed."""
    plan = _active_plan(item.plan, actor)
    item = PlanItem.objects.select_for_update(of=("self",)).get(pk=item.pk, plan=plan)
    if item.status != ItemStatus.TODO:
        raise ValidationError({"status": ["该项已处理"]})
    if status not in (ItemStatus.DONE, ItemStatus.SKIPPED):
        raise ValidationError({"status": ["请选择“已完成”或“不需要”"]})
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError({"note": ["完成情况最多 200 个字"]})
    item.status, item.result_note = status, note
    item.done_at, item.done_by = timezone.now(), actor
    item.save(update_fields=["status", "result_note", "done_at", "done_by"])
    audit.record(actor, "assistance.item.finish", plan, summary=f"{item}：{item.get_status_display()}")
    if status == ItemStatus.DONE:
        add_line(
            actor=actor,
            worker=plan.worker,
            service=ITEM_LEDGER_SERVICE[ItemKind(item.kind)],
            source="assistance",
            ref=f"{plan.code}-{item.seq}",
            notes=f"就业援助：{item.get_kind_display()}" + (f"，{note}" if note else ""),
            station=plan.station,
        )
    return item


@transaction.atomic
def record_followup(
    plan: AssistancePlan,
    *,
    actor: User,
    on: Any,
    way: str,
    note: str,
    next_due_on: Any = None,
    today: dt.date | None = None,
) -> FollowUp:
    """A contact with the worker; the next follow-up falls due FOLLOWUP_DAYS later unless given."""
    today = today or timezone.localdate()
    plan = _active_plan(plan, actor)
    errors: dict[str, list[str]] = {}
    if not isinstance(on, dt.date):
        errors["on"] = ["请填写联系日期"]
    elif on > today or on < today - dt.timedelta(days=BACKDATE_DAYS):
        errors["on"] = [f"联系日期应在最近 {BACKDATE_DAYS} 天内，不能是将来"]
    if way not in ContactWay.values:
        errors["way"] = ["请选择联系方式"]
    note = (note or "").strip()
    if not 2 <= len(note) <= 300:
        errors["note"] = ["请写明联系情况（2–300 个字）"]
    if isinstance(on, dt.date) and "on" not in errors:
        next_due_on = next_due_on or on + dt.timedelta(days=FOLLOWUP_DAYS)
        if not isinstance(next_due_on, dt.date) or not (
            on < next_due_on <= on + dt.timedelta(days=MAX_FOLLOWUP_GAP)
        ):
            errors["next_due_on"] = [f"下次跟进日期应在联系日期之后 {MAX_FOLLOWUP_GAP} 天以内"]
    if errors:
        raise ValidationError(errors)
    followup = FollowUp.objects.create(
        plan=plan, on=on, way=way, note=note, next_due_on=next_due_on, by=actor
    )
    plan.next_followup_on = next_due_on
    plan.save(update_fields=["next_followup_on"])
    audit.record(
        actor, "assistance.followup", plan, summary=f"跟进（{followup.get_way_display()}）：{note[:60]}"
    )
    return followup


@transaction.atomic
def close_plan(plan: AssistancePlan, *, actor: User, outcome: str, note: str = "") -> AssistancePlan:
    plan = _active_plan(plan, actor)
    note = (note or "").strip()
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": ["请选择帮扶结果"]})
    if outcome == Outcome.OTHER and len(note) < 2:
        raise ValidationError({"outcome_note": ["选择“其他”时请写明结果"]})
    if len(note) > 200:
        raise ValidationError({"outcome_note": ["结果说明最多 200 个字"]})
    plan.status, plan.outcome, plan.outcome_note = PlanStatus.CLOSED, outcome, note
    plan.closed_at, plan.closed_by, plan.next_followup_on = timezone.now(), actor, None
    plan.save(
        update_fields=["status", "outcome", "outcome_note", "closed_at", "closed_by", "next_followup_on"]
    )
    audit.record(actor, "assistance.plan.close", plan, summary=f"结束帮扶计划：{plan.get_outcome_display()}")
    notices.send(
        plan.worker,
        template="assistance_plan_closed",
        params={"outcome": plan.get_outcome_display()},
        key=f"assistance:{plan.code}:closed",
    )
    return plan


# --- the coordinator's to-do list -------------------------------------------------------------------


@dataclass(frozen=True)
class Todo:
    plan: AssistancePlan
    what: str
    due_on: dt.date
    days_late: int


def todo_for(user: User, today: dt.date | None = None, *, limit: int = 200) -> list[Todo]:
    """Follow-ups and plan steps due today or overdue, in the user's scope; most overdue first.

    A coordinator sees the plans they are responsible for and those of their stations; a town admin
    their town's; a city admin all.
    """
    today = today or timezone.localdate()
    plans = AssistancePlan.objects.visible_to(user) | AssistancePlan.objects.filter(coordinator=user)
    active = plans.filter(status=PlanStatus.ACTIVE).distinct()
    rows: list[Todo] = []
    for plan in active.filter(next_followup_on__lte=today).select_related("worker", "coordinator")[:limit]:
        assert plan.next_followup_on is not None
        rows.append(Todo(plan, "回访跟进", plan.next_followup_on, (today - plan.next_followup_on).days))
    items = (
        PlanItem.objects.filter(plan__in=active, status=ItemStatus.TODO, due_on__lte=today)
        .select_related("plan__worker", "plan__coordinator")
        .order_by("due_on")[:limit]
    )
    rows += [Todo(i.plan, i.get_kind_display(), i.due_on, (today - i.due_on).days) for i in items]
    rows.sort(key=lambda t: (-t.days_late, t.plan.code))
    return rows[:limit]
