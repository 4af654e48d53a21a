"""Occupation pages: public browse, search and detail, the type-ahead partial, and the synonyms page."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import services
from .autocode import classify
from .forms import SynonymForm
from .models import GigOccupation, Occupation, OccupationLevel, OccupationSynonym

SUGGEST_LIMIT = 8
SUGGEST_RELATIVE_FLOOR = 0.3
MAX_Q = 100


def _q(request, *names: str) -> str:
    for name in names or ("q",):
        value = (request.GET.get(name) or "").strip()
        if value:
            return value[:MAX_Q]
    return ""


def _gig_prefetch():
    return Prefetch(
        "gig_occupations", queryset=GigOccupation.objects.active().order_by("sort"), to_attr="active_gigs"
    )


def browse(request):
    """Search by everyday words (the classifier) and by name; without a query, the gig occupations."""
    q = _q(request)
    major = request.GET.get("major", "")
    if major not in {str(n) for n in range(1, 9)}:  # the eight 大类
        major = ""
    context: dict = {"q": q, "major": major, "majors": Occupation.objects.filter(level=OccupationLevel.MAJOR)}
    if q:
        context["matches"] = classify(q, 5)
        found = Occupation.objects.detailed().search(q).prefetch_related(_gig_prefetch())
        context["page"] = Paginator(found, 30).get_page(request.GET.get("page"))
    elif major:
        under = (
            Occupation.objects.detailed()
            .filter(code__startswith=f"{major}-")
            .prefetch_related(_gig_prefetch())
        )
        context["major_node"] = Occupation.objects.filter(code=f"{major}-00-00-00").first()
        context["page"] = Paginator(under, 50).get_page(request.GET.get("page"))
    else:
        gigs = GigOccupation.objects.active().select_related("occupation").order_by("category", "sort")
        context["gig_groups"] = [(cat, list(rows)) for cat, rows in groupby(gigs, key=lambda g: g.category)]
    template = "catalog/_browse_results.html" if request.htmx else "catalog/browse.html"
    return render(request, template, context)


def detail(request, code: str):
    occupation = get_object_or_404(Occupation.objects.select_related("parent__parent__parent"), code=code)
    ancestors: list[Occupation] = []
    node = occupation.parent
    while node is not None:
        ancestors.insert(0, node)
        node = node.parent
    context = {
        "occupation": occupation,
        "ancestors": ancestors,
        "children": occupation.children.all() if occupation.level < OccupationLevel.DETAIL else [],
        "gigs": occupation.gig_occupations.filter(active=True),
        "synonyms": occupation.synonyms.filter(active=True).order_by("term"),
        "certificates": occupation.required_certificates.filter(active=True),
    }
    return render(request, "catalog/detail.html", context)


def suggest(request):
    """The type-ahead: a short list of likely occupations for what was typed (htmx partial).

    Reads `q`, or `occupation_text` (the name of the visible input in the shared form snippet).
    """
    q = _q(request, "q", "occupation_text")
    matches = classify(q, SUGGEST_LIMIT) if q else []
    # A short list reads better than a long tail: drop what is far weaker than the best guess.
    matches = [m for m in matches if m.score >= SUGGEST_RELATIVE_FLOOR * matches[0].score]
    template = "catalog/_suggestions.html" if request.htmx else "catalog/suggest.html"
    return render(request, template, {"q": q, "matches": matches})


def _require_manager(user) -> None:
    if not services.can_manage_synonyms(user):
        raise PermissionDenied("只有市级管理员可以维护职业同义词")


@login_required
def synonyms(request):
    """City admins: list, search, add and switch off synonyms."""
    _require_manager(request.user)
    form = SynonymForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            synonym = services.add_synonym(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                for msg in msgs:
                    form.add_error(field if field in form.fields else None, msg)
        else:
            messages.success(request, f"已添加：{synonym.term} → {synonym.occupation.name}")
            return redirect("catalog:synonyms")
    q = _q(request)
    show = request.GET.get("show", "active")
    rows = OccupationSynonym.objects.select_related("occupation", "created_by")
    if show == "active":
        rows = rows.filter(active=True)
    elif show == "inactive":
        rows = rows.filter(active=False)
    if q:
        term = services.normalize_term(q)
        rows = rows.filter(Q(term__contains=term) | Q(occupation__name__contains=q) | Q(occupation__code=q))
    context = {
        "form": form,
        "page": Paginator(rows.order_by("term"), 50).get_page(request.GET.get("page")),
        "q": q,
        "show": show,
        "preview": classify(q, 3) if q else [],
    }
    return render(request, "catalog/synonyms.html", context)


@login_required
@require_POST
def synonym_toggle(request):
    _require_manager(request.user)
    term = request.POST.get("term", "")
    active = request.POST.get("active") == "1"
    try:
        synonym = services.set_synonym_active(actor=request.user, term=term, active=active)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已{'启用' if active else '停用'}：{synonym.term}")
    return redirect("catalog:synonyms")
