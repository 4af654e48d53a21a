"""Exchange pages: the city admin's partner register, and partners' Excel imports with their results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from lingong.lib.excel import bytes_response

from . import access, excel, services
from .forms import ActiveForm, PartnerForm, UploadForm, UsersForm
from .models import Partner


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, msgs in exc.message_dict.items():
            for m in msgs:
                form.add_error(name if name in form.fields else None, m)
    else:
        for m in exc.messages:
            form.add_error(None, m)


@login_required
def partners(request):
    """All partners, and the form to register one (city admin)."""
    access.require_manager(request.user)
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.create_partner(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"已登记合作方：{partner.name}")
            return redirect("exchange:partner", code=partner.code)
    qs = Partner.objects.select_related("employer").prefetch_related("users").order_by("-active", "name")
    return render(request, "exchange/partners.html", {"partners": qs, "form": form})


@login_required
def partner(request, code: str):
    p = access.partner_for_manager(request.user, code)
    users_form = UsersForm(initial={"users": "、".join(u.username for u in p.users.all())})
    active_form = ActiveForm()
    if request.method == "POST":
        try:
            if "users" in request.POST:
                users_form = UsersForm(request.POST)
                if users_form.is_valid():
                    services.set_partner_users(
                        actor=request.user, partner=p, users=users_form.cleaned_data["users"]
                    )
                    messages.success(request, "已更新授权用户")
                    return redirect("exchange:partner", code=p.code)
            else:
                active_form = ActiveForm(request.POST)
                if active_form.is_valid():
                    activate = request.POST.get("active") == "1"
                    services.set_partner_active(
                        actor=request.user,
                        partner=p,
                        active=activate,
                        reason=active_form.cleaned_data["reason"],
                    )
                    messages.success(request, "已启用" if activate else "已停用")
                    return redirect("exchange:partner", code=p.code)
        except ValidationError as exc:
            _apply_errors(active_form, exc)
    batches = p.batches.select_related("created_by")[:20]
    return render(
        request,
        "exchange/partner.html",
        {"partner": p, "users_form": users_form, "active_form": active_form, "batches": batches},
    )


@login_required
def imports(request):
    """Import batches the user may see (their partners'; all for the city admin) and the upload form."""
    mine = access.partners_of(request.user)
    visible = access.batches_visible_to(request.user)
    if not request.user.is_city_admin and not mine.exists():
        access.partner_for_import(request.user)  # 403 with the reason
    form = UploadForm(request.POST or None, request.FILES or None, partners=mine)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.submit_excel(
                actor=request.user, partner=form.cleaned_data["partner"], upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "文件已上传，正在后台导入")
            return redirect("exchange:batch", code=batch.code)
    context = {
        "page": Paginator(visible, 30).get_page(request.GET.get("page")),
        "form": form,
        "can_upload": mine.exists(),
    }
    return render(request, "exchange/imports.html", context)


@login_required
def template(request) -> HttpResponse:
    return bytes_response("岗位导入模板.xlsx", excel.template_bytes())


@login_required
def batch(request, code: str):
    """One batch: progress while it runs (the htmx partial polls itself), then counts and rejected rows."""
    b = access.batch_for_user(request.user, code)
    template_name = "exchange/_batch_status.html" if request.htmx else "exchange/batch.html"
    return render(request, template_name, {"batch": b})


@login_required
def batch_errors(request, code: str) -> HttpResponse:
    b = access.batch_for_user(request.user, code)
    return bytes_response(f"导入结果-{b.code}.xlsx", excel.errors_bytes(b.errors))
