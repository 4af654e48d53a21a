"""System checks for sign-in security under production settings."""

from django.conf import settings
from django.core.checks import Error, register


@register(deploy=True)
def admin_second_factor_required(app_configs, **kwargs):
    # settings.py already refuses to start; this also catches a settings module that overrides it.
    if getattr(settings, "PRODUCTION", False) and not getattr(settings, "ADMIN_TOTP_REQUIRED", False):
        return [
            Error(
                "Town and city admins can sign in without a second factor.",
                hint="Set ADMIN_TOTP_REQUIRED=1 (QUALITY.md: TOTP for town and city admins).",
                id="accounts.E001",
            )
        ]
    return []
