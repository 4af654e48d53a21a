"""The one access path to a worker's record from a page or an endpoint."""

from __future__ import annotations

from django.http import Http404

from .models import Worker, WorkerStatus


def own_worker(request) -> Worker:
    """The signed-in person's own worker record, or 404 (they have not registered as a worker)."""
    worker = Worker.objects.filter(user=request.user).exclude(status=WorkerStatus.ERASED).first()
    if worker is None:
        raise Http404("您还没有求职登记")
    return worker


def get_worker_for_user(request, code: str) -> tuple[Worker, bool]:
    """(worker, is_self). 404 when the worker is outside the user's scope, so codes cannot be probed."""
    worker = (
        Worker.objects.visible_to(request.user)
        .exclude(status=WorkerStatus.ERASED)
        .select_related("station__town", "home_town", "user")
        .filter(code=code)
        .first()
    )
    if worker is None:
        raise Http404("未找到该求职者")
    return worker, worker.user_id == request.user.id
