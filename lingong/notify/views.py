"""The outbox for city admins, and the local SMS inbox for demos and browser tests."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from . import services
from .channels import is_local
from .models import ChannelName, LocalDelivery, OutboxMessage, Status

OUTBOX_FIELDS = (
    "id",
    "channel",
    "recipient",
    "template",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "created_at",
    "sent_at",
    "params",
    "secret_params",
    "expires_at",
)


@login_required
def outbox(request):
    """Recent notifications with their delivery state; failed and dead ones can be sent again."""
    if not request.user.is_city_admin:
        raise PermissionDenied("只有市级管理员可以查看通知发件箱")
    if request.method == "POST" and request.POST.get("retry"):
        message = get_object_or_404(OutboxMessage, pk=request.POST["retry"])
        try:
            services.retry_message(actor=request.user, message=message)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已重新排队发送")
        return redirect("notify:outbox")
    status = request.GET.get("status", "")
    channel = request.GET.get("channel", "")
    qs = OutboxMessage.objects.only(*OUTBOX_FIELDS).order_by("-id")
    if status in Status.values:
        qs = qs.filter(status=status)
    if channel in ChannelName.values:
        qs = qs.filter(channel=channel)
    counts = dict(OutboxMessage.objects.values_list("status").annotate(n=Count("id")).order_by())
    context = {
        "page": Paginator(qs, 50).get_page(request.GET.get("page")),
        "status": status,
        "channel": channel,
        "statuses": [(value, label, counts.get(value, 0)) for value, label in Status.choices],
        "channels": ChannelName.choices,
    }
    return render(request, "notify/outbox.html", context)


def local_sms_available() -> bool:
    """Never in production; otherwise when debugging or while SMS goes to the local channel."""
    if getattr(settings, "PRODUCTION", False):
        return False
    return bool(settings.DEBUG) or is_local(ChannelName.SMS)


def local_sms(request):
    """The pretend phone: SMS the local channel delivered, newest first, with their full text.

    Lets someone trying the demo read their verification code, and the browser tests too (each item
    carries data-phone and data-code). An htmx request gets just the list, to refresh it in place.
    """
    if not local_sms_available():
        raise Http404("本地短信页面未启用")
    phone = request.GET.get("phone", "").strip()
    qs = LocalDelivery.objects.filter(channel=ChannelName.SMS).order_by("-id")
    if phone:
        qs = qs.filter(recipient=phone)
    context = {"deliveries": qs[:50], "phone": phone}
    template = "notify/_local_sms_list.html" if request.htmx else "notify/local_sms.html"
    return render(request, template, context)
