"""The one access path for partners, their imports and the feed."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from lingong.accounts.models import User

from .models import ImportBatch, Partner


def may_manage_partners(user: User | None) -> bool:
    """Only the city HR office registers partners, binds their users and deactivates them."""
    return bool(user is not None and user.is_authenticated and user.is_city_admin)


def partners_of(user: User | None):
    """Active partners the user may act for."""
    if user is None or not user.is_authenticated:
        return Partner.objects.none()
    return Partner.objects.filter(users=user, active=True)


def partner_for_import(user: User | None, code: str = "") -> Partner:
    """The partner the user imports for: the one named by `code`, or their only partner. 403 with a
    Chinese message for anyone who does not act for it."""
    mine = partners_of(user).select_related("employer")
    if code:
        partner = mine.filter(code=code).first()
        if partner is None:
            raise PermissionDenied("只能为本合作方导入岗位：您不是该合作方的授权用户，或该合作方已停用")
        return partner
    found = list(mine[:2])
    if not found:
        raise PermissionDenied("您不是任何合作方的授权用户，不能导入岗位")
    if len(found) > 1:
        raise PermissionDenied("您代表多个合作方，请指明合作方编号（partner）")
    return found[0]


def require_feed_access(user: User | None) -> None:
    if not partners_of(user).exists():
        raise PermissionDenied("岗位交换接口仅向已登记的合作方开放，请联系市人力资源管理办公室")


def require_manager(user: User | None) -> None:
    if not may_manage_partners(user):
        raise PermissionDenied("只有市级管理员可以管理合作方")


def batches_visible_to(user: User | None):
    if user is None or not user.is_authenticated:
        return ImportBatch.objects.none()
    qs = ImportBatch.objects.select_related("partner", "created_by")
    if user.is_city_admin:
        return qs
    return qs.filter(partner__users=user)


def batch_for_user(user: User | None, code: str) -> ImportBatch:
    return get_object_or_404(batches_visible_to(user), code=code)


def partner_for_manager(user: User | None, code: str) -> Partner:
    require_manager(user)
    return get_object_or_404(Partner.objects.select_related("employer"), code=code)
