"""Public event pages: the list, each event's publicity page, sign-up (online and by QR on the spot), the
QR code and a printable poster."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lingong.content.kiosk import absolute_url, qr_svg
from lingong.gigs.models import Gig
from lingong.lib.forms import error_messages
from lingong.places.models import Town
from lingong.workers.models import Worker

from . import signups
from .access import event_for_reader
from .models import Event, EventEmployer, EventKind, EventStatus, SignupSource, SignupStatus
from .services import outcome_totals


def event_list(request):
    """Upcoming events (报名中) by date, and the latest held ones (往期活动)."""
    now = timezone.now()
    upcoming = Event.objects.upcoming(now).select_related("station", "town")
    kind, town = request.GET.get("kind", ""), request.GET.get("town", "")
    if kind in EventKind.values:
        upcoming = upcoming.filter(kind=kind)
    if town.isdigit():
        upcoming = upcoming.filter(town__code=town)
    past = Event.objects.filter(status=EventStatus.HELD).select_related("town").order_by("-starts_at")[:10]
    context = {
        "events": upcoming.order_by("starts_at")[:100],
        "past": past,
        "kinds": EventKind.choices,
        "towns": Town.objects.all(),
        "kind": kind,
        "town": town,
    }
    return render(request, "events/list.html", context)


def signup_url(request, event: Event) -> str:
    """What the QR code on the page and the poster opens: the sign-up page, marked as on-the-spot."""
    return absolute_url(request, reverse("events:signup", args=[event.code]) + "?via=qr")


def _my_signup(request, event: Event):
    user = request.user
    if not user.is_authenticated:
        return None
    return event.signups.filter(worker__user=user, status=SignupStatus.ACTIVE).first()


def _participants(event: Event):
    public = Gig.objects.public().select_related("town")
    return (
        EventEmployer.objects.filter(event=event)
        .select_related("employer")
        .prefetch_related(Prefetch("gigs", queryset=public, to_attr="open_gigs"))
    )


def event_detail(request, code: str):
    """The publicity page: when, where, who is hiring what, places left, sign-up, and a QR for posters."""
    event, can_manage = event_for_reader(request, code)
    context = {
        "event": event,
        "can_manage": can_manage,
        "participants": _participants(event),
        "my_signup": _my_signup(request, event),
        "is_worker": request.user.is_authenticated and Worker.objects.filter(user=request.user).exists(),
        "open": event.signup_open(),
        "qr": qr_svg(signup_url(request, event), scale=5, title="扫码报名"),
        "signup_url": signup_url(request, event),
        "totals": outcome_totals(event) if event.status == EventStatus.HELD else None,
        "attended": event.signups.filter(status=SignupStatus.ACTIVE, checked_in_at__isnull=False).count()
        if event.status == EventStatus.HELD
        else 0,
    }
    return render(request, "events/detail.html", context)


def signup(request, code: str):
    """The page behind the QR code and the 报名 button: one tap for a signed-in worker."""
    event, _ = event_for_reader(request, code)
    via_qr = request.GET.get("via") == "qr" or request.POST.get("via") == "qr"
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        try:
            signups.sign_up(
                event, actor=request.user, source=SignupSource.QR if via_qr else SignupSource.ONLINE
            )
        except signups.SignupConflict as exc:
            messages.error(request, " ".join(exc.messages))
            status = 409
        except ValidationError as exc:
            for msgs in error_messages(exc).values():
                for msg in msgs:
                    messages.error(request, msg)
            status = 400
        else:
            messages.success(request, f"报名成功！请按时到{event.place_label}参加。")
            return redirect("events:detail", code=event.code)
    context = {
        "event": event,
        "via_qr": via_qr,
        "my_signup": _my_signup(request, event),
        "is_worker": request.user.is_authenticated and Worker.objects.filter(user=request.user).exists(),
        "open": event.signup_open(),
        "next": request.get_full_path(),
    }
    return render(request, "events/signup.html", context, status=status)


@login_required
@require_POST
def cancel_signup(request, code: str):
    event, _ = event_for_reader(request, code)
    mine = _my_signup(request, event)
    if mine is None:
        raise PermissionDenied("您没有报名这场活动")
    try:
        signups.cancel_signup(mine, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "已取消报名")
    return redirect("events:detail", code=event.code)


def qr_code(request, code: str):
    """The sign-up QR code as an SVG file, for posters and the station's screens."""
    event, _ = event_for_reader(request, code)
    svg = qr_svg(signup_url(request, event), scale=10, title=event.title)
    return HttpResponse(svg, content_type="image/svg+xml")


def poster(request, code: str):
    """A printable A4 poster: the essentials in large type and the sign-up QR code."""
    event, _ = event_for_reader(request, code)
    context = {
        "event": event,
        "participants": _participants(event),
        "qr": qr_svg(signup_url(request, event), scale=8, title="扫码报名"),
        "signup_url": signup_url(request, event),
    }
    return render(request, "events/poster.html", context)
