"""The one access path for an employer's pages and endpoints."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Employer, can_review, managed_employer_ids


def employer_for_user(request, code: str) -> tuple[Employer, bool]:
    """(employer, can_manage). 404 unless the user may see the employer (its members, admins of its
    town, city admins); can_manage is True for the employer's managers only."""
    user = request.user
    employer = get_object_or_404(Employer.objects.visible_to(user).select_related("town"), code=code)
    return employer, employer.pk in managed_employer_ids(user)


def employer_for_reviewer(request, code: str) -> Employer:
    """The employer to review. 403 for anyone who reviews nothing or not this employer's town (staff
    know the employer exists; the others learn nothing more from a 403 than from a 404)."""
    user = request.user
    if not can_review(user):
        raise PermissionDenied("只有镇街或市级管理员可以审核用工主体")
    employer = get_object_or_404(Employer.objects.select_related("town", "verified_by"), code=code)
    if not Employer.objects.reviewable_by(user).filter(pk=employer.pk).exists():
        raise PermissionDenied("只能审核本镇街的用工主体")
    if employer.pk in user.employer_ids:
        raise PermissionDenied("不能审核自己所在的用工主体")
    return employer
