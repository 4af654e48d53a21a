"""The one access path for the rights pages and endpoints."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from . import arrears, complaints, referrals
from .models import ArrearsCase, Complaint, DepartmentReferral


def require_staff(user) -> None:
    if not (user.is_authenticated and user.is_back_office):
        raise PermissionDenied("只有站点、镇街和市级工作人员可以查看")


def arrears_for_user(request, code: str) -> tuple[ArrearsCase, bool]:
    """(case, can_handle). 404 unless the user may see the case: staff in scope, the worker it is
    about, the employer's managers. can_handle is True for staff in scope only."""
    case = get_object_or_404(
        ArrearsCase.objects.visible_to(request.user).select_related(
            "employer", "worker__user", "worker__station", "gig", "town", "station", "application__shift"
        ),
        code=code,
    )
    return case, arrears.may_handle(request.user, case)


def complaint_for_user(request, code: str) -> tuple[Complaint, bool]:
    """(complaint, can_handle). 404 unless it is the user's own complaint or staff handle it;
    employers never reach a complaint, not even one about them."""
    complaint = get_object_or_404(
        Complaint.objects.visible_to(request.user).select_related(
            "worker__user", "employer", "gig", "owner", "station", "town", "filed_by"
        ),
        code=code,
    )
    return complaint, complaints.may_handle(request.user, complaint)


CASE_KINDS = {"complaint": "投诉", "arrears": "疑似欠薪案件", "plan": "就业帮扶计划"}


def referral_case_for_user(user, kind: str, code: str):
    """The complaint, arrears case or assistance plan a referral is about, through that case's own
    read path; 404 when the user may not see it (whether they may refer it is the service's rule)."""
    from lingong.assistance.models import AssistancePlan

    if kind == "complaint":
        qs = Complaint.objects.visible_to(user)
    elif kind == "arrears":
        qs = ArrearsCase.objects.visible_to(user)
    elif kind == "plan":
        qs = AssistancePlan.objects.visible_to(user) | AssistancePlan.objects.filter(coordinator_id=user.pk)
    else:
        raise Http404("未知的案件类型")
    case = qs.filter(code=code.strip().upper()).select_related("worker__user").first()
    if case is None:
        raise Http404(f"未找到该{CASE_KINDS[kind]}")
    return case


def referral_for_user(user, code: str) -> tuple[DepartmentReferral, bool]:
    """(referral, can_handle). 404 unless staff handle its case or it is about the user themself."""
    referral = get_object_or_404(
        DepartmentReferral.objects.visible_to(user).select_related(
            "complaint", "arrears_case", "plan", "worker__user", "referred_by"
        ),
        code=code.strip().upper(),
    )
    return referral, referrals.may_handle(user, referral)
