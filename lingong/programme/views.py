"""Programme pages: the overview per town and each station's construction and acceptance page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from lingong.lib.forms import error_messages
from lingong.places.models import Station, StationKind

from . import checklist, services
from .access import current_round, require_programme_user, station_for, towns_for
from .forms import AcceptForm, MilestoneForm, PlanForm, ReturnForm, TickForm
from .models import Milestone, Round, StationProgress
from .progress import COLUMNS, overdue_items, overview, phases_of, totals


@login_required
def overview_page(request):
    """Per town: stations by stage, overdue items, and the rule of one 零工市场 and one 就业驿站."""
    user = require_programme_user(request.user)
    rnd = current_round(request.GET.get("round"))
    today = timezone.localdate()
    rows = overview(towns_for(user), rnd, today)
    context = {
        "round": rnd,
        "rounds": Round.objects.all(),
        "phases": sorted(phases_of(rnd).values(), key=lambda p: p.seq),
        "rows": rows,
        "totals": totals(rows),
        "columns": COLUMNS,
        "kinds": StationKind.choices,
        "today": today,
        "city": user.is_city_admin,
    }
    return render(request, "programme/overview.html", context)


def _valid(form_class, post) -> dict:
    form = form_class(post)
    if not form.is_valid():
        raise ValidationError("；".join(str(e) for errs in form.errors.values() for e in errs))
    return form.cleaned_data


def _action(request, station) -> str:
    """Run one POSTed action through the services; returns the success message."""
    user, post = request.user, request.POST
    action = post.get("action", "")
    if action == "plan":
        kiosk = bool(post.get("kiosk_planned"))
        services.set_plan(station, actor=user, round_code=post.get("round") or None, kiosk_planned=kiosk)
        return "已保存建设计划"
    if action == "tick":
        item = _valid(TickForm, post)["item"]
        services.tick_item(station, actor=user, item=item, evidence=post.get("evidence"))
        return "已确认该验收项"
    if action == "untick":
        services.untick_item(station, actor=user, item=post.get("item", ""))
        return "已撤销该验收项"
    if action == "milestone":
        services.add_milestone(station, actor=user, **_valid(MilestoneForm, post))
        return "已新增里程碑"
    if action == "milestone_done":
        pk = post.get("milestone", "")
        milestone = get_object_or_404(Milestone, pk=int(pk) if pk.isdigit() else 0, progress__station=station)
        services.complete_milestone(milestone, actor=user)
        return "里程碑已标记完成"
    if action == "start_building":
        services.start_building(station, actor=user)
        return "站点已转入建设实施"
    if action == "town_accept":
        services.town_accept(station, actor=user, **_valid(AcceptForm, post))
        return "镇街验收已通过，等待市级验收"
    if action == "city_accept":
        services.city_accept(station, actor=user, **_valid(AcceptForm, post))
        return "市级验收已通过，站点已投入运营"
    if action == "return":
        services.return_to_town(station, actor=user, reason=_valid(ReturnForm, post)["reason"])
        return "已退回镇街整改"
    raise ValidationError("未知的操作")


@login_required
def station_page(request, code: str):
    """A station's phase, milestones, acceptance checklist and the two acceptances."""
    user = require_programme_user(request.user)
    station = station_for(user, code)
    station = Station.objects.select_related("town").prefetch_related("opening_hours").get(pk=station.pk)
    error = ""
    if request.method == "POST":
        try:
            message = _action(request, station)
        except ValidationError as exc:
            error = "；".join(m for msgs in error_messages(exc).values() for m in msgs)
        else:
            messages.success(request, message)
            return redirect("programme:station", code=station.code)
        station.refresh_from_db()
    progress = (
        StationProgress.objects.select_related("round", "town_accepted_by", "city_accepted_by")
        .filter(station=station)
        .first()
    )
    rnd = progress.round if progress else current_round()
    phases = phases_of(rnd)
    milestones = list(progress.milestones.select_related("done_by")) if progress else []
    states = checklist.evaluate(station, progress)
    today = timezone.localdate()
    town_accepted = bool(progress and progress.town_accepted_on)
    city_accepted = bool(progress and progress.city_accepted_on)
    context = {
        "station": station,
        "progress": progress,
        "round": rnd,
        "rounds": Round.objects.all(),
        "phases": sorted(phases.values(), key=lambda p: p.seq),
        "milestones": milestones,
        "states": states,
        "complete": checklist.is_complete(states),
        "missing": checklist.missing_labels(states),
        "overdue": overdue_items(station, progress, phases, today, milestones),
        "editable": not town_accepted,
        "can_start_building": station.status == "survey",
        "can_town_accept": station.town_id in user.admin_town_ids
        and not town_accepted
        and station.status in services.ACCEPTABLE,
        "can_city_accept": user.is_city_admin and town_accepted and not city_accepted,
        "plan_form": PlanForm(initial={"kiosk_planned": bool(progress and progress.kiosk_planned)}),
        "milestone_form": MilestoneForm(),
        "accept_form": AcceptForm(),
        "return_form": ReturnForm(),
        "error": error,
        "today": today,
    }
    return render(request, "programme/station.html", context, status=400 if error else 200)
