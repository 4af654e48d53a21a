"""A station's kiosk (信息一体机) and its gig window / LED screen (零工橱窗), P-9.

Both are public full-screen pages, one per station. The kiosk is touched by passers-by: big buttons,
nothing to type, a QR code to carry a gig to a phone, and back to its home screen when left alone
(static/js/kiosk.js). The LED page is only looked at: huge type, high contrast, scrolling by itself and
re-reading its list every minute through htmx (the partial comes from the same view).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import logout
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lingong.events.models import Event
from lingong.gigs.models import Gig, Shift, ShiftStatus
from lingong.gigs.search import FilterError
from lingong.places.models import Station

from . import kiosk
from .models import Article, ArticleKind, Channel

KIOSK_LIST = 20
LED_LIST = 30
POLICY_LIST = 30
EVENT_LIST = 12


def _station(code: str) -> Station:
    return get_object_or_404(Station.objects.public().select_related("town"), code=code)


def _base(request, station: Station, *, home: bool = False) -> dict:
    """What every kiosk screen needs: the station, where home is, and the idle timer."""
    kiosk.mark_device(request, station)
    return {
        "station": station,
        "home_url": reverse("kiosk:home", args=[station.code]),
        "is_home": home,
        "idle_seconds": kiosk.idle_seconds(),
    }


def _articles(station: Station, channel: str):
    """Published articles on a channel for this station: the city's and its own town's."""
    return (
        Article.objects.published()
        .on_channel(channel)
        .filter(Q(town__isnull=True) | Q(town_id=station.town_id))
        .select_related("category")
        .order_by("-pinned", "-published_at", "-id")
    )


def home(request, code: str):
    """Today's and tomorrow's gigs near the station, nearest first, with category buttons."""
    station = _station(code)
    category = request.GET.get("category", "")
    error = ""
    if category and category not in kiosk.CATEGORY_LABELS:
        error, category = "没有这个工种类别，请点下面的按钮选择", ""
    now = timezone.now()
    try:
        today = kiosk.station_gigs(station, date="today", category=category, limit=KIOSK_LIST, now=now)
        tomorrow = kiosk.station_gigs(station, date="tomorrow", category=category, limit=KIOSK_LIST, now=now)
    except FilterError as exc:
        error, today, tomorrow = str(exc), [], []
    register_path = reverse("workers:register") + f"?station={station.code}"
    context = _base(request, station, home=not category) | {
        "categories": kiosk.KIOSK_CATEGORIES,
        "category": category,
        "category_label": kiosk.CATEGORY_LABELS.get(category, ""),
        "days": [
            ("今天", kiosk.decorate(today, request, qr_scale=3, now=now)),
            ("明天", kiosk.decorate(tomorrow, request, qr_scale=3, now=now)),
        ],
        "register_path": register_path,
        "register_qr": kiosk.qr_svg(
            kiosk.absolute_url(request, register_path), scale=4, title="手机求职登记"
        ),
        "policies": list(_articles(station, Channel.KIOSK)[:5]),
        "nearby_minutes": round(kiosk.nearby_minutes()),
        "error": error,
    }
    return render(request, "kiosk/home.html", context, status=400 if error else 200)


def gig(request, code: str, gig_code: str):
    """One gig on the kiosk: everything on one screen and a big QR code to apply from a phone."""
    station = _station(code)
    now = timezone.now()
    shifts = Shift.objects.filter(status=ShiftStatus.OPEN, starts_at__gt=now).order_by("starts_at")
    found = (
        Gig.objects.public()
        .select_related("employer", "town", "occupation")
        .prefetch_related(Prefetch("shifts", queryset=shifts, to_attr="open_shifts"))
        .filter(code=gig_code)
        .first()
    )
    if found is None:
        raise Http404("该岗位已结束或不存在")
    open_shifts = [s for s in found.open_shifts if s.places_left > 0]  # type: ignore[attr-defined]
    url = kiosk.absolute_url(request, reverse("gigs:detail", args=[found.code]))
    context = _base(request, station) | {
        "gig": found,
        "shifts": open_shifts[:6],
        "today": timezone.localdate(now),
        "qr": kiosk.qr_svg(url, scale=8, title=found.title),
        "url": url,
    }
    return render(request, "kiosk/gig.html", context)


def policies(request, code: str):
    """Articles published to kiosks (city-wide and the station's town), by kind."""
    station = _station(code)
    kind = request.GET.get("kind", "")
    qs = _articles(station, Channel.KIOSK)
    if kind in ArticleKind.values:
        qs = qs.filter(kind=kind)
    context = _base(request, station) | {
        "articles": qs[:POLICY_LIST],
        "kinds": ArticleKind.choices,
        "kind": kind,
    }
    return render(request, "kiosk/policies.html", context)


def policy(request, code: str, article_code: str):
    station = _station(code)
    article = get_object_or_404(_articles(station, Channel.KIOSK), code=article_code)
    url = kiosk.absolute_url(request, reverse("content:detail", args=[article.code]))
    context = _base(request, station) | {
        "article": article,
        "attachments": article.attachments.all(),
        "qr": kiosk.qr_svg(url, scale=6, title=article.title),
    }
    return render(request, "kiosk/policy.html", context)


def _events(station: Station, now, *, days: int = 30):
    """Upcoming events: the station's town first, then the rest of the city, soonest first."""
    upcoming = Event.objects.upcoming(now).filter(starts_at__lt=now + dt.timedelta(days=days))
    return sorted(
        upcoming.select_related("town", "station")[:50],
        key=lambda e: (e.town_id != station.town_id, e.starts_at),
    )


def events(request, code: str):
    """招聘活动 on the kiosk: each with a QR code to open it (and sign up) on a phone."""
    station = _station(code)
    now = timezone.now()
    rows = []
    for event in _events(station, now)[:EVENT_LIST]:
        url = kiosk.absolute_url(request, reverse("events:detail", args=[event.code]))
        rows.append((event, kiosk.qr_svg(url, scale=3, title=event.title)))
    return render(request, "kiosk/events.html", _base(request, station) | {"rows": rows})


@require_POST
def reset(request, code: str):
    """The idle timer's way home: whoever signed in at the kiosk is signed out before the next person."""
    station = _station(code)
    if request.user.is_authenticated:
        logout(request)
    return redirect("kiosk:home", code=station.code)


def led(request, code: str):
    """The gig window: nearest open gigs in very large type; htmx re-reads the list every `refresh` s."""
    station = _station(code)
    now = timezone.now()
    try:
        gigs = kiosk.station_gigs(station, limit=LED_LIST, now=now)
    except FilterError:
        gigs = []
    refresh = kiosk.refresh_seconds(request.GET.get("refresh"))
    context = {
        "station": station,
        "gigs": kiosk.decorate(gigs, request, now=now),
        "updated_at": now,
        "refresh": refresh,
        "poll_url": f"{request.path}?refresh={refresh}",
    }
    if request.htmx:
        return render(request, "kiosk/_led_list.html", context)
    browse = reverse("gigs:browse") + f"?station={station.code}&mode=ebike&sort=distance"
    context |= {
        "notices": list(_articles(station, Channel.LED)[:8]),
        "events": [e for e in _events(station, now, days=14) if e.town_id == station.town_id][:3],
        "browse_qr": kiosk.qr_svg(kiosk.absolute_url(request, browse), scale=4, title="手机上看更多岗位"),
    }
    return render(request, "kiosk/led.html", context)
