"""Resolving what people type for a town: code, official name, short name, the plan's name or an alias."""

from __future__ import annotations

from .models import Town

# The city's own name is no town, though 中山港街道 starts with it.
CITY_NAMES = {"中山", "中山市"}


def _keys(town: Town) -> set[str]:
    keys = {town.code, town.name, town.short, town.name_in_plan, *town.aliases}
    return {k.strip() for k in keys if k and k.strip()}


def resolve_town(text: str, towns: list[Town] | None = None) -> Town | None:
    """The town meant by `text`, or None. Exact keys win; then a unique prefix such as 小榄 → 小榄镇."""
    needle = (text or "").strip()
    if not needle or needle in CITY_NAMES:
        return None
    towns = towns if towns is not None else list(Town.objects.all())
    for town in towns:
        if needle in _keys(town):
            return town
    for stripped in (needle.removesuffix("镇"), needle.removesuffix("街道"), needle.removesuffix("区")):
        hits = [t for t in towns if stripped and any(k.startswith(stripped) for k in _keys(t))]
        if len(hits) == 1:
            return hits[0]
    return None
