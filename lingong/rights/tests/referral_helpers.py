"""Builders for the department referral tests: one case of each kind about the same worker."""

from __future__ import annotations

from django.utils import timezone

from lingong.assistance import services as assistance
from lingong.assistance.models import AssistancePlan
from lingong.rights import complaints, referrals
from lingong.rights.models import Complaint, DepartmentReferral
from lingong.workers.models import Worker


def a_complaint(worker: Worker) -> Complaint:
    """Filed by the worker (station A 小榄): handled by coordinator A and the city admin."""
    return complaints.file_complaint(
        actor=worker.user, worker=worker, kind="wages", description="工地工资未付"
    )


def a_plan(coordinator, worker: Worker) -> AssistancePlan:
    """An assistance plan for the (now tier-2) worker of station A, opened by its coordinator."""
    Worker.objects.filter(pk=worker.pk).update(tier=2)
    worker.refresh_from_db()
    return assistance.open_plan(
        actor=coordinator,
        worker=worker,
        goal="三个月内在家附近找到稳定工作",
        items=[{"kind": "guidance", "due_on": timezone.localdate()}],
    )


def refer(case, actor, department: str = "civil_affairs", **extra) -> DepartmentReferral:
    data = {
        "reason": "家庭困难，符合低保申请条件",
        "request_detail": "请协助办理最低生活保障申请",
    }
    data.update(extra)
    return referrals.create_referral(case, actor=actor, department=department, **data)
