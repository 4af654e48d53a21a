"""The 15-minute coverage page: per-town table, map with a list next to it, candidate sites and the
siting suggestions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from lingong.lib.forms import apply_errors
from lingong.places.models import Station, StationStatus

from . import services
from .access import check_town, require_programme_user, towns_for
from .coverage import MINUTES, SitingError, coverage_report, suggest_sites
from .forms import CandidateForm, SitingForm
from .models import CandidateSite

# Towns where less than half the residents live within 15 minutes by e-bike are highlighted.
LOW_SHARE = 0.5


@login_required
def coverage_page(request):
    user = require_programme_user(request.user)
    towns = towns_for(user)
    report = coverage_report(list(towns) if not user.is_city_admin else None)
    siting_form = SitingForm(request.GET if "k" in request.GET else None, towns=towns)
    candidate_form = CandidateForm(towns=towns)
    result = None
    siting_error = ""
    status = 200
    if siting_form.is_bound:
        if siting_form.is_valid():
            d = siting_form.cleaned_data
            try:
                result = suggest_sites(
                    d["town"],
                    k=d["k"],
                    mode_code=d["mode"],
                    source=d["source"],
                    count_planned=d["count_planned"],
                )
            except SitingError as exc:
                siting_error = str(exc)
                status = 400
        else:
            status = 400
    if request.method == "POST":
        candidate_form = CandidateForm(request.POST, towns=towns)
        status = 400
        if candidate_form.is_valid():
            data = dict(candidate_form.cleaned_data)
            try:
                site = services.add_candidate(actor=user, town=data.pop("town"), data=data)
            except ValidationError as exc:
                apply_errors(candidate_form, exc)
            else:
                messages.success(request, f"已登记候选站址：{site.name}")
                return redirect("programme:coverage")
    operating = Station.objects.filter(status=StationStatus.OPERATING, town__in=towns).select_related("town")
    candidates = CandidateSite.objects.filter(town__in=towns, active=True).select_related("town")
    map_data = {
        "stations": [{"name": s.name, "lat": s.lat, "lng": s.lng, "kind": s.kind} for s in operating],
        "candidates": [{"name": c.name, "lat": c.lat, "lng": c.lng} for c in candidates],
        "suggestions": [
            {"rank": s.rank, "name": s.name, "lat": s.lat, "lng": s.lng, "gain": s.gain}
            for s in (result.suggestions if result else [])
        ],
        "reach_m": {m.code: m.reach_m(MINUTES) for m in report.modes},
        "mode": result.mode.code if result else "walk",
    }
    mode_codes = [m.code for m in report.modes]
    rows = [
        {
            "name": r.town.name if r.town else "未填居住镇街",
            "operating": r.operating,
            "workers": r.workers,
            "worker_shares": [r.worker_share(m) for m in mode_codes],
            "population": r.population,
            "population_shares": [r.population_share.get(m) for m in mode_codes]
            if r.town
            else [None] * len(mode_codes),
            "low": r.town is not None and (r.population_share.get("ebike") or 0) < LOW_SHARE,
        }
        for r in report.rows
    ]
    context = {
        "report": report,
        "rows": rows,
        "city_worker_share": {m: report.worker_share(m) for m in mode_codes},
        "minutes": MINUTES,
        "siting_form": siting_form,
        "candidate_form": candidate_form,
        "result": result,
        "siting_error": siting_error,
        "operating": operating,
        "candidates": candidates,
        "map_data": map_data,
        "city": user.is_city_admin,
    }
    return render(request, "programme/coverage.html", context, status=status)


@login_required
def candidate_off(request, code: str):
    user = require_programme_user(request.user)
    site = get_object_or_404(CandidateSite, code=code)
    check_town(user, site.town_id)
    if request.method == "POST":
        services.deactivate_candidate(site, actor=user)
        messages.success(request, f"已停用候选站址：{site.name}")
    return redirect("programme:coverage")
