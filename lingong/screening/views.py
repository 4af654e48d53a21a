"""Screening pages: the live check (htmx partial for the gig form), and the rules page for city admins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import services
from .engine import ScreenResult, screen
from .forms import DESCRIPTION_MAX, TITLE_MAX, CheckForm, RuleForm
from .models import Category, ScreeningRule

MAX_Q = 50


def _require_manager(user) -> None:
    if not services.can_manage_rules(user):
        raise PermissionDenied("只有市级管理员可以维护岗位审查规则")


def _apply_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        for msg in exc.messages:
            form.add_error(None, msg)
        return
    for field, msgs in exc.message_dict.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def _screen_posted(request) -> tuple[CheckForm, ScreenResult, list[str]]:
    """Screen what was posted. Input the form refuses (too long, a pay that is not a number) is reported
    in the partial; what can be screened still is, so the employer sees every problem while typing."""
    form = CheckForm(request.POST)
    notes: list[str] = []
    if form.is_valid():
        data = form.cleaned_data
    else:
        notes = [f"{form.fields[f].label}：{e}" for f, errs in form.errors.items() for e in errs]
        data = {
            "title": (request.POST.get("title") or "")[:TITLE_MAX],
            "description": (request.POST.get("description") or "")[:DESCRIPTION_MAX],
            "pay_amount": form.cleaned_data.get("pay_amount"),
            "pay_unit": form.cleaned_data.get("pay_unit"),
        }
    result = screen(
        title=data["title"],
        description=data["description"],
        pay_amount=data.get("pay_amount"),
        pay_unit=data.get("pay_unit") or None,
    )
    return form, result, notes


@login_required
def check(request):
    """The live check: POST title, description, pay_amount, pay_unit → the findings partial (htmx), or
    a page with a form and the findings (without scripts, or opened directly)."""
    context: dict = {"checked": False}
    if request.method == "POST":
        form, result, notes = _screen_posted(request)
        context.update(form=form, result=result, notes=notes, checked=True)
        if request.htmx:
            return render(request, "screening/_findings.html", context)
    else:
        context["form"] = CheckForm()
    return render(request, "screening/check.html", context)


@login_required
def rules(request):
    """City admins: list, filter and add rules; a try-it box screens sample text with the active rules."""
    _require_manager(request.user)
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.add_rule(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"已添加并立即生效：{rule.name}")
            return redirect("screening:rules")
    q = (request.GET.get("q") or "").strip()[:MAX_Q]
    show = request.GET.get("show", "all")
    category = request.GET.get("category", "")
    rows = ScreeningRule.objects.select_related("created_by")
    if show == "active":
        rows = rows.filter(active=True)
    elif show == "inactive":
        rows = rows.filter(active=False)
    if category in Category.values:
        rows = rows.filter(category=category)
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(pattern__contains=q) | Q(message__contains=q))
    context = {
        "form": form,
        "try_form": CheckForm(),
        "page": Paginator(rows.order_by("sort", "category", "code"), 50).get_page(request.GET.get("page")),
        "q": q,
        "show": show,
        "category": category,
        "categories": Category.choices,
    }
    return render(request, "screening/rules.html", context)


@login_required
def rule_edit(request, code: str):
    """Edit a rule an admin added; a built-in rule is shown read-only (it can only be switched off)."""
    _require_manager(request.user)
    rule = get_object_or_404(ScreeningRule.objects.select_related("created_by"), code=code)
    form = RuleForm(request.POST or None, rule=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_rule(actor=request.user, code=rule.code, data=form.service_data())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"已保存并立即生效：{form.cleaned_data['name']}")
            return redirect("screening:rules")
    return render(request, "screening/rule_form.html", {"form": form, "rule": rule})


@login_required
@require_POST
def rule_toggle(request, code: str):
    _require_manager(request.user)
    active = request.POST.get("active") == "1"
    try:
        rule = services.set_rule_active(actor=request.user, code=code, active=active)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已{'启用' if active else '停用'}：{rule.name}")
    return redirect("screening:rules")


@login_required
@require_POST
def rule_try(request):
    """The rules page's try-it box: screen sample text with the active rules, naming the rule behind
    each finding."""
    _require_manager(request.user)
    form, result, notes = _screen_posted(request)
    context = {"form": form, "result": result, "notes": notes, "checked": True, "show_rule": True}
    if request.htmx:
        return render(request, "screening/_findings.html", context)
    return render(request, "screening/check.html", context)
