"""The thin adapter between the database and the classifier core (classifier.py).

Each process builds the index once and keeps it in memory. It follows changes made anywhere (another
gunicorn worker, another machine, load_catalog on deploy) through a catalog version read from the
database: row counts and latest updated_at of the three tables the index is built from, in one query.
The version is checked at most every CATALOG_INDEX_RECHECK_SECONDS (default 2 s) so a classify call
normally touches no database at all; a write in this process forces the check on the next call.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from .classifier import Match, OccupationIndex, OccupationRecord, Surface, build_index, split_gig_name
from .models import GigOccupation, Occupation, OccupationLevel, OccupationSynonym

DEFAULT_RECHECK_SECONDS = 2.0


@dataclass
class _Cached:
    index: OccupationIndex
    version: tuple
    checked_at: float


_cached: _Cached | None = None
_build_lock = threading.Lock()


def recheck_seconds() -> float:
    return float(getattr(settings, "CATALOG_INDEX_RECHECK_SECONDS", DEFAULT_RECHECK_SECONDS))


def catalog_version() -> tuple:
    """(count, max updated_at) of occupations, gig occupations and synonyms, in one cheap query.

    Counts catch deletions, updated_at catches edits (deactivating a synonym included).
    """
    quote = connection.ops.quote_name
    # Only our own table and column names, quoted by the backend, go into the SQL: no user input.
    sql = " UNION ALL ".join(
        f"SELECT {i}, COUNT(*), MAX({quote('updated_at')}) FROM {quote(model._meta.db_table)}"  # noqa: S608
        for i, model in enumerate((Occupation, GigOccupation, OccupationSynonym))
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = sorted(cursor.fetchall())
    return tuple((count, str(latest)) for _, count, latest in rows)


def load_index(version: tuple | None = None) -> OccupationIndex:
    """Read the level-4 occupations, active gig names and active synonyms, and build the index."""
    parents = dict(Occupation.objects.filter(level=OccupationLevel.MINOR).values_list("id", "name"))
    records = [
        OccupationRecord(code, name, parents.get(parent_id, ""))
        for code, name, parent_id in Occupation.objects.detailed().values_list("code", "name", "parent_id")
    ]
    surfaces: list[Surface] = []
    gigs = GigOccupation.objects.active().values_list("name", "occupation__code")
    for name, code in gigs:
        names, context = split_gig_name(name)
        surfaces += [Surface(n, code, "gig") for n in names]
        surfaces += [Surface(c, code, "context") for c in context]
    synonyms = OccupationSynonym.objects.active().values_list("term", "occupation__code")
    surfaces += [Surface(term, code, "synonym") for term, code in synonyms]
    return build_index(records, surfaces, version=version)


def current_index() -> OccupationIndex:
    """The process's index, rebuilt when the catalog version changed since it was built."""
    global _cached
    cached = _cached
    now = time.monotonic()
    if cached is not None and now - cached.checked_at < recheck_seconds():
        return cached.index
    version = catalog_version()
    if cached is not None and cached.version == version:
        cached.checked_at = now
        return cached.index
    with _build_lock:
        # Another thread may have rebuilt while this one waited.
        cached = _cached
        if cached is not None and cached.version == version:
            return cached.index
        index = load_index(version)
        _cached = _Cached(index, version, time.monotonic())
        return index


def invalidate() -> None:
    """After a write in this process: check the catalog version on the next call instead of waiting for
    the recheck interval. The index is rebuilt only if the version really changed (a rolled-back write
    costs nothing). Other processes follow the version by themselves."""
    cached = _cached
    if cached is not None:
        cached.checked_at = float("-inf")


def reset() -> None:
    """Forget the index entirely (tests of a cold start)."""
    global _cached
    _cached = None


def classify(text: str, limit: int = 5) -> list[Match]:
    """Free text → [(code, name, score)], best first, scores 0–1. The entry point for other apps."""
    return current_index().classify(text, limit)
