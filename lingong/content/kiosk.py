"""What a station's kiosk (信息一体机) and gig window / LED screen (零工橱窗) show, P-9: the open gigs nearest
the station, found by the public gig search with the station as the point, and the LED controller feed.

Nearby means within KIOSK_NEARBY_MINUTES (setting, default 45) by e-bike, the way most gig workers get
about; the list is ordered by that travel time, nearest first.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from lingong.gigs.models import Gig
from lingong.gigs.search import MAX_PAGE, PAGE_SIZE, GigSearch, search_gigs
from lingong.places.models import Station

NEARBY_MODE = "ebike"
DEFAULT_NEARBY_MINUTES = 45
DEFAULT_REFRESH_SECONDS = 60
DEFAULT_IDLE_SECONDS = 90
FEED_MAX_ITEMS = 50
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class KioskCategory:
    """A big button on the kiosk: an everyday name for an occupation code prefix (大类 or 中类)."""

    prefix: str
    label: str


# The everyday groups of gig work, as people at a station ask for them, mapped onto the 2022 national
# occupation classification that gigs carry (the gig search filters by code prefix).
KIOSK_CATEGORIES = [
    KioskCategory("6", "工厂普工"),
    KioskCategory("6-29", "建筑装修"),
    KioskCategory("4-09", "保洁绿化"),
    KioskCategory("4-10", "家政养老"),
    KioskCategory("4-03", "餐饮服务"),
    KioskCategory("4-02", "物流搬运"),
    KioskCategory("4-01", "商超零售"),
    KioskCategory("4-07", "保安"),
    KioskCategory("4-12", "维修服务"),
]
CATEGORY_LABELS = {c.prefix: c.label for c in KIOSK_CATEGORIES}


def nearby_minutes() -> float:
    return float(getattr(settings, "KIOSK_NEARBY_MINUTES", DEFAULT_NEARBY_MINUTES))


def refresh_seconds(raw: str | None = None) -> int:
    """The LED page's refresh interval: ?refresh=N (2 to 3600 s) or LED_REFRESH_SECONDS (default 60)."""
    default = int(getattr(settings, "LED_REFRESH_SECONDS", DEFAULT_REFRESH_SECONDS))
    if raw and raw.isdigit():
        return max(2, min(int(raw), 3600))
    return default


def idle_seconds() -> int:
    return int(getattr(settings, "KIOSK_IDLE_SECONDS", DEFAULT_IDLE_SECONDS))


# Set when a kiosk's own screen is shown, so the same device keeps its idle timer on the ordinary pages
# it opens (registration, the profile): a half-filled form with an ID number is never left on a shared
# screen. A phone that scanned a kiosk QR code never shows the kiosk screen, so it is never timed out;
# nor is staff previewing the kiosk from their desk.
SESSION_DEVICE = "kiosk_device"


def mark_device(request, station: Station) -> None:
    if getattr(request.user, "is_back_office", False):
        return
    if request.session.get(SESSION_DEVICE) != station.code:
        request.session[SESSION_DEVICE] = station.code


def device_context(request) -> dict:
    """Template context for every page: the kiosk this device is, if it is one."""
    session = getattr(request, "session", None)
    code = session.get(SESSION_DEVICE) if session is not None else None
    return {"kiosk_device": code, "kiosk_idle_seconds": idle_seconds()} if code else {}


def station_gigs(
    station: Station, *, date: str = "", category: str = "", limit: int = PAGE_SIZE, now=None
) -> list[Gig]:
    """The open gigs nearest the station (within the nearby travel time), nearest first. `date` is the
    gig search's: today, tomorrow or "" for any day; `category` an occupation code prefix. FilterError
    for a bad value. Each gig carries next_shift, distance_m and minutes (by e-bike)."""
    params = GigSearch(
        station=station.code,
        date=date,
        category=category,
        within_minutes=nearby_minutes(),
        mode=NEARBY_MODE,
        sort="distance",
    )
    gigs: list[Gig] = []
    for page in range(1, MAX_PAGE + 1):
        found, _ = search_gigs(replace(params, page=page), now=now)
        gigs += found
        if len(gigs) >= limit or len(found) < PAGE_SIZE:
            break
    return gigs[:limit]


def when_label(when: dt.datetime, today: dt.date) -> str:
    """今天 08:00 / 明天 08:00 / 5月3日 08:00: how people say when work starts."""
    local = timezone.localtime(when)
    days = (local.date() - today).days
    day = {0: "今天", 1: "明天", 2: "后天"}.get(days) or f"{local.month}月{local.day}日"
    return f"{day} {local:%H:%M}"


def absolute_url(request, path: str) -> str:
    """An address a phone can open: SITE_URL when set (behind a proxy), else this request's host."""
    base = getattr(settings, "SITE_URL", "")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def qr_svg(url: str, *, scale: int = 3, title: str = "") -> str:
    return segno.make(url, error="m").svg_inline(scale=scale, title=title or url)


def decorate(gigs: list[Gig], request, *, qr_scale: int = 0, now=None) -> list[Gig]:
    """Add what the kiosk and LED templates show: when_label, places_left, url and (optionally) a QR."""
    today = timezone.localdate(now or timezone.now())
    for gig in gigs:
        shift = getattr(gig, "next_shift", None)
        url = absolute_url(request, reverse("gigs:detail", args=[gig.code]))
        gig.when_label = when_label(shift.starts_at, today) if shift else ""  # type: ignore[attr-defined]
        gig.places_left = shift.places_left if shift else 0  # type: ignore[attr-defined]
        gig.phone_url = url  # type: ignore[attr-defined]
        if qr_scale:
            gig.qr_svg = qr_svg(url, scale=qr_scale, title=gig.title)  # type: ignore[attr-defined]
    return gigs


# --- the LED controller feed ---------------------------------------------------------------------------


def feed_item(gig: Gig, request) -> dict[str, Any]:
    shift = getattr(gig, "next_shift", None)
    metres = getattr(gig, "distance_m", None)
    minutes = getattr(gig, "minutes", None)
    return {
        "code": gig.code,
        "title": gig.title,
        "pay": gig.pay_label(),
        "settlement": gig.get_settlement_display(),
        "town": gig.town.short,
        "distance_km": round(metres / 1000, 1) if metres is not None else None,
        "minutes": round(minutes) if minutes is not None else None,
        "starts": timezone.localtime(shift.starts_at) if shift else None,
        "places_left": shift.places_left if shift else 0,
        "url": absolute_url(request, reverse("gigs:detail", args=[gig.code])),
    }


def char_width(ch: str) -> int:
    """Display columns of one character: wide and full-width (CJK) ones take two, combining marks none."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    return sum(char_width(ch) for ch in text)


def fit(text: str, width: int) -> str:
    """Cut or pad text to exactly `width` display columns. A wide character that would straddle the
    edge is left out and the column filled with a space, so every line lines up on the screen."""
    out: list[str] = []
    used = 0
    for ch in " ".join(text.split()):
        w = char_width(ch)
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * (width - used)


def feed_line(item: dict[str, Any], today: dt.date) -> str:
    """One gig as the LED shows it, most important first, since the end may be cut."""
    parts = [item["title"], item["pay"].replace(" ", ""), item["settlement"]]
    if item["starts"] is not None:
        parts.append(when_label(item["starts"], today).replace(" ", ""))
    if item["places_left"]:
        parts.append(f"缺{item['places_left']}人")
    where = item["town"]
    if item["minutes"] is not None:
        where += f"约{item['minutes']}分钟"
    parts.append(where)
    return " ".join(parts)


EMPTY_LINE = "附近暂无招聘中的零工岗位"


def feed_text(items: list[dict[str, Any]], width: int, today: dt.date) -> str:
    lines = [feed_line(item, today) for item in items] or [EMPTY_LINE]
    return "".join(fit(line, width) + "\n" for line in lines)
