"""The one access path to assistance records from a page or an endpoint."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from lingong.workers.models import Worker, WorkerStatus


def require_staff(request) -> None:
    if not request.user.is_back_office:
        raise PermissionDenied("只有站点工作人员可以使用此功能")


def served_worker(request, code: str) -> Worker:
    """A worker the signed-in member of staff serves, or 404 (so codes cannot be probed)."""
    require_staff(request)
    worker = (
        Worker.objects.served_by(request.user)
        .filter(code=code)
        .exclude(status=WorkerStatus.ERASED)
        .select_related("station__town", "home_town", "user")
        .first()
    )
    if worker is None:
        raise Http404("未找到该求职者")
    return worker


def found(qs, code: str, what: str):
    obj = qs.filter(code=code).first()
    if obj is None:
        raise Http404(f"未找到该{what}")
    return obj


def apply_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        for msg in exc.messages:
            form.add_error(None, msg)
        return
    for field, msgs in exc.message_dict.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)
