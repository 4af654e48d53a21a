"""Subsidy pages: what a worker can apply for (and applying), the rule editor, applications for staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lingong.workers.access import own_worker

from . import subsidies
from .access import apply_errors, found, require_staff, served_worker
from .forms import FACT_CHOICES, OP_CHOICES, DecideForm, SubsidyKindForm, condition_rows, conditions_from_post
from .models import ApplicationStatus, SubsidyApplication, SubsidyKind
from .rules import FACTS, OP_LABELS, describe


@login_required
def mine(request):
    """我能申请的补贴: each subsidy, whether I qualify and why, what to bring, and my applications."""
    worker = own_worker(request)
    context = {"worker": worker, "rows": subsidies.eligibility_for(worker)}
    return render(request, "assistance/subsidies.html", context)


@login_required
@require_POST
def apply(request, kind: str):
    """The worker applies (no worker code) or staff apply for a worker they serve (?worker=CODE)."""
    subsidy = SubsidyKind.objects.filter(code=kind, active=True).first()
    if subsidy is None:
        raise Http404("没有这项补贴")
    code = request.POST.get("worker", "")
    worker = served_worker(request, code) if code else own_worker(request)
    try:
        application = subsidies.apply(
            actor=request.user, worker=worker, kind=subsidy, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已提交“{subsidy.name}”申请（编号 {application.code}），请带齐材料到站点")
    if code:
        return redirect("assistance:worker", code=worker.code)
    return redirect("assistance:subsidies")


@login_required
def rules(request):
    """The subsidy rules in plain words; the city office edits them."""
    require_staff(request)
    kinds = SubsidyKind.objects.all()
    rows = [(k, [describe(c) for c in k.conditions]) for k in kinds]
    return render(
        request, "assistance/rules.html", {"rows": rows, "can_edit": subsidies.may_edit_rules(request.user)}
    )


@login_required
def rule_edit(request, code: str | None = None):
    if not subsidies.may_edit_rules(request.user):
        raise PermissionDenied("只有市级管理员可以修改补贴规则")
    kind = found(SubsidyKind.objects.all(), code, "补贴") if code is not None else None
    initial: dict[str, object] = {"active": True, "sort": 0}
    if kind is not None:
        initial = {
            "code": kind.code,
            "name": kind.name,
            "category": kind.category,
            "summary": kind.summary,
            "amount_note": kind.amount_note,
            "basis": kind.basis,
            "materials": "\n".join(kind.materials),
            "active": kind.active,
            "sort": kind.sort,
        }
    form = SubsidyKindForm(request.POST or None, initial=initial)
    conditions = kind.conditions if kind is not None else []
    cond_errors: list[str] = []
    if request.method == "POST":
        conditions = conditions_from_post(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data, conditions=conditions)
            try:
                kind = subsidies.save_subsidy_kind(
                    actor=request.user, data=data, kind=kind, code=data.pop("code", "")
                )
            except ValidationError as exc:
                cond_errors = exc.message_dict.pop("conditions", [])
                apply_errors(form, ValidationError(exc.message_dict) if exc.message_dict else exc)
            else:
                messages.success(request, "已保存，新的规则立即生效")
                return redirect("assistance:rules")
    context = {
        "form": form,
        "kind": kind,
        "rows": condition_rows(conditions),
        "cond_errors": cond_errors,
        "facts": FACT_CHOICES,
        "ops": OP_CHOICES,
        "fact_help": [(code, f.label, "、".join(OP_LABELS[o] for o in f.ops)) for code, f in FACTS.items()],
    }
    return render(request, "assistance/rule_form.html", context)


@login_required
def applications(request):
    require_staff(request)
    status = request.GET.get("status", "live")
    qs = SubsidyApplication.objects.visible_to(request.user).select_related("worker", "kind", "station")
    if status == "live":
        qs = qs.filter(status__in=[ApplicationStatus.APPLIED, ApplicationStatus.REVIEWING])
    elif status in ApplicationStatus.values:
        qs = qs.filter(status=status)
    context = {
        "page": Paginator(qs, 30).get_page(request.GET.get("page")),
        "status": status,
        "statuses": [("live", "待处理"), *ApplicationStatus.choices, ("all", "全部")],
    }
    return render(request, "assistance/applications.html", context)


@login_required
def application_detail(request, code: str):
    application = found(
        SubsidyApplication.objects.visible_to(request.user).select_related("worker", "kind", "station"),
        code,
        "补贴申请",
    )
    can_decide = subsidies.may_decide(request.user, application)
    form = DecideForm(request.POST or None)
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied("只能审核本站点（本镇街）的补贴申请")
        if form.is_valid():
            d = form.cleaned_data
            try:
                subsidies.decide(
                    application, actor=request.user, to_status=d["status"], amount=d["amount"], note=d["note"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "已更新，已短信告知申请人")
                return redirect("assistance:application", code=application.code)
    context = {
        "application": application,
        "can_decide": can_decide and bool(application.next_statuses),
        "steps": [(s, ApplicationStatus(s).label) for s in application.next_statuses],
        "form": form,
        "is_self": application.worker.user_id == request.user.pk,
    }
    return render(request, "assistance/application.html", context)
