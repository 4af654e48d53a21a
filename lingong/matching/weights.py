"""Every number the matching score uses, in one place, each with the reason it has that value.

A score is a sum of parts, each part a fraction in [0, 1] times its weight, so the parts can be shown
to people as they are ("同工种 0.40 + 路程 0.12 …") and the weights below read as a budget: occupation
fit decides most, then travel and pay, then the softer signals. Hard rules (certificates, availability,
travel limit, double booking, public-welfare eligibility, suspended employers, opted-out workers, places
left) are not weights: they are never traded against a score (see rules.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Weights:
    # --- score parts (their sum is the best possible score of an ordinary match: 1.0) ---
    fit: float = 0.40
    """Occupation fit: whether the person can do the work matters more than anything else."""

    travel: float = 0.15
    """Shorter trips: a worker reaches a near gig on time and keeps coming back."""

    pay: float = 0.15
    """Pay at or above what the worker asked for: the first thing workers look at on a gig board."""

    reliability: float = 0.15
    """Completed bookings without no-shows or late cancellations: what employers ask about first."""

    freshness: float = 0.15
    """Recently posted gigs and recently active workers: a stale posting is often already filled
    informally, and a worker who has not opened the app in months rarely answers."""

    # --- occupation fit levels (fraction of `fit`) ---
    fit_detail: float = 1.0
    """Same 细类: the exact occupation the worker declared."""

    fit_minor: float = 0.7
    """Same 小类 (e.g. 缝纫工 for a 裁剪工 gig): the same workshop and the same skills, mostly."""

    fit_medium: float = 0.45
    """Same 中类 (e.g. two kinds of building work): transferable, with some learning on the day."""

    fit_related: float = 0.3
    """Related by the catalogue's everyday grouping (制造普工, 物流配送 …), by synonyms that name the
    other occupation, or because workers often declare both: plausible, worth showing, never first."""

    level_factor: dict[str, float] = field(
        default_factory=lambda: {"new": 0.85, "some": 0.95, "skilled": 1.0, "master": 1.0}
    )
    """Experience scales the fit a little: a 新手 can do the job, a 师傅 is surer to."""

    min_fit: float = 0.0
    """Relevance floor: a pair is a candidate only when its fit is above this. A recommendation with no
    occupation link cannot be explained and only sends employers noise."""

    # --- pay fit ---
    pay_floor_ratio: float = 0.7
    """Gig pay at 70 % of the expectation or less scores 0 on pay; at or above the expectation, 1."""

    pay_unknown: float = 0.5
    """Piece or order rates (no hourly figure) or no expectation given: neither rewarded nor punished."""

    # --- freshness ---
    gig_fresh_days: float = 7.0
    """A gig's freshness halves every week after it is published."""

    worker_fresh_days: float = 30.0
    """A worker's freshness halves every 30 days after their profile last changed."""

    # --- priority (P-15): added on top, documented and shown as 重点帮扶对象优先 ---
    tier2: float = 0.06
    """重点服务 (tier 2): enough to lift a worker over an otherwise equal candidate, not over a clearly
    better one (a fit level is worth 0.10–0.12)."""

    tier3: float = 0.10
    """援助服务 (tier 3): the plan's 兜底 group gets the larger boost."""

    wait: float = 0.04
    """Long waiting: grows from 0 at WAIT_FROM days of looking to the full boost at WAIT_FULL days."""

    wait_from_days: int = 90
    wait_full_days: int = 360

    # --- exposure spreading ---
    exposure: float = 0.08
    """Recently shown a lot → pushed down a little, so the same few workers (and gigs) are not shown to
    everyone. At most this much; half of it after `exposure_half` recent impressions."""

    exposure_half: float = 20.0
    exposure_half_life_s: float = 6 * 3600
    """Impressions count half after 6 hours: yesterday's popularity does not stick."""

    # --- defaults for missing data ---
    new_worker_reliability: float = 0.8
    """No finished booking yet: the reliability module's own default for newcomers."""

    def priority_max(self) -> float:
        return max(self.tier2, self.tier3) + self.wait


DEFAULT = Weights()

# Hours used to turn daily, per-shift and monthly figures into an hourly figure, as the gig posting code
# does (posting.hourly_pay): a working day is 8 hours and a month 174.
HOURS_PER_DAY = 8.0
HOURS_PER_MONTH = 174.0
