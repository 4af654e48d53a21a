"""System checks: say so when production would send SMS to the local log instead of phones."""

from django.conf import settings
from django.core.checks import Info, register

from .channels import is_local


@register(deploy=True)
def sms_channel_configured(app_configs, **kwargs):
    # Info, not Warning: a deployment may launch without SMS (accounts by password only), and
    # `check --deploy --fail-level WARNING` must stay clean for it.
    if getattr(settings, "PRODUCTION", False) and is_local("sms"):
        return [
            Info(
                "SMS goes to the local log (var/notify/outbox.log), not to phones.",
                hint="Set NOTIFY_CHANNELS['sms'] to lingong.notify.channels.AliyunSmsChannel "
                "and fill NOTIFY_ALIYUN_SMS.",
                id="notify.I001",
            )
        ]
    return []
