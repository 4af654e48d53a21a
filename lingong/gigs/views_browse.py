"""Public pages for finding work: the gig list with search, filters and a map, and one gig's page.

The list answers htmx requests with the results partial (same view, same query string), and works as a
plain GET form without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache

import segno
from django.core.cache import cache
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from lingong.catalog.models import GigOccupation, Occupation
from lingong.lib.geo import MODE_LABELS, travel_mode
from lingong.lib.masking import mask_phone
from lingong.monitoring.activity import note_search
from lingong.places.models import Station, Town

from . import views_work
from .models import Gig, GigStatus, PayUnit, Shift, ShiftStatus
from .search import (
    COUNT_LIMIT,
    DATE_CHOICES,
    MAX_PAGE,
    PAGE_SIZE,
    SORT_CHOICES,
    FilterError,
    GigSearch,
    may_see_contact,
    parse_search,
    resolve_point,
    search_gigs,
)

WEEKDAYS = "一二三四五六日"
WITHIN_CHOICES = [("10", "10 分钟"), ("15", "15 分钟"), ("30", "30 分钟"), ("60", "1 小时")]
# The filter lists (towns, stations, categories) change rarely and cost several queries: each process
# keeps them briefly, so a new station shows up in the station filter within this many seconds.
OPTIONS_SECONDS = 60


def _categories() -> list[tuple[str, list[tuple[str, str]]]]:
    """[(大类 name, [(code prefix, label)])]: the 大类 and 中类 that the gig catalogue uses."""
    codes = set(GigOccupation.objects.active().values_list("occupation__code", flat=True))
    majors = sorted({c[:1] for c in codes})
    mediums = sorted({c[:4] for c in codes})
    wanted = [f"{m}-00-00-00" for m in majors] + [f"{m}-00-00" for m in mediums]
    names = dict(Occupation.objects.filter(code__in=wanted).values_list("code", "name"))
    groups = []
    for major in majors:
        options = [(major, "本大类全部")] + [
            (m, names.get(f"{m}-00-00", m)) for m in mediums if m.startswith(major + "-")
        ]
        groups.append((names.get(f"{major}-00-00-00", f"第 {major} 大类"), options))
    return groups


def _filter_options() -> dict[str, list]:
    """The list page's select options as plain tuples (never model instances, which outlive a request)."""
    return {
        "towns": list(Town.objects.values_list("code", "name")),
        "stations": list(Station.objects.public().order_by("name").values_list("code", "name")),
        "categories": _categories(),
    }


@lru_cache(maxsize=4096)
def _qr_svg(url: str, title: str) -> str:
    """The gig page's QR code: drawing it is a fifth of the page's time, and a gig's URL never changes."""
    return segno.make(url, error="m").svg_inline(scale=4, title=title)


def day_label(when: dt.datetime, today: dt.date) -> str:
    """今天 / 明天 / 后天, else 12月3日 周三: how people say when work starts."""
    day = timezone.localtime(when).date()
    near = {0: "今天", 1: "明天", 2: "后天"}.get((day - today).days)
    return near or f"{day.month}月{day.day}日 周{WEEKDAYS[day.weekday()]}"


def _pager(request, page: int, total: int) -> dict:
    pages = min(MAX_PAGE, max(1, math.ceil(total / PAGE_SIZE)))
    rest = request.GET.copy()
    rest.pop("page", None)
    base = rest.urlencode()
    return {
        "number": page,
        "num_pages": pages,
        "has_previous": page > 1,
        "has_next": page < pages,
        "previous": page - 1,
        "next": page + 1,
        "base": f"{base}&" if base else "",
    }


def browse(request):
    """找零工活: keyword, town, date, pay, 日结, category, distance from me or a station; list and map."""
    error = ""
    try:
        params = parse_search(request.GET)
        gigs, total = search_gigs(params, user=request.user)
        note_search(request.user)
        point = resolve_point(params, request.user)
        mode = travel_mode(params.mode or "walk")
    except (FilterError, ValueError) as exc:
        error = str(exc)
        params, gigs, total, point, mode = GigSearch(), [], 0, None, travel_mode("walk")
    today = timezone.localdate()
    for g in gigs:
        shift = getattr(g, "next_shift", None)
        setattr(g, "day_label", day_label(shift.starts_at, today) if shift else "")  # noqa: B010
    markers = [
        {
            "code": g.code,
            "name": g.title,
            "pay": g.pay_label(),
            "lat": g.lat,
            "lng": g.lng,
            "url": reverse("gigs:detail", args=[g.code]),
        }
        for g in gigs
    ]
    context = {
        "gigs": gigs,
        "total": total,
        "pager": _pager(request, params.page, total),
        "markers": markers,
        "point": {"lat": point[0], "lng": point[1]} if point else None,
        "has_point": point is not None,
        "mode": mode,
        "error": error,
        "count_limit": COUNT_LIMIT,
        "q": request.GET,
    }
    if request.htmx:
        return render(request, "gigs/_browse_results.html", context)
    context |= cache.get_or_set("gigs:browse:options", _filter_options, OPTIONS_SECONDS) or {}
    context |= {
        "dates": DATE_CHOICES.items(),
        "sorts": SORT_CHOICES.items(),
        "modes": MODE_LABELS.items(),
        "withins": WITHIN_CHOICES,
        "pay_units": PayUnit.choices,
    }
    return render(request, "gigs/browse.html", context, status=400 if error else 200)


def detail(request, code: str):
    """One gig for everyone; drafts and closed gigs only for the people who manage them."""
    gig = (
        Gig.objects.visible_to(request.user)
        .select_related("employer__town", "town", "occupation", "station")
        .prefetch_related("certificates", Prefetch("shifts", queryset=Shift.objects.order_by("starts_at")))
        .filter(code=code)
        .first()
    )
    if gig is None:
        raise Http404("未找到该岗位，或岗位尚未公开")
    now = timezone.now()
    shifts = [
        {
            "shift": s,
            "past": s.starts_at <= now,
            "open": s.starts_at > now and s.places_left > 0,
        }
        for s in gig.shifts.all()
        if s.status != ShiftStatus.CANCELLED
    ]
    show_contact = may_see_contact(gig, request.user)
    url = request.build_absolute_uri(reverse("gigs:detail", args=[gig.code]))
    context = {
        "gig": gig,
        "employer": gig.employer,
        "shifts": shifts,
        "is_public": gig.status == GigStatus.OPEN and gig.employer.is_verification_current(),
        "contact_phone": gig.contact_phone if show_contact else mask_phone(gig.contact_phone),
        "show_contact": show_contact,
        "qr_svg": _qr_svg(url, gig.title),
        "marker": {"lat": gig.lat, "lng": gig.lng, "name": gig.title},
    }
    # The apply/claim box (gigs/_actions.html) needs the worker's own applications and eligibility.
    context = views_work.actions_context(request, gig) | context
    return render(request, "gigs/detail.html", context)
