"""The second-factor pages: enter the code from the authenticator app, or set the app up first."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache

from lingong.lib import totp

from . import otp
from .forms import OtpForm


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return reverse("home")
    return target


def _with_next(name: str, target: str) -> str:
    return reverse(name) + "?" + urlencode({"next": target})


def _done(request, target: str):
    otp.mark_verified(request)
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
            otp.verify_code(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            return _done(request, target)
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
            otp.confirm_enrolment(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            messages.success(request, "动态验证码已设置。以后登录时，输入密码后再输入验证器上的数字即可")
            return _done(request, target)
    uri = otp.provisioning_uri(device)
    context = {
        "form": form,
        "next": target,
        "secret": totp.grouped(otp.device_secret(device)),
        "qr_svg": segno.make(uri, error="m").svg_inline(scale=4, omitsize=True, title="用验证器应用扫码"),
        "locked": otp.is_locked(device),
    }
    return render(request, "accounts/otp_setup.html", context)
