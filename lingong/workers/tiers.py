"""The service tier rule (分级服务, P-15). One documented place; services call `derive_tier`.

- 3 援助服务: a verified hardship category that is assistance-level (e.g. 残疾, 低保, 零就业家庭), or two
  or more verified hardship categories at once.
- 2 重点服务: one verified hardship category; or 大龄 (women 40+, men 50+) who have been looking for work
  for 90 days or more; or anyone looking for 180 days or more (长期等待).
- 1 一般服务: everyone else.

Only verified records count: a coordinator records, a coordinator or admin verifies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

OLDER_AGE = {"F": 40, "M": 50}
OLDER_WAIT_DAYS = 90
LONG_WAIT_DAYS = 180


@dataclass(frozen=True)
class TierInput:
    age: int
    sex: str
    waiting_days: int
    verified_categories: tuple[str, ...]  # names, for the reason text
    assistance_categories: tuple[str, ...]  # the verified ones that are assistance-level


def derive_tier(facts: TierInput) -> tuple[int, str]:
    """(tier, reason in Chinese)."""
    if facts.assistance_categories:
        return 3, f"援助类困难认定：{'、'.join(facts.assistance_categories)}"
    if len(facts.verified_categories) >= 2:
        return 3, f"多项困难认定：{'、'.join(facts.verified_categories)}"
    if facts.verified_categories:
        return 2, f"困难认定：{facts.verified_categories[0]}"
    older = facts.age >= OLDER_AGE.get(facts.sex, 50)
    if older and facts.waiting_days >= OLDER_WAIT_DAYS:
        return 2, f"大龄求职（{facts.age}岁）且求职已满{facts.waiting_days}天"
    if facts.waiting_days >= LONG_WAIT_DAYS:
        return 2, f"长期等待：求职已满{facts.waiting_days}天"
    return 1, "一般服务"


def tier_input(worker, today: dt.date, records: Iterable | None = None) -> TierInput:
    """Collect the facts for one worker (records: its HardshipRecords with categories loaded)."""
    records = list(records if records is not None else worker.hardships.select_related("category"))
    counted = [r for r in records if r.counts_on(today)]
    return TierInput(
        age=worker.age(today),
        sex=worker.sex,
        waiting_days=max(0, (today - worker.looking_since).days),
        verified_categories=tuple(r.category.name for r in counted),
        assistance_categories=tuple(r.category.name for r in counted if r.category.assistance_level),
    )
