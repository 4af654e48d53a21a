"""The interest inventory (兴趣测评) and the skills self-check (本事自查): items, scoring, plain results.

Both are written for this project, in short everyday Chinese for people with little schooling. The
items live in data/interest_items.csv (30 statements, five per RIASEC type, interleaved so the same
type never comes twice in a row) and data/skills_check.csv (three statements per gig category).
Change an item → bump the VERSION so stored results say which wording they answered.

Scoring (interest): 喜欢 = 2, 一般 = 1, 不喜欢 = 0; a type's score is the sum over its five items
(0–10). The interest code is the three highest types; ties keep the R-I-A-S-E-C order. A type counts
as a clear interest at CLEAR_INTEREST (6, i.e. more than 一般 on average); when even the top type is
below LOW_INTEREST (4) the result says so plainly and suggests talking with a coordinator.

Scoring (skills): 会 = 2, 会一点 = 1, 不会 = 0; a category's score is its share of the maximum (0–100).
STRONG_SKILL (67) or more counts as “already good at it”.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError

from .riasec import ORDER, TYPES

DATA_DIR = Path(__file__).resolve().parent / "data"
INTEREST_VERSION = "2026-1"
SKILLS_VERSION = "2026-1"

INTEREST_CHOICES = [("like", "喜欢"), ("ok", "一般"), ("dislike", "不喜欢")]
INTEREST_POINTS = {"like": 2, "ok": 1, "dislike": 0}
SKILL_CHOICES = [("can", "会"), ("some", "会一点"), ("cannot", "不会")]
SKILL_POINTS = {"can": 2, "some": 1, "cannot": 0}
CLEAR_INTEREST = 6
LOW_INTEREST = 4
STRONG_SKILL = 67
MAX_SKILL_CATEGORIES = 4


@dataclass(frozen=True)
class Item:
    code: str
    group: str  # RIASEC letter, or the gig category for the skills check
    text: str


@cache
def interest_items() -> tuple[Item, ...]:
    with open(DATA_DIR / "interest_items.csv", encoding="utf-8", newline="") as fh:
        return tuple(Item(r["code"], r["type"], r["text"]) for r in csv.DictReader(fh))


@cache
def skill_items() -> tuple[Item, ...]:
    with open(DATA_DIR / "skills_check.csv", encoding="utf-8", newline="") as fh:
        return tuple(Item(r["code"], r["category"], r["text"]) for r in csv.DictReader(fh))


def skill_categories() -> list[str]:
    return list(dict.fromkeys(i.group for i in skill_items()))


def _check_answers(items: tuple[Item, ...], answers: dict, allowed: dict[str, int]) -> dict[str, str]:
    """All items answered with an allowed value, nothing else; else a Chinese error naming the gaps."""
    if not isinstance(answers, dict):
        raise ValidationError({"answers": ["回答格式不对"]})
    known = {i.code for i in items}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ValidationError({"answers": [f"没有这些题目：{'、'.join(map(str, unknown[:5]))}"]})
    missing = [n for n, i in enumerate(items, start=1) if answers.get(i.code) in (None, "")]
    if missing:
        shown = "、".join(str(n) for n in missing[:8]) + ("……" if len(missing) > 8 else "")
        raise ValidationError({"answers": [f"还有 {len(missing)} 题没有选：第 {shown} 题"]})
    bad = [n for n, i in enumerate(items, start=1) if answers[i.code] not in allowed]
    if bad:
        choices = "、".join(allowed)
        raise ValidationError({"answers": [f"第 {bad[0]} 题的回答应为 {choices} 之一"]})
    return {i.code: answers[i.code] for i in items}


@dataclass(frozen=True)
class InterestResult:
    answers: dict[str, str]
    scores: dict[str, int]  # letter → 0–10
    code: str  # the top three letters, e.g. "RSC"

    @property
    def top(self) -> list[str]:
        return list(self.code)

    @property
    def clear(self) -> list[str]:
        """Letters of the top three that are clear interests (at least CLEAR_INTEREST)."""
        return [t for t in self.code if self.scores[t] >= CLEAR_INTEREST]

    @property
    def low(self) -> bool:
        return self.scores[self.code[0]] < LOW_INTEREST


def score_interest(answers: dict) -> InterestResult:
    cleaned = _check_answers(interest_items(), answers, INTEREST_POINTS)
    scores = dict.fromkeys(ORDER, 0)
    for item in interest_items():
        scores[item.group] += INTEREST_POINTS[cleaned[item.code]]
    ranked = sorted(ORDER, key=lambda t: (-scores[t], ORDER.index(t)))
    return InterestResult(cleaned, scores, "".join(ranked[:3]))


def explain_interest(scores: dict[str, int], code: str) -> list[str]:
    """What the result means, in a few plain sentences for the worker."""
    top = [t for t in code if scores.get(t, 0) >= CLEAR_INTEREST]
    if not code or scores.get(code[0], 0) < LOW_INTEREST:
        return [
            "您对这些事好像都不太感兴趣，这很正常。",
            "可以到站点和协理员聊一聊，说说您以前做过什么、想做什么，我们帮您一起找方向。",
        ]
    if not top:
        top = [code[0]]
    names = "、".join(f"“{TYPES[t].name}”" for t in top)
    lines = [f"您最感兴趣的是{names}的活。"]
    lines += [TYPES[t].description for t in top]
    lines.append("兴趣只是参考，不是考试，没有好坏之分。下面是适合您的工种和培训，可以挑着看。")
    return lines


@dataclass(frozen=True)
class SkillsResult:
    answers: dict[str, str]
    scores: dict[str, int]  # category → 0–100
    categories: list[str]

    @property
    def strong(self) -> list[str]:
        return [c for c in self.categories if self.scores[c] >= STRONG_SKILL]


def skill_items_for(categories: list[str]) -> tuple[Item, ...]:
    return tuple(i for i in skill_items() if i.group in categories)


def clean_categories(raw: list[str]) -> list[str]:
    known = skill_categories()
    chosen = list(dict.fromkeys(c for c in raw if c))
    unknown = [c for c in chosen if c not in known]
    if unknown:
        raise ValidationError({"categories": [f"没有这个类别：{'、'.join(unknown)}"]})
    if not chosen:
        raise ValidationError({"categories": ["请至少选一类活"]})
    if len(chosen) > MAX_SKILL_CATEGORIES:
        raise ValidationError({"categories": [f"一次最多选 {MAX_SKILL_CATEGORIES} 类活"]})
    return [c for c in known if c in chosen]


def score_skills(categories: list[str], answers: dict) -> SkillsResult:
    chosen = clean_categories(categories)
    items = skill_items_for(chosen)
    cleaned = _check_answers(items, answers, SKILL_POINTS)
    scores = {}
    for category in chosen:
        mine = [i for i in items if i.group == category]
        got = sum(SKILL_POINTS[cleaned[i.code]] for i in mine)
        scores[category] = round(100 * got / (2 * len(mine)))
    return SkillsResult(cleaned, scores, chosen)


def explain_skills(scores: dict[str, int]) -> list[str]:
    strong = [c for c, s in scores.items() if s >= STRONG_SKILL]
    learn = [c for c, s in scores.items() if s < STRONG_SKILL]
    lines = []
    if strong:
        lines.append(f"您在“{'、'.join(strong)}”方面已经有不少本事，可以直接找这类活。")
    if learn:
        lines.append(f"“{'、'.join(learn)}”方面还可以多学一点，参加短期培训很快就能上手。")
    return lines
