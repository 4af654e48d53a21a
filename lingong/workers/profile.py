"""Occupation choices for worker forms: the everyday gig list first (a tap, not typing)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from lingong.catalog.forms import occupation_code_from
from lingong.catalog.models import GigOccupation, Occupation

from . import services
from .models import ExperienceLevel, Worker

MAX_OCCUPATIONS = 8


def gig_occupation_choices() -> list[tuple[str, str]]:
    """[(occupation code, everyday name)], one entry per code, in the catalogue's order."""
    seen: dict[str, str] = {}
    for gig in GigOccupation.objects.select_related("occupation").order_by("sort", "id"):
        seen.setdefault(gig.occupation.code, gig.name.split("/")[0])
    return list(seen.items())


def save_occupation_rows(worker: Worker, *, actor, post=None, codes=None) -> None:
    """Occupations from a form: ticked codes (`occ`) with a level each (`level_<code>`), or plain codes."""
    if codes is None:
        codes = post.getlist("occ") if post is not None else []
        if post is not None:
            # One more from the type-ahead (or a code/exact name typed without scripts).
            extra = occupation_code_from(post.get("occupation_code", ""), post.get("occupation_text", ""))
            if post.get("occupation_text", "").strip() and not extra:
                raise ValidationError(
                    {"occupations": [f"找不到工种“{post['occupation_text'].strip()}”，请从提示中选择"]}
                )
            codes = [*codes, extra]
    codes = list(dict.fromkeys(c for c in codes if c))[:MAX_OCCUPATIONS]
    found = {o.code: o for o in Occupation.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError({"occupations": [f"未知的工种代码：{'、'.join(unknown)}"]})
    items = []
    for code in codes:
        level = post.get(f"level_{code}", ExperienceLevel.SOME) if post is not None else ExperienceLevel.SOME
        items.append((found[code], level if level in ExperienceLevel.values else ExperienceLevel.SOME))
    services.set_occupations(worker, actor=actor, items=items)
