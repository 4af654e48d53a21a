"""The plan's naming rule: 中山市（X街道/X镇/X行业）零工市场 or 中山市（X街道/X镇/X行业）就业驿站."""

from __future__ import annotations

import re

from .models import StationKind, Town

KIND_SUFFIX = {StationKind.GIG_MARKET: "零工市场", StationKind.EMPLOYMENT_STATION: "就业驿站"}
NAME_RE = re.compile(r"^中山市（(?P<scope>[^（）]+)）(?P<suffix>零工市场|就业驿站)$")


def normalize_name(name: str) -> str:
    """Half-width brackets and stray spaces are common typing slips; fix them rather than refuse."""
    return re.sub(r"\s+", "", (name or "")).replace("(", "（").replace(")", "）")


def expected_name(kind: str, town: Town, industry: str = "", place: str = "") -> str:
    scope = f"{industry.removesuffix('行业')}行业" if industry else f"{town.name}{place}"
    return f"中山市（{scope}）{KIND_SUFFIX[StationKind(kind)]}"


def name_problems(name: str, kind: str, town: Town | None, industry: str = "") -> list[str]:
    """Chinese explanations of how the name breaks the rule; empty when it follows it.

    Town stations name their town by its official name (e.g. 小榄镇) and may add the village or
    community that hosts them (中山市（小榄镇永宁社区）就业驿站); industry stations name the industry
    (中山市（灯饰行业）零工市场).
    """
    example = (
        expected_name(kind, town, industry) if town and kind in KIND_SUFFIX else "中山市（小榄镇）就业驿站"
    )
    match = NAME_RE.match(name)
    if not match:
        return [f"名称应符合“中山市（X街道/X镇/X行业）零工市场/就业驿站”，例如“{example}”"]
    problems = []
    scope, suffix = match["scope"], match["suffix"]
    if kind in KIND_SUFFIX and suffix != KIND_SUFFIX[StationKind(kind)]:
        problems.append(
            f"类型为{StationKind(kind).label}的站点，名称应以“{KIND_SUFFIX[StationKind(kind)]}”结尾"
        )
    if industry:
        if scope != f"{industry.removesuffix('行业')}行业":
            problems.append(f"行业站点括号内应为“{industry.removesuffix('行业')}行业”")
    elif town is not None and not scope.startswith(town.name):
        problems.append(f"括号内应以所在镇街的正式名称“{town.name}”开头")
    return problems
