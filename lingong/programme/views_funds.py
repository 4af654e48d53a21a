"""Funds pages: budget versus actual (table, chart, Excel), a town's funds, expenditures with vouchers,
and budget adjustments."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from lingong.lib.excel import xlsx_response
from lingong.lib.forms import apply_errors, error_messages

from . import funds
from .access import budget_for, check_town, current_round, require_programme_user, towns_for
from .budget import (
    EXPENDITURE_HEADERS,
    SUMMARY_HEADERS,
    expenditure_rows,
    figures_for,
    summary_rows,
)
from .forms import (
    AdjustmentForm,
    AllocationForm,
    CoFundingForm,
    DecisionForm,
    ExpenditureForm,
    VoidForm,
    VoucherForm,
)
from .models import PLAN_CATEGORIES, BudgetAdjustment, Category, Expenditure, Round, TownBudget
from .money import wan_float

ALERT_LEVELS = {"danger": messages.ERROR, "warning": messages.WARNING, "info": messages.INFO}


def _budgets(user, rnd: Round):
    return TownBudget.objects.filter(round=rnd, town__in=towns_for(user)).select_related("town", "round")


@login_required
def funds_page(request):
    """Budget versus actual per town and category; ?format=xlsx for the finance office."""
    user = require_programme_user(request.user)
    rnd = current_round(request.GET.get("round"))
    figs = figures_for(_budgets(user, rnd))
    today = timezone.localdate()
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"零工市场及就业驿站建设资金执行情况-{rnd.code}-{today:%Y%m%d}.xlsx",
            "预算执行情况",
            SUMMARY_HEADERS,
            summary_rows(figs),
        )
    chart = {
        "towns": [f.town.short for f in figs],
        "budget": [wan_float(f.effective) for f in figs],
        "spent": [wan_float(f.spent_city) for f in figs],
        "co_spent": [wan_float(f.spent_town) for f in figs],
    }
    totals = {
        "plan": sum(f.budget.plan_amount for f in figs),
        "effective": sum(f.effective for f in figs),
        "spent": sum(f.spent_city for f in figs),
        "co_funding": sum(f.budget.co_funding for f in figs),
        "co_spent": sum(f.spent_town for f in figs),
        "remaining": sum(f.remaining for f in figs),
        "by_category": [sum(f.city_by_category.get(c, 0) for f in figs) for c in Category.values],
    }
    context = {
        "round": rnd,
        "rounds": Round.objects.all(),
        "figs": figs,
        "totals": totals,
        "chart": chart,
        "categories": Category.choices,
        "plan_categories": [Category(c).label for c in PLAN_CATEGORIES],
        "alerts": [(f, a) for f in figs for a in f.alerts if a.level != "info"],
        "city": user.is_city_admin,
        "missing_budgets": not figs,
    }
    return render(request, "programme/funds.html", context)


@login_required
def town_funds(request, town_code: str):
    """One town: alerts, categories (allocation and spending), co-funding, expenditures, adjustments."""
    user = require_programme_user(request.user)
    rnd = current_round(request.GET.get("round"))
    budget = budget_for(user, rnd, town_code)
    alloc_form = AllocationForm(prefix="alloc")
    co_form = CoFundingForm(
        initial={"co_funding": budget.co_funding, "co_funding_note": budget.co_funding_note}
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "allocations":
                alloc_form = AllocationForm(request.POST, prefix="alloc")
                alloc_form.is_valid()
                funds.set_allocations(budget, actor=user, amounts=dict(alloc_form.cleaned_data))
                messages.success(request, "已保存资金分配")
            elif action == "co_funding":
                co_form = CoFundingForm(request.POST)
                if not co_form.is_valid():
                    raise ValidationError("请填写配套资金金额")
                funds.set_co_funding(
                    budget,
                    actor=user,
                    amount=co_form.cleaned_data["co_funding"],
                    note=co_form.cleaned_data["co_funding_note"],
                )
                messages.success(request, "已保存镇街配套资金")
            else:
                raise ValidationError("未知的操作")
        except ValidationError as exc:
            form = alloc_form if action == "allocations" else co_form
            apply_errors(form, exc)
            status = 400
        else:
            return redirect("programme:town_funds", town_code=town_code)
    fig = figures_for([budget])[0]
    if not alloc_form.is_bound:
        alloc_form = AllocationForm(prefix="alloc", initial={c: a for c, a in fig.allocations.items()})
    categories = [
        {
            "code": c,
            "label": label,
            "in_plan": c in PLAN_CATEGORIES,
            "allocation": fig.allocations.get(c),
            "city": fig.city_by_category.get(c, 0),
            "town": fig.town_by_category.get(c, 0),
        }
        for c, label in Category.choices
    ]
    context = {
        "round": rnd,
        "budget": budget,
        "fig": fig,
        "categories": categories,
        "expenditures": budget.expenditures.select_related("station", "recorded_by", "budget__town"),
        "adjustments": budget.adjustments.select_related("requested_by", "decided_by"),
        "alloc_form": alloc_form,
        "co_form": co_form,
    }
    return render(request, "programme/town_funds.html", context, status=status)


@login_required
def expenditure_list(request):
    """Every expenditure in scope (voided ones apart); ?format=xlsx with a 合计 row."""
    user = require_programme_user(request.user)
    rnd = current_round(request.GET.get("round"))
    qs = (
        Expenditure.objects.live()
        .filter(budget__round=rnd, budget__town__in=towns_for(user))
        .select_related("budget__town", "station", "recorded_by")
        .order_by("spent_on", "id")
    )
    town = request.GET.get("town", "")
    if town:
        qs = qs.filter(budget__town__code=town)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"零工市场及就业驿站建设资金支出明细-{rnd.code}-{timezone.localdate():%Y%m%d}.xlsx",
            "支出明细",
            EXPENDITURE_HEADERS,
            expenditure_rows(qs),
        )
    return redirect("programme:funds")


def _town_alert_messages(request, budget: TownBudget) -> None:
    for alert in figures_for([budget])[0].alerts:
        messages.add_message(request, ALERT_LEVELS[alert.level], f"资金预警：{alert.text}")


@login_required
def expenditure_new(request):
    user = require_programme_user(request.user)
    rnd = current_round(request.GET.get("round"))
    towns = towns_for(user)
    form = ExpenditureForm(request.POST or None, request.FILES or None, towns=towns)
    if not form.is_bound and request.GET.get("town"):
        form.initial["town"] = towns.filter(code=request.GET["town"]).first()
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            budget = budget_for(user, rnd, form.cleaned_data["town"].code)
            try:
                expenditure = funds.record_expenditure(
                    budget, actor=user, data=form.service_data(), voucher=form.cleaned_data.get("voucher")
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已录入支出 {expenditure.amount:,.2f} 元")
                _town_alert_messages(request, budget)
                return redirect("programme:expenditure", code=expenditure.code)
    context = {"form": form, "round": rnd, "equipment_items": funds.EQUIPMENT_ITEMS}
    return render(request, "programme/expenditure_form.html", context, status=status)


def _expenditure_for(user, code: str) -> Expenditure:
    expenditure = (
        Expenditure.objects.select_related(
            "budget__town", "budget__round", "station", "recorded_by", "voided_by"
        )
        .filter(code=code)
        .first()
    )
    if expenditure is None:
        raise Http404("找不到该支出记录")
    check_town(user, expenditure.budget.town_id, "查看")
    return expenditure


@login_required
def expenditure_detail(request, code: str):
    user = require_programme_user(request.user)
    expenditure = _expenditure_for(user, code)
    voucher_form: forms.Form = VoucherForm()
    void_form: forms.Form = VoidForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        # The services check the input; the forms only carry their messages back to the page.
        form = VoucherForm(request.POST, request.FILES) if action == "voucher" else VoidForm(request.POST)
        form.full_clean()
        form.errors.clear()
        if action == "voucher":
            voucher_form = form
        else:
            void_form = form
        try:
            if action == "voucher":
                funds.attach_voucher(expenditure, actor=user, upload=request.FILES.get("voucher"))
                messages.success(request, "凭证已上传")
            elif action == "void":
                funds.void_expenditure(expenditure, actor=user, reason=request.POST.get("reason"))
                messages.success(request, "该支出已作废")
            else:
                raise ValidationError("未知的操作")
        except ValidationError as exc:
            apply_errors(form, exc)
            status = 400
        else:
            return redirect("programme:expenditure", code=expenditure.code)
    fig = figures_for([expenditure.budget])[0]
    context = {
        "e": expenditure,
        "fig": fig,
        "voucher_form": voucher_form,
        "void_form": void_form,
    }
    return render(request, "programme/expenditure_detail.html", context, status=status)


@login_required
def voucher(request, code: str):
    """The voucher file, for admins of the town and the city only. Never a public URL."""
    user = require_programme_user(request.user)
    expenditure = _expenditure_for(user, code)
    if not expenditure.voucher:
        raise Http404("该支出没有凭证")
    try:
        handle = expenditure.voucher.open("rb")
    except FileNotFoundError:
        raise Http404("凭证文件不存在") from None
    ext = expenditure.voucher.name.rsplit(".", 1)[-1]
    response = FileResponse(
        handle,
        content_type=expenditure.voucher_type,
        as_attachment=not expenditure.voucher_is_image,
        filename=f"{expenditure.code}.{ext}",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def adjustments(request):
    """Requests to change a town's budget, and the city's decisions on them."""
    user = require_programme_user(request.user)
    rnd = current_round(request.GET.get("round"))
    towns = towns_for(user)
    form = AdjustmentForm(towns=towns)
    status = 200
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        status = 400
        if action == "request":
            form = AdjustmentForm(request.POST, towns=towns)
            if form.is_valid():
                budget = budget_for(user, rnd, form.cleaned_data["town"].code)
                try:
                    funds.request_adjustment(
                        budget,
                        actor=user,
                        amount=form.cleaned_data["amount"],
                        reason=form.cleaned_data["reason"],
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, "已提交调整申请，等待市级审批")
                    return redirect("programme:adjustments")
        elif action == "decide":
            adjustment = get_object_or_404(
                BudgetAdjustment, code=request.POST.get("code", ""), budget__town__in=towns
            )
            decision = DecisionForm(request.POST)
            if decision.is_valid():
                try:
                    funds.decide_adjustment(
                        adjustment,
                        actor=user,
                        approve=decision.cleaned_data["decision"] == "approve",
                        note=decision.cleaned_data["note"],
                    )
                except ValidationError as exc:
                    error = "；".join(m for msgs in error_messages(exc).values() for m in msgs)
                else:
                    messages.success(request, "已审批")
                    return redirect("programme:adjustments")
            else:
                error = "请选择批准或不批准"
        else:
            error = "未知的操作"
    items = (
        BudgetAdjustment.objects.filter(budget__round=rnd, budget__town__in=towns)
        .select_related("budget__town", "requested_by", "decided_by")
        .order_by("-requested_at")
    )
    context = {"round": rnd, "form": form, "items": items, "city": user.is_city_admin, "error": error}
    return render(request, "programme/adjustments.html", context, status=status)
