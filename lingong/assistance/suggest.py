"""From a test result to suggested occupations, and the hint the training recommendations read.

Interest: the occupations of the clear top types (riasec.TYPES, best type first; the top type alone
when none is clear), current shortage occupations first within a type, at most SUGGESTIONS. Skills:
the everyday gig occupations (catalog.GigOccupation) of the categories the worker is already good at.
Each suggestion carries its reason in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lingong.catalog.models import GigOccupation, Occupation

from .inventory import CLEAR_INTEREST, STRONG_SKILL
from .models import Assessment, AssessmentKind
from .riasec import TYPES

SUGGESTIONS = 8


def interest_suggestions(
    scores: dict[str, int], code: str, *, shortage_codes: set[str] | frozenset[str] = frozenset()
) -> list[dict]:
    letters = [t for t in code if scores.get(t, 0) >= CLEAR_INTEREST] or list(code[:1])
    wanted: list[tuple[str, str]] = []
    for letter in letters:
        codes = sorted(TYPES[letter].occupations, key=lambda c: c not in shortage_codes)
        wanted += [(c, letter) for c in codes]
    names = dict(Occupation.objects.filter(code__in=[c for c, _ in wanted]).values_list("code", "name"))
    out: list[dict] = []
    seen: set[str] = set()
    for occ_code, letter in wanted:
        if occ_code in seen or occ_code not in names:
            continue
        seen.add(occ_code)
        why = f"兴趣测评显示您是“{TYPES[letter].name}”，适合这类活"
        if occ_code in shortage_codes:
            why += "，现在正缺人"
        out.append({"code": occ_code, "name": names[occ_code], "type": letter, "why": why})
        if len(out) >= SUGGESTIONS:
            break
    return out


def skills_suggestions(scores: dict[str, int]) -> list[dict]:
    strong = [c for c, s in scores.items() if s >= STRONG_SKILL]
    out: list[dict] = []
    seen: set[str] = set()
    rows = (
        GigOccupation.objects.active()
        .filter(category__in=strong)
        .select_related("occupation")
        .order_by("sort", "id")
    )
    for gig in rows:
        if gig.occupation.code in seen:
            continue
        seen.add(gig.occupation.code)
        out.append(
            {
                "code": gig.occupation.code,
                "name": gig.occupation.name,
                "category": gig.category,
                "why": f"本事自查显示您在“{gig.category}”方面有本事",
            }
        )
        if len(out) >= SUGGESTIONS:
            break
    return out


@dataclass
class AssessmentHint:
    """What the worker's latest results say, for the course recommendations."""

    occupations: dict[str, str] = field(default_factory=dict)  # code → reason
    entrepreneurial: bool = False
    interest_code: str = ""


def hint_from(assessments: list[Assessment]) -> AssessmentHint:
    """Combine results (newest first, one per kind is enough) into the hint for recommendations."""
    hint = AssessmentHint()
    for a in assessments:
        if a.kind == AssessmentKind.INTEREST and not hint.interest_code:
            hint.interest_code = a.summary
            hint.entrepreneurial = "E" in a.summary[:2] and a.scores.get("E", 0) >= CLEAR_INTEREST
        for s in a.suggestions:
            hint.occupations.setdefault(s["code"], s["why"])
    return hint


def latest_hint(worker) -> AssessmentHint | None:
    """The latest interest and skills results combined; None when the worker has taken neither."""
    latest: dict[str, Assessment] = {}
    for a in Assessment.objects.filter(worker=worker).order_by("-taken_at", "-id")[:20]:
        latest.setdefault(a.kind, a)
    if not latest:
        return None
    return hint_from(list(latest.values()))
