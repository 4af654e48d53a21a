"""The one access path for the rights pages and endpoints."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from . import arrears, complaints
from .models import ArrearsCase, Complaint


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
