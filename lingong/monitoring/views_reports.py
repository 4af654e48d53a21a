"""Report archive and generation, the printable report with its Excel and PDF files, and the typical
cases the city office reviews. Town admins see their own towns' reports and proposals (proposals read
only); coordinators, workers, employers and the public have no report pages."""

from __future__ import annotations

import logging
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone

from lingong.lib.excel import bytes_response
from lingong.lib.forms import apply_errors, error_messages

from . import cases, services
from .access import require_monitoring_user
from .models import CaseKind, CaseProposal, CaseStatus, Report, ReportKind
from .report_excel import for_display, pdf_available, render_pdf
from .reports import period_of

logger = logging.getLogger(__name__)

PER_PAGE = 50
PDF_FAILED = "PDF 暂时无法生成，请打开报表页面，用浏览器的“打印”另存为 PDF"
PERIOD_HELP = "月报选月份；季报选该季度中的任一月份（如 2024-02 即第一季度）"


class PeriodForm(forms.Form):
    """Carries the input back to the page; the services validate it (one validation path)."""

    kind = forms.ChoiceField(label="类型", choices=ReportKind.choices)
    period = forms.CharField(
        label="期间", max_length=10, help_text=PERIOD_HELP, widget=forms.TextInput(attrs={"type": "month"})
    )


class GenerateForm(PeriodForm):
    area = forms.ChoiceField(label="范围")

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.key, a.name) for a in areas]  # type: ignore[attr-defined]


def _last_month() -> dict[str, str]:
    return {"kind": "month", "period": f"{period_of('month', timezone.localdate()).previous().start:%Y-%m}"}


def _bound(form: forms.Form) -> forms.Form:
    form.full_clean()
    form.errors.clear()
    return form


def _not_found_or_denied(model, code: str, message: str):
    if model.objects.filter(code=code).exists():
        raise PermissionDenied("只能查看本镇街的报表和案例")
    raise Http404(message)


@login_required
def archive(request):
    """The archive (filter by type and area) and the 生成报表 form."""
    user = require_monitoring_user(request.user)
    areas = services.areas_for(user)
    form: forms.Form = GenerateForm(areas=areas, initial=_last_month())
    status = 200
    if request.method == "POST":
        form = _bound(GenerateForm(request.POST, areas=areas))
        try:
            report = services.generate_report(
                actor=user,
                kind=request.POST.get("kind"),
                period=request.POST.get("period"),
                area=request.POST.get("area"),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            status = 400
        else:
            messages.success(request, f"已生成{report.title}（第 {report.version} 版）")
            return redirect("reports:detail", code=report.code)
    reports = Report.objects.visible_to(user).select_related("town", "generated_by").defer("xlsx", "figures")
    kind, area = request.GET.get("kind", ""), request.GET.get("area", "")
    if kind in ReportKind.values:
        reports = reports.filter(kind=kind)
    if area:
        reports = reports.filter(area=area)
    page = Paginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "areas": areas,
        "kind": kind,
        "area": area,
        "kinds": ReportKind.choices,
    }
    return render(request, "monitoring/report_list.html", context, status=status)


def _report_for(user, code: str) -> Report:
    report = Report.objects.visible_to(user).select_related("town", "generated_by").filter(code=code).first()
    if report is None:
        _not_found_or_denied(Report, code, "找不到该报表")
    assert report is not None
    return report


@login_required
def detail(request, code: str):
    """The printable page (A4): headline figures and one table per topic, as generated."""
    user = require_monitoring_user(request.user)
    report = _report_for(user, code)
    context = {"report": report, "f": for_display(report.figures), "pdf": pdf_available()}
    return render(request, "monitoring/report_detail.html", context)


@login_required
def xlsx(request, code: str):
    user = require_monitoring_user(request.user)
    report = _report_for(user, code)
    return bytes_response(f"{report.title}.xlsx", bytes(report.xlsx))


@login_required
def pdf(request, code: str):
    user = require_monitoring_user(request.user)
    report = _report_for(user, code)
    if not pdf_available():
        raise Http404("本服务器不能生成 PDF，请打开报表页面，用浏览器的“打印”另存为 PDF")
    html = render_to_string(
        "monitoring/report_pdf.html", {"report": report, "f": for_display(report.figures)}
    )
    try:
        content = render_pdf(html)
    except Exception:  # a broken PDF library must not take the page down; printing still works
        logger.exception("PDF of report %s failed", report.code)
        return HttpResponse(PDF_FAILED, status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(report.title + '.pdf')}"
    return response


@login_required
def case_list(request):
    """Proposals by period and status; city admins propose a period's typical cases here."""
    user = require_monitoring_user(request.user)
    form: forms.Form = PeriodForm(initial=_last_month())
    status = 200
    if request.method == "POST":
        form = _bound(PeriodForm(request.POST))
        try:
            made = services.propose_cases(
                actor=user, kind=request.POST.get("kind"), period=request.POST.get("period")
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            status = 400
        else:
            messages.success(
                request,
                f"新推荐 {len(made)} 个典型案例" if made else "没有新的推荐（已推荐过或无符合条件的站点）",
            )
            return redirect("reports:cases")
    proposals = CaseProposal.objects.visible_to(user).select_related(
        "station", "town", "article", "decided_by"
    )
    chosen = request.GET.get("status", "")
    if chosen in CaseStatus.values:
        proposals = proposals.filter(status=chosen)
    context = {
        "form": form,
        "page": Paginator(proposals, PER_PAGE).get_page(request.GET.get("page")),
        "statuses": CaseStatus.choices,
        "chosen": chosen,
        "city": user.is_city_admin,
        "kinds": CaseKind.choices,
    }
    return render(request, "monitoring/case_list.html", context, status=status)


@login_required
def case_detail(request, code: str):
    """One proposal with its figures and the draft it would become; city admins draft or dismiss it."""
    user = require_monitoring_user(request.user)
    proposal = (
        CaseProposal.objects.visible_to(user)
        .select_related("station", "town", "article", "decided_by")
        .filter(code=code)
        .first()
    )
    if proposal is None:
        _not_found_or_denied(CaseProposal, code, "找不到该案例推荐")
    assert proposal is not None
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "draft":
                article = services.draft_case_article(proposal, actor=user)
                messages.success(request, f"已生成草稿《{article.title}》，请在内容管理中补充后发布")
            elif action == "dismiss":
                services.dismiss_case(proposal, actor=user, note=request.POST.get("note", ""))
                messages.success(request, "已标记为不采用")
            else:
                raise ValidationError("未知的操作")
        except ValidationError as exc:
            error, status = "；".join(m for msgs in error_messages(exc).values() for m in msgs), 400
        else:
            return redirect("reports:case", code=proposal.code)
    preview = cases.article_text(
        proposal.kind, proposal.figures, proposal.reason, f"{proposal.period_start}", f"{proposal.period_end}"
    )
    context = {"p": proposal, "preview": preview, "city": user.is_city_admin, "error": error}
    return render(request, "monitoring/case_detail.html", context, status=status)
