"""Gigs out: the change feed partners pull and the documents pushed to the provincial platform.

A gig appears in the feed once it has been published, each time it changes (auto-updated
``Gig.updated_at``), ordered by (updated_at, id). The cursor is that pair for the last item. Changes
younger than SETTLE_SECONDS are held back, so a transaction that commits a little after a later one
is not skipped by a cursor that already moved past it. A public gig is sent whole (contacts masked, as
on the public pages); one that is no longer public only says so (``event: "closed"``), without details.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from lingong.gigs.api_browse import gig_out, shift_out
from lingong.gigs.models import Gig, GigStatus, ShiftStatus

FEED_LIMIT = 500
SETTLE_SECONDS = 2
_CURSOR = re.compile(r"^(\d{1,20})-(\d{1,20})$")


class CursorError(ValueError):
    pass


def encode_cursor(updated_at: dt.datetime, pk: int) -> str:
    micros = int(updated_at.timestamp() * 1_000_000)
    return f"{micros}-{pk}"


def decode_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    cursor = (cursor or "").strip()
    if not cursor:
        return None
    match = _CURSOR.match(cursor)
    if match is None:
        raise CursorError("游标格式不正确：请原样使用上次返回的 next_cursor，首次拉取时留空")
    micros, pk = int(match.group(1)), int(match.group(2))
    try:
        when = dt.datetime.fromtimestamp(micros / 1_000_000, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise CursorError("游标超出范围") from None
    return when, pk


def _is_public(gig: Gig, today: dt.date) -> bool:
    employer = gig.employer
    return (
        gig.status == GigStatus.OPEN
        and employer.status == "approved"
        and employer.reverify_due is not None
        and employer.reverify_due >= today
    )


def gig_doc(gig: Gig, *, now: dt.datetime, today: dt.date) -> dict[str, Any]:
    """The public document of a gig (needs employer__town, town, occupation, shifts, certificates)."""
    if not _is_public(gig, today):
        return {"code": gig.code, "event": "closed", "changed_at": gig.updated_at.isoformat()}
    shifts = [s for s in gig.shifts.all() if s.status != ShiftStatus.CANCELLED]
    gig.next_shift = next((s for s in shifts if s.starts_at > now and s.places_left), None)  # type: ignore[attr-defined]
    doc = gig_out(gig, now=now)
    doc |= {
        "event": "open",
        "changed_at": gig.updated_at.isoformat(),
        "description": gig.description,
        "requirements": gig.requirements,
        "certificates": [c.name for c in gig.certificates.all()],
        "shifts": [shift_out(s, now) for s in shifts],
    }
    return doc


def _loaded(qs):
    return qs.select_related("employer__town", "town", "occupation").prefetch_related(
        "certificates", "shifts"
    )


def docs_for_codes(codes: Iterable[str], *, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    gigs = {g.code: g for g in _loaded(Gig.objects.filter(code__in=list(codes)))}
    return [gig_doc(gigs[c], now=now, today=today) for c in codes if c in gigs]


def changes(since: str = "", *, limit: int = FEED_LIMIT, now: dt.datetime | None = None) -> dict[str, Any]:
    """{items, next_cursor, has_more}: published gigs changed after the cursor, oldest change first."""
    now = now or timezone.now()
    position = decode_cursor(since)
    qs = Gig.objects.filter(
        published_at__isnull=False, updated_at__lte=now - dt.timedelta(seconds=SETTLE_SECONDS)
    )
    if position is not None:
        when, pk = position
        qs = qs.filter(Q(updated_at__gt=when) | Q(updated_at=when, pk__gt=pk))
    page = list(_loaded(qs.order_by("updated_at", "pk"))[: limit + 1])
    has_more = len(page) > limit
    page = page[:limit]
    today = timezone.localdate(now)
    items = [gig_doc(g, now=now, today=today) for g in page]
    next_cursor = encode_cursor(page[-1].updated_at, page[-1].pk) if page else (since or "")
    return {"items": items, "next_cursor": next_cursor, "has_more": has_more}
