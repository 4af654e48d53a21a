"""The active rules, compiled once per process and kept in step with the database.

The same approach as the occupation index (lingong/catalog/autocode.py): each process keeps its compiled
rules and a version read from the database — here (count, latest updated_at) of the rules table, one
aggregate query. The version is checked at most every SCREENING_RULES_RECHECK_SECONDS (default 2 s), so
screening normally touches no database; a write in this process forces the check on the next call, and
other processes (gunicorn workers, other machines) follow within the interval.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max

from .models import ScreeningRule
from .rules import RuleSet, build_ruleset

DEFAULT_RECHECK_SECONDS = 2.0


@dataclass
class _Cached:
    ruleset: RuleSet
    checked_at: float


_cached: _Cached | None = None
_build_lock = threading.Lock()


def recheck_seconds() -> float:
    return float(getattr(settings, "SCREENING_RULES_RECHECK_SECONDS", DEFAULT_RECHECK_SECONDS))


def rules_version() -> tuple:
    """(number of rules, latest updated_at): counts catch deletions, updated_at catches edits and
    switching a rule on or off."""
    agg = ScreeningRule.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
    return (agg["n"], str(agg["latest"]))


def load_ruleset(version: tuple = ()) -> RuleSet:
    rows = ScreeningRule.objects.active().order_by("sort", "category", "code")
    return build_ruleset(rows, version)


def current_ruleset() -> RuleSet:
    """The process's compiled rules, rebuilt when the rules version changed since they were built."""
    global _cached
    cached = _cached
    now = time.monotonic()
    if cached is not None and now - cached.checked_at < recheck_seconds():
        return cached.ruleset
    version = rules_version()
    if cached is not None and cached.ruleset.version == version:
        cached.checked_at = now
        return cached.ruleset
    with _build_lock:
        # Another thread may have rebuilt while this one waited.
        cached = _cached
        if cached is not None and cached.ruleset.version == version:
            return cached.ruleset
        ruleset = load_ruleset(version)
        _cached = _Cached(ruleset, time.monotonic())
        return ruleset


def invalidate() -> None:
    """After a write in this process: check the version on the next call instead of waiting for the
    recheck interval (a rolled-back write changes nothing and costs one query)."""
    cached = _cached
    if cached is not None:
        cached.checked_at = float("-inf")


def reset() -> None:
    """Forget the compiled rules entirely (tests of a cold start)."""
    global _cached
    _cached = None
