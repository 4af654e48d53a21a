"""Posting a gig (new, edit, the result after submitting) and the staff review queue.

The form only shapes the input; posting.clean_gig_data validates and services.save_draft / post_gig
write. A posting the screen blocks is never saved: the page comes back with what was typed and why.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from lingong.employers.models import Employer, EmployerStatus
from lingong.lib.forms import apply_errors
from lingong.places.models import Station

from . import services
from .forms import GIG_FIELD_MAP, GigForm, ReviewForm
from .models import Gig, GigStatus
from .views_manage import HtmxRequest, actor, field_errors, gig_for_manager, is_editable

CHOOSER_LIMIT = 30


def postable_employers(user) -> QuerySet[Employer]:
    """Employers the user may post for, the same rule as services.may_post_for: their own; staff also
    the employers of their town (town admins) or their stations' towns (coordinators); city admins all."""
    if not user.is_authenticated:
        return Employer.objects.none()
    qs = Employer.objects.select_related("town")
    if user.is_city_admin:
        return qs
    towns = set(user.admin_town_ids) | set(
        Station.objects.filter(pk__in=user.coordinator_station_ids).values_list("town_id", flat=True)
    )
    return qs.filter(Q(pk__in=user.employer_ids) | Q(town_id__in=towns))


def _is_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_back_office)


def _choose_employer(request: HtmxRequest) -> Employer | HttpResponse:
    """The employer to post for: the one named by ?employer= (or the form), the only one the user has,
    or a page to pick one (staff search by name or code)."""
    user = actor(request)
    allowed = postable_employers(user)
    code = (request.POST.get("employer") or request.GET.get("employer") or "").strip()
    if code:
        employer = allowed.filter(code=code).first()
        if employer is None or not services.may_post_for(actor(request), employer):
            raise Http404("没有这个用工主体，或您不能为它发布岗位")
        return employer
    own = list(allowed.filter(pk__in=user.employer_ids))
    if len(own) == 1 and not _is_staff(user):
        return own[0]
    q = request.GET.get("q", "").strip()[:50]
    found = allowed
    if q:
        found = found.filter(Q(name__icontains=q) | Q(code__iexact=q))
    found = found.annotate(
        own=Case(
            When(pk__in=user.employer_ids, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
        verified=Case(
            When(status=EmployerStatus.APPROVED, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
    ).order_by("own", "verified", "name")
    rows = list(found[:CHOOSER_LIMIT])
    context = {"rows": rows, "q": q, "staff": _is_staff(user), "more": len(rows) == CHOOSER_LIMIT}
    return render(request, "gigs/choose_employer.html", context)


def _findings_of(exc: ValidationError) -> list[dict[str, Any]]:
    return list(getattr(exc, "findings", []) or [])


def _post_form(request: HtmxRequest, employer: Employer, gig: Gig | None) -> HttpResponse:
    """The posting form for a new gig or an edit: save a draft, or submit (screen and publish)."""
    user = actor(request)
    staff = _is_staff(user)
    form = GigForm(
        request.POST if request.method == "POST" else None, staff=staff, gig=gig, employer=employer
    )
    findings: list[dict[str, Any]] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            if request.POST.get("action") == "draft":
                gig = services.save_draft(actor=user, employer=employer, data=data, gig=gig)
                messages.success(request, "草稿已保存，还没有发布。检查无误后点“提交发布”。")
                return redirect("gigs:manage", code=gig.code)
            gig = services.post_gig(actor=user, employer=employer, data=data, gig=gig)
            return redirect("gigs:posted", code=gig.code)
        except services.PostingBlocked as exc:
            # Nothing was saved: the findings say what to change, the form keeps what was typed.
            findings = _findings_of(exc)
        except ValidationError as exc:
            apply_errors(form, exc, GIG_FIELD_MAP)
        status = 400
    context = {
        "form": form,
        "employer": employer,
        "gig": gig,
        "findings": findings,
        "blocked": [f for f in findings if f.get("severity") == "block"],
        "staff": staff,
        "several": postable_employers(user).exclude(pk=employer.pk).exists(),
    }
    return render(request, "gigs/post_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HtmxRequest) -> HttpResponse:
    """Post a gig: employer members for their employer; staff for an employer in their scope (walk-in)."""
    if not _is_staff(request.user) and not postable_employers(request.user).exists():
        return render(request, "gigs/no_employer.html")
    chosen = _choose_employer(request)
    if isinstance(chosen, HttpResponse):
        return chosen
    return _post_form(request, chosen, None)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HtmxRequest, code: str) -> HttpResponse:
    gig = gig_for_manager(request, code)
    if not is_editable(gig):
        messages.error(request, "已有人报名、已结束或已取消的岗位不能修改；如需变更请取消后重新发布")
        return redirect("gigs:manage", code=gig.code)
    return _post_form(request, gig.employer, gig)


@login_required
def posted(request: HtmxRequest, code: str) -> HttpResponse:
    """What happened on submit: public now, or waiting for staff review, with the screen's findings."""
    gig = gig_for_manager(request, code)
    return render(request, "gigs/posted.html", {"gig": gig, "findings": gig.findings or []})


# --- staff review -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def review_queue(request: HtmxRequest) -> HttpResponse:
    """Postings the screen warned about, for town admins (their towns) and city admins: approve, or
    send back with a note the employer sees."""
    user = actor(request)
    if not services.may_review(user):
        raise PermissionDenied("只有镇街或市级管理员可以审核岗位")
    errors: dict[str, dict[str, list[str]]] = {}
    status = 200
    if request.method == "POST":
        gig = get_object_or_404(Gig.objects.filter(status=GigStatus.REVIEW), code=request.POST.get("gig", ""))
        form = ReviewForm(request.POST)
        form.is_valid()
        approve = request.POST.get("decision") == "approve"
        try:
            services.review(gig, actor=user, approve=approve, note=form.cleaned_data.get("note", ""))
        except PermissionDenied as exc:
            errors[gig.code] = {"all": [str(exc)]}
            status = 403
        except ValidationError as exc:
            errors[gig.code] = field_errors(exc)
            status = 400
        else:
            messages.success(request, f"已{'通过并发布' if approve else '退回'}：{gig.title}")
            return redirect("gigs:review")
    page = Paginator(services.review_queue(user), 30).get_page(request.GET.get("page"))
    rows = [(g, errors.get(g.code, {})) for g in page]
    return render(request, "gigs/review.html", {"page": page, "rows": rows}, status=status)
