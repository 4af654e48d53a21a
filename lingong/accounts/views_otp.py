"""The second-factor pages: enter the code from the authenticator app, set the app up first, and the
city admins' list of every admin's device with a reset for a lost phone."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache

from lingong.lib import totp

from . import otp
from .forms import OtpForm
from .models import Membership, Role, User


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return reverse("home")
    return target


def _with_next(name: str, target: str) -> str:
    return reverse(name) + "?" + urlencode({"next": target})


def _done(request, target: str, device):
    otp.mark_verified(request, device)
    return redirect(target)


@never_cache
@login_required
def verify(request):
    """Second step of an admin's sign-in: the 6-digit code from the app."""
    target = _next(request)
    if not otp.is_pending(request):
        return redirect(target)
    device = otp.confirmed_device(request.user)
    if device is None:
        return redirect(_with_next("accounts:otp_setup", target))
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = otp.verify_code(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            return _done(request, target, device)
    context = {"form": form, "next": target, "locked": otp.is_locked(device)}
    return render(request, "accounts/otp_verify.html", context)


@never_cache
@login_required
def setup(request):
    """First sign-in of an admin: scan the QR code (or type the secret), then confirm with a code."""
    target = _next(request)
    if not otp.is_pending(request):
        return redirect(target)
    if otp.confirmed_device(request.user) is not None:
        return redirect(_with_next("accounts:otp_verify", target))
    device = otp.start_enrolment(user=request.user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = otp.confirm_enrolment(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            messages.success(request, "动态验证码已设置。以后登录时，输入密码后再输入验证器上的数字即可")
            return _done(request, target, device)
    uri = otp.provisioning_uri(device)
    context = {
        "form": form,
        "next": target,
        "secret": totp.grouped(otp.device_secret(device)),
        "qr_svg": segno.make(uri, error="m").svg_inline(scale=4, omitsize=True, title="用验证器应用扫码"),
        "locked": otp.is_locked(device),
    }
    return render(request, "accounts/otp_setup.html", context)


ADMIN_ROLES = (Role.CITY_ADMIN, Role.TOWN_ADMIN)


@never_cache
@login_required
def admins(request):
    """Every town and city admin with the state of their authenticator; a city admin resets a lost one.

    A reset removes the device, signs out the sessions that gave its codes and revokes the admin's API
    tokens; the admin sets up the new phone at the next login."""
    if not request.user.is_city_admin:
        raise PermissionDenied("只有市级管理员可以管理动态验证码")
    if request.method == "POST":
        user = get_object_or_404(User, username=request.POST.get("reset", ""))
        if request.POST.get("confirm") != "yes":
            messages.error(request, f"请勾选“确认 {user} 的手机已丢失或更换”后再重置")
        else:
            try:
                done = otp.reset_device(actor=request.user, user=user)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
            else:
                if done:
                    messages.success(
                        request, f"已重置 {user} 的动态验证码：其已登录的会话将退出，下次登录时重新设置"
                    )
                else:
                    messages.info(request, f"{user} 还没有设置动态验证码，无需重置")
        return redirect("accounts:otp_admins")
    held = Membership.objects.filter(active=True, role__in=ADMIN_ROLES).select_related("town")
    people = (
        User.objects.filter(memberships__in=held)
        .distinct()
        .select_related("totp_device")
        .prefetch_related(Prefetch("memberships", queryset=held, to_attr="admin_roles"))
        .order_by("username")
    )
    rows = [_admin_row(u) for u in people]
    return render(request, "accounts/otp_admins.html", {"rows": rows})


def _admin_row(user: User) -> dict:
    try:
        device = user.totp_device
    except User.totp_device.RelatedObjectDoesNotExist:
        device = None
    if device is None:
        state = "未设置（下次登录时设置）"
    elif device.confirmed_at is None:
        state = "设置中（尚未输入第一个验证码）"
    elif otp.is_locked(device):
        state = f"输错过多，锁定至 {timezone.localtime(device.locked_until):%H:%M}"
    else:
        state = f"已启用（{timezone.localtime(device.confirmed_at):%Y-%m-%d}）"
    roles = "、".join(str(m) for m in user.admin_roles)  # type: ignore[attr-defined]
    return {"user": user, "device": device, "state": state, "roles": roles}
