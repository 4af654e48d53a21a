"""Accident insurance for gig work (就业意外伤害保险, P-20): recording coverage and finding it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.employers.models import managed_employer_ids
from lingong.gigs.models import Application, Gig
from lingong.lib.codes import new_code
from lingong.workers.models import Worker

from .models import CoverageSource, InsuranceCoverage
from .services import clean_text

# A policy for gig work runs for a job or a year at most; a longer range is almost always a typo.
MAX_SPAN = dt.timedelta(days=366)


def may_record_for_gig(actor: User | None, gig: Gig) -> bool:
    """The gig's employer managers, and staff who manage the gig (its town or station)."""
    if actor is None or not actor.is_authenticated:
        return False
    if gig.employer_id in managed_employer_ids(actor):
        return True
    return actor.is_back_office and Gig.objects.managed_by(actor).filter(pk=gig.pk).exists()


def may_record_for_worker(actor: User | None, worker: Worker) -> bool:
    """Per-worker coverage is recorded by staff who serve the worker."""
    return bool(
        actor is not None
        and actor.is_authenticated
        and actor.is_back_office
        and Worker.objects.served_by(actor).filter(pk=worker.pk).exists()
    )


def _date(value: Any, field: str, label: str, errors: dict[str, list[str]]) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        errors.setdefault(field, []).append(f"请填写{label}，格式如 2026-12-01")
        return None


def clean_coverage_data(data: dict[str, Any]) -> dict[str, Any]:
    """Validate the fields of a coverage record; ValidationError in Chinese, per field."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for field, label in (("insurer", "保险公司"), ("policy_number", "保单号")):
        value = clean_text(data.get(field), max_length=61)
        if not value:
            errors.setdefault(field, []).append(f"请填写{label}")
        elif len(value) > 60:
            errors.setdefault(field, []).append("不能超过 60 个字")
        out[field] = value
    source = data.get("source")
    if source not in CoverageSource.values:
        errors.setdefault("source", []).append("请选择投保方：用工方、政府补贴或个人")
    out["source"] = source
    start = _date(data.get("valid_from"), "valid_from", "起保日期", errors)
    end = _date(data.get("valid_until"), "valid_until", "终止日期", errors)
    if start and end:
        if end < start:
            errors.setdefault("valid_until", []).append("终止日期不能早于起保日期")
        elif end - start > MAX_SPAN:
            errors.setdefault("valid_until", []).append("保险期间不能超过一年，请核对日期")
    out["valid_from"], out["valid_until"] = start, end
    eligible = bool(data.get("subsidy_eligible"))
    reason = clean_text(data.get("subsidy_reason"), max_length=201)
    if len(reason) > 200:
        errors.setdefault("subsidy_reason", []).append("不能超过 200 个字")
    if eligible and not reason:
        errors.setdefault("subsidy_reason", []).append(
            "符合补贴条件时请写明依据（如就业困难人员认定、补贴文件）"
        )
    if source == CoverageSource.SUBSIDISED and not eligible:
        errors.setdefault("subsidy_eligible", []).append("政府补贴投保须符合补贴条件，请勾选并写明依据")
    out["subsidy_eligible"], out["subsidy_reason"] = eligible, reason if eligible else ""
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def record_coverage(
    *, actor: User, data: dict[str, Any], gig: Gig | None = None, worker: Worker | None = None
) -> InsuranceCoverage:
    """Record a policy covering a gig (everyone working it), a worker (any gig), or one worker on one
    gig. Employers record their gigs' policies; staff also record per-worker (e.g. subsidised) ones."""
    if gig is None and worker is None:
        raise ValidationError({"target": ["请选择承保的岗位或零工"]})
    if gig is not None and not may_record_for_gig(actor, gig):
        raise PermissionDenied("只能为本单位或本辖区的岗位登记保险")
    if gig is None and worker is not None and not may_record_for_worker(actor, worker):
        raise PermissionDenied("只能为本站点服务的零工登记保险")
    if (
        gig is not None
        and worker is not None
        and not Application.objects.filter(worker=worker, gig=gig).exists()
    ):
        raise ValidationError({"worker": ["该零工没有报名或参加这个岗位"]})
    cleaned = clean_coverage_data(data)
    coverage = InsuranceCoverage.objects.create(
        code=new_code("IN"),
        worker=worker,
        gig=gig,
        employer_id=gig.employer_id if gig is not None else None,
        recorded_by=actor,
        **cleaned,
    )
    target = f"岗位“{gig.title}”" if gig is not None else ""
    if worker is not None:
        target += f"零工 {worker.masked_name}"
    audit.record(
        actor,
        "insurance.record",
        coverage,
        summary=f"登记意外伤害保险：{target}，{coverage.insurer} {coverage.policy_number}，"
        f"{coverage.valid_from}至{coverage.valid_until}",
        after={k: v for k, v in cleaned.items()},
    )
    return coverage


def coverage_for(worker: Worker | None, gig: Gig | None, on_date: dt.date) -> InsuranceCoverage | None:
    """The policy that covers this worker on this gig on that day, or None.

    The most specific record wins: this worker on this gig, then the gig for everyone, then the
    worker for any gig.
    """
    scope = Q(pk__in=[])
    if gig is not None:
        scope |= Q(gig=gig, worker__isnull=True)
        if worker is not None:
            scope |= Q(gig=gig, worker=worker)
    if worker is not None:
        scope |= Q(worker=worker, gig__isnull=True)
    found = list(InsuranceCoverage.objects.filter(scope, valid_from__lte=on_date, valid_until__gte=on_date))

    def rank(c: InsuranceCoverage) -> tuple[int, int]:
        specific = 0 if (c.gig_id and c.worker_id) else 1 if c.gig_id else 2
        return specific, -c.valid_until.toordinal()

    return min(found, key=rank) if found else None
