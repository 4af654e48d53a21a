"""Keep a town or city admin's session on the code pages until the second factor is given.

Let through: the code and setup pages, logout, the large-text switch, and static files. API paths are
never redirected (apps get their tokens from POST /api/v1/auth/token, which asks for the code itself),
but a pending session does not count as signed in there: the request goes on as anonymous, so session
authentication cannot be used to go around the second factor. A session that gave a code from a device
which was since reset is signed out.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse

from . import otp

API_PREFIX = "/api/"
MSG_SIGNED_OUT = "您的动态验证码已被重置，请重新登录并设置验证器"


@cache
def _open_paths() -> tuple[str, ...]:
    names = ["accounts:otp_verify", "accounts:otp_setup", "accounts:logout", "accounts:large_text"]
    return tuple(reverse(name) for name in names)


def _is_open(path: str) -> bool:
    static = "/" + settings.STATIC_URL.lstrip("/")
    return path in _open_paths() or path.startswith(static)


def _next_for(request) -> str:
    """Where to return after the code: the page asked for (GET), or the page htmx was on."""
    if request.headers.get("HX-Request"):
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        return current.path + (f"?{current.query}" if current.query else "")
    if request.method in {"GET", "HEAD"}:
        return request.get_full_path()
    return ""


async def _anonymous() -> AnonymousUser:
    return AnonymousUser()


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.ADMIN_TOTP_REQUIRED and otp.is_pending(request):
            if otp.is_stale(request):
                logout(request)
                if not request.path.startswith(API_PREFIX):
                    messages.warning(request, MSG_SIGNED_OUT)
                    return _redirect(request, reverse("accounts:login"))
            if request.path.startswith(API_PREFIX):
                request.user = AnonymousUser()
                request.auser = _anonymous
            elif not _is_open(request.path):
                return self._to_code_page(request)
        return self.get_response(request)

    @staticmethod
    def _to_code_page(request) -> HttpResponse:
        target = reverse("accounts:otp_verify")
        nxt = _next_for(request)
        if nxt:
            target += "?" + urlencode({"next": nxt})
        return _redirect(request, target)


def _redirect(request, target: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target  # htmx swaps nothing and loads the page instead
        return response
    return HttpResponseRedirect(target)
