"""Assessment pages: the worker's own tests and results, the same tests run with staff at the station,
and the staff page for one worker (results, plan, subsidies)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from lingong.training.models import Referral
from lingong.training.recommend import recommend_courses
from lingong.workers.access import own_worker
from lingong.workers.models import Worker

from . import services
from .access import apply_errors, found, served_worker
from .forms import CategoriesForm, interest_form, skills_form
from .inventory import (
    MAX_SKILL_CATEGORIES,
    explain_interest,
    explain_skills,
    interest_items,
    skill_items_for,
)
from .models import Assessment, AssessmentKind, AssistancePlan, PlanStatus, SubsidyApplication
from .riasec import ORDER, TYPES
from .subsidies import eligibility_for
from .suggest import hint_from


@login_required
def assess(request):
    """职业测评: the two tests, the worker's past results, their plan and subsidies."""
    worker = own_worker(request)
    context = {
        "worker": worker,
        "results": Assessment.objects.filter(worker=worker)[:10],
        "plan": AssistancePlan.objects.filter(worker=worker, status=PlanStatus.ACTIVE).first(),
        "items": len(interest_items()),
    }
    return render(request, "assistance/assess.html", context)


def _interest(request, worker: Worker, *, assisted: bool):
    form = interest_form(request.POST or None, items=interest_items())
    if request.method == "POST" and form.is_valid():
        try:
            result = services.take_interest(actor=request.user, worker=worker, answers=form.answers())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if assisted:
                messages.success(request, "测评完成，已记入本站服务台账")
            return redirect("assistance:result", code=result.code)
    context = {"form": form, "worker": worker, "assisted": assisted, "total": len(form.items)}
    return render(request, "assistance/interest.html", context)


def _skills(request, worker: Worker, *, assisted: bool):
    chooser = CategoriesForm(request.GET or None)
    cats = chooser.cleaned_data["cats"] if chooser.is_valid() else []
    if len(cats) > MAX_SKILL_CATEGORIES:
        chooser.add_error("cats", f"一次最多选 {MAX_SKILL_CATEGORIES} 类活")
        cats = []
    if not cats:
        return render(
            request,
            "assistance/skills_choose.html",
            {"form": chooser, "worker": worker, "assisted": assisted},
        )
    form = skills_form(request.POST or None, items=skill_items_for(cats))
    if request.method == "POST" and form.is_valid():
        try:
            result = services.take_skills(
                actor=request.user, worker=worker, categories=cats, answers=form.answers()
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if assisted:
                messages.success(request, "自查完成，已记入本站服务台账")
            return redirect("assistance:result", code=result.code)
    context = {"form": form, "worker": worker, "assisted": assisted, "cats": cats, "total": len(form.items)}
    return render(request, "assistance/skills.html", context)


@login_required
def interest(request):
    return _interest(request, own_worker(request), assisted=False)


@login_required
def assisted_interest(request, code: str):
    return _interest(request, served_worker(request, code), assisted=True)


@login_required
def skills(request):
    return _skills(request, own_worker(request), assisted=False)


@login_required
def assisted_skills(request, code: str):
    return _skills(request, served_worker(request, code), assisted=True)


@login_required
def result(request, code: str):
    """One result explained in plain words, with the occupations and courses it suggests."""
    assessment = found(
        Assessment.objects.visible_to(request.user).select_related("worker__home_town", "worker__station"),
        code,
        "测评结果",
    )
    worker = assessment.worker
    if assessment.kind == AssessmentKind.INTEREST:
        lines = explain_interest(assessment.scores, assessment.summary)
        bars = [(TYPES[t].name, assessment.scores.get(t, 0), 10) for t in ORDER]
    else:
        lines = explain_skills(assessment.scores)
        bars = [(c, s, 100) for c, s in assessment.scores.items()]
    context = {
        "assessment": assessment,
        "worker": worker,
        "is_self": worker.user_id == request.user.pk,
        "lines": lines,
        "bars": bars,
        "recs": recommend_courses(worker, limit=4, hint=hint_from([assessment])),
    }
    return render(request, "assistance/result.html", context)


@login_required
def worker_hub(request, code: str):
    """Staff: one worker's tests, assistance plan, subsidies and training, with the actions for each."""
    worker = served_worker(request, code)
    plans = AssistancePlan.objects.filter(worker=worker).select_related("coordinator")
    context = {
        "worker": worker,
        "results": Assessment.objects.filter(worker=worker)[:10],
        "plans": plans,
        "active_plan": next((p for p in plans if p.is_active), None),
        "eligibility": eligibility_for(worker),
        "applications": SubsidyApplication.objects.filter(worker=worker).select_related("kind"),
        "referrals": Referral.objects.filter(worker=worker).select_related("course")[:10],
        "plan_url": reverse("assistance:plan_new", args=[worker.code]),
    }
    return render(request, "assistance/worker.html", context)
