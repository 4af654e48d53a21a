"""Zhongshan's minimum wage (data/min_wage.toml) and the pay check per pay unit."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

MIN_WAGE_FILE = Path(__file__).resolve().parent / "data" / "min_wage.toml"

# Pay units used by gig postings, with the word shown after 元/.
PAY_UNITS = {"hour": "小时", "day": "天", "shift": "班", "piece": "件", "order": "单", "month": "月"}
CHECKED_UNITS = frozenset({"hour", "day", "shift", "month"})


@dataclass(frozen=True)
class MinimumWage:
    region: str
    effective_from: dt.date
    monthly: Decimal
    hourly: Decimal
    hours_per_day: int
    source: str

    @property
    def daily(self) -> Decimal:
        return self.hourly * self.hours_per_day

    def minimum_for(self, unit: str) -> Decimal | None:
        """The lowest lawful pay per unit, or None where the unit cannot be checked (piece, order)."""
        if unit == "hour":
            return self.hourly
        if unit in ("day", "shift"):
            return self.daily
        if unit == "month":
            return self.monthly
        return None

    def explain(self, unit: str) -> str:
        """How the minimum for a unit is worked out, in plain Chinese."""
        if unit == "hour":
            return f"中山市非全日制用工小时最低工资标准为{self.hourly}元/小时"
        if unit in ("day", "shift"):
            per = PAY_UNITS[unit]
            return (
                f"按{self.hours_per_day}小时×{self.hourly}元/小时计，每{per}不得低于{self.daily}元"
                f"（中山市非全日制用工小时最低工资标准）"
            )
        return f"中山市月最低工资标准为{self.monthly}元/月"


@cache
def _standards() -> tuple[MinimumWage, ...]:
    data = tomllib.loads(MIN_WAGE_FILE.read_text(encoding="utf-8"))
    rows = [
        MinimumWage(
            region=s["region"],
            effective_from=s["effective_from"],
            monthly=Decimal(s["monthly"]),
            hourly=Decimal(s["hourly"]),
            hours_per_day=int(s.get("hours_per_day", 8)),
            source=s["source"],
        )
        for s in data["standard"]
    ]
    return tuple(sorted(rows, key=lambda s: s.effective_from))


def current_minimum(on: dt.date | None = None) -> MinimumWage:
    """The standard in force on a day (today by default): the latest one already in effect."""
    on = on or dt.date.today()
    standards = _standards()
    in_force = [s for s in standards if s.effective_from <= on]
    return in_force[-1] if in_force else standards[0]
