"""Individual assistance plan pages: open a plan, work on it (steps, follow-ups, close), the to-do list."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from lingong.accounts.models import Membership, Role, User
from lingong.rights.views_referrals import referral_action, referral_section

from . import services
from .access import apply_errors, found, require_staff, served_worker
from .forms import PLAN_ROWS, AddItemForm, CloseForm, FinishItemForm, FollowUpForm, plan_items_from_post
from .models import AssistancePlan, ItemKind, PlanStatus


def _coordinator_choices(worker, actor) -> list[User]:
    """People who could be responsible: the actor, the worker's station's coordinators, the town admins."""
    station = worker.station
    scope = Q(role=Role.COORDINATOR, station=station) if station else Q(pk__in=[])
    if station is not None:
        scope |= Q(role=Role.TOWN_ADMIN, town_id=station.town_id)
    users = {m.user for m in Membership.objects.active().filter(scope).select_related("user")}
    users.add(actor)
    return sorted(users, key=lambda u: (u.pk != actor.pk, str(u)))


@login_required
def plan_new(request, code: str):
    worker = served_worker(request, code)
    today = timezone.localdate()
    people = _coordinator_choices(worker, request.user)
    errors: list[str] = []
    if request.method == "POST":
        chosen = next((u for u in people if str(u.pk) == request.POST.get("coordinator")), request.user)
        try:
            plan = services.open_plan(
                actor=request.user,
                worker=worker,
                goal=request.POST.get("goal", ""),
                items=plan_items_from_post(request.POST),
                coordinator=chosen,
            )
        except ValidationError as exc:
            errors = [m for msgs in exc.message_dict.values() for m in msgs]
        else:
            messages.success(request, "已建立帮扶计划，已短信告知本人")
            return redirect("assistance:plan", code=plan.code)
    rows = []
    for n in range(PLAN_ROWS):
        kind, days = services.DEFAULT_ITEMS[n] if n < len(services.DEFAULT_ITEMS) else ("", 0)
        if request.method == "POST":
            kind = request.POST.get(f"item-{n}-kind", "")
        due = request.POST.get(f"item-{n}-due") if request.method == "POST" else None
        rows.append(
            {
                "n": n,
                "kind": kind,
                "due": due or ((today + dt.timedelta(days=days)).isoformat() if kind else ""),
                "note": request.POST.get(f"item-{n}-note", "") if request.method == "POST" else "",
            }
        )
    context = {
        "worker": worker,
        "people": people,
        "rows": rows,
        "kinds": ItemKind.choices,
        "errors": errors,
        "goal": request.POST.get("goal", ""),
    }
    return render(request, "assistance/plan_new.html", context)


@login_required
def plan_detail(request, code: str):
    """The plan: its steps in order, contacts, outcome. Staff in scope act on it; the worker reads it."""
    plan = found(
        AssistancePlan.objects.visible_to(request.user)
        | AssistancePlan.objects.filter(coordinator_id=request.user.pk),
        code,
        "帮扶计划",
    )
    can_handle = services.may_handle_plan(request.user, plan)
    # Referrals to other departments (rights app): handled there, shown here.
    referrals = referral_section(
        request, plan, can_handle=can_handle, page_url=reverse("assistance:plan", args=[plan.code])
    )
    if referrals.response is not None:
        return referrals.response
    followup_form = FollowUpForm(prefix="f")
    add_form = AddItemForm(prefix="a")
    close_form = CloseForm(prefix="c")
    if request.method == "POST" and not referral_action(request):
        if not can_handle:
            raise PermissionDenied("只能处理本站点（本镇街）的帮扶计划")
        action = request.POST.get("action")
        try:
            if action == "followup":
                followup_form = FollowUpForm(request.POST, prefix="f")
                if followup_form.is_valid():
                    d = followup_form.cleaned_data
                    services.record_followup(
                        plan,
                        actor=request.user,
                        on=d["on"],
                        way=d["way"],
                        note=d["note"],
                        next_due_on=d["next_due_on"],
                    )
                    messages.success(request, "已记录跟进")
                    return redirect("assistance:plan", code=plan.code)
            elif action == "finish":
                finish = FinishItemForm(request.POST)
                if not finish.is_valid():
                    raise ValidationError("请选择要处理的服务项目")
                item = plan.items.filter(seq=finish.cleaned_data["item"]).first()
                if item is None:
                    raise ValidationError("没有这个服务项目")
                services.finish_item(
                    item,
                    actor=request.user,
                    status=finish.cleaned_data["status"],
                    note=finish.cleaned_data["note"],
                )
                messages.success(request, "已更新服务项目")
                return redirect("assistance:plan", code=plan.code)
            elif action == "add":
                add_form = AddItemForm(request.POST, prefix="a")
                if add_form.is_valid():
                    services.add_item(plan, actor=request.user, **add_form.cleaned_data)
                    messages.success(request, "已增加服务项目")
                    return redirect("assistance:plan", code=plan.code)
            elif action == "close":
                close_form = CloseForm(request.POST, prefix="c")
                if close_form.is_valid():
                    d = close_form.cleaned_data
                    services.close_plan(
                        plan, actor=request.user, outcome=d["outcome"], note=d["outcome_note"]
                    )
                    messages.success(request, "帮扶计划已结束")
                    return redirect("assistance:plan", code=plan.code)
        except ValidationError as exc:
            target = {"followup": followup_form, "add": add_form, "close": close_form}.get(action)
            if target is not None:
                apply_errors(target, exc)
            else:
                messages.error(request, "；".join(exc.messages))
    today = timezone.localdate()
    context = {
        "plan": plan,
        "worker": plan.worker,
        "items": plan.items.select_related("done_by"),
        "followups": plan.followups.select_related("by"),
        "can_handle": can_handle and plan.status == PlanStatus.ACTIVE,
        "is_self": plan.worker.user_id == request.user.pk,
        "overdue": plan.next_followup_on is not None and plan.next_followup_on < today,
        "today": today,
        "followup_form": followup_form,
        "add_form": add_form,
        "close_form": close_form,
        **referrals.context,
    }
    return render(request, "assistance/plan.html", context, status=referrals.status)


@login_required
def todo(request):
    """帮扶待办: follow-ups and plan steps that are due today or overdue, most overdue first."""
    require_staff(request)
    today = timezone.localdate()
    rows = services.todo_for(request.user, today)
    plans = (
        (
            AssistancePlan.objects.visible_to(request.user)
            | AssistancePlan.objects.filter(coordinator=request.user)
        )
        .filter(status=PlanStatus.ACTIVE)
        .distinct()
        .select_related("worker", "coordinator")
        .order_by("next_followup_on")[:100]
    )
    return render(request, "assistance/todo.html", {"rows": rows, "plans": plans, "today": today})
