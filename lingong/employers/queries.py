"""The verification queue: what staff should look at, oldest first, within their towns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Employer, EmployerKind, EmployerStatus, UsccCheck, can_review

SHOW_CHOICES = [
    ("todo", "待处理（待审核与待补充材料）"),
    ("pending", "待审核"),
    ("more_info", "待补充材料"),
    ("reverify", "30 天内需复核"),
    ("failed_uscc", "信用代码校验位不符"),
    ("all", "全部"),
]
SHOW_VALUES = [v for v, _ in SHOW_CHOICES]


class FilterError(ValueError):
    """A queue filter that makes no sense; the message is in Chinese."""


@dataclass
class QueueFilter:
    show: str = "todo"
    town: str = ""  # a town code
    kind: str = ""
    q: str = ""


def review_queue(user, f: QueueFilter, today: dt.date | None = None) -> QuerySet[Employer]:
    """Employers the user reviews, filtered. Town admins only ever see their own towns."""
    if not can_review(user):
        raise PermissionDenied("只有镇街或市级管理员可以审核用工主体")
    if f.show not in SHOW_VALUES:
        raise FilterError("请选择有效的筛选条件")
    if f.kind and f.kind not in EmployerKind.values:
        raise FilterError("请选择有效的用工主体类型")
    qs = Employer.objects.reviewable_by(user).select_related("town")
    if f.show == "todo":
        qs = qs.filter(status__in=[EmployerStatus.PENDING, EmployerStatus.MORE_INFO])
    elif f.show in ("pending", "more_info"):
        qs = qs.filter(status=f.show)
    elif f.show == "reverify":
        qs = qs.reverification_due(today or timezone.localdate())
    elif f.show == "failed_uscc":
        qs = qs.filter(uscc_check=UsccCheck.FAILED)
    if f.town:
        qs = qs.filter(town__code=f.town)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    q = f.q.strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__icontains=q) | Q(code__iexact=q))
    if f.show == "reverify":
        return qs.order_by("reverify_due", "id")
    # Oldest waiting first: people have been waiting longest there.
    return qs.order_by("submitted_at", "id")
