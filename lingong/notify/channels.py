"""Delivery channels behind one interface: ``Channel.send(message) -> provider message id``.

A channel raises ``TemporaryFailure`` when trying again later may work (network, 5xx, throttling) and
``PermanentFailure`` when it never will (bad number, rejected template). Which class serves which
channel comes from ``settings.NOTIFY_CHANNELS`` (channel -> dotted path); by default every channel is
the ``LocalLogChannel``, which sends nothing and keeps what it would have sent where people can read it.

The HTTP adapters take a ``transport`` callable, so tests drive them with a fake transport and never
reach the network.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import http.client
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.error import HTTPError
from urllib.parse import quote
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from .models import OutboxMessage

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """Base of the two outcomes a channel may report instead of a provider id."""


class TemporaryFailure(DeliveryError):
    """Try again later (with backoff)."""


class PermanentFailure(DeliveryError):
    """Never try again: the message is marked failed."""


class Channel:
    """Send one outbox message; return the provider's message id."""

    def send(self, message: OutboxMessage) -> str:
        raise NotImplementedError


DEFAULT_CHANNELS = {
    "sms": "lingong.notify.channels.LocalLogChannel",
    "wechat": "lingong.notify.channels.LocalLogChannel",
    "inapp": "lingong.notify.channels.LocalLogChannel",
}


def channel_path(name: str) -> str:
    configured = getattr(settings, "NOTIFY_CHANNELS", None) or {}
    path = {**DEFAULT_CHANNELS, **configured}.get(name)
    if not path:
        raise PermanentFailure(f"没有配置通知渠道 {name!r}")
    return path


def get_channel(name: str) -> Channel:
    """A fresh instance per delivery: cheap, and it follows settings changes without a restart."""
    cls = import_string(channel_path(name))
    return cls()


def is_local(name: str) -> bool:
    """True when the channel's messages go to the local log instead of a real gateway."""
    try:
        cls = import_string(channel_path(name))
    except (PermanentFailure, ImportError):
        return False
    return isinstance(cls, type) and issubclass(cls, LocalLogChannel)


# --- local channel -----------------------------------------------------------------------------


def local_log_path() -> Path:
    configured = getattr(settings, "NOTIFY_LOCAL_LOG", None)
    if configured:
        return Path(configured)
    return Path(settings.VAR_DIR) / "notify" / "outbox.log"


class LocalLogChannel(Channel):
    """Keeps each message in the LocalDelivery table and appends a JSON line to var/notify/outbox.log.

    For development, the demo and tests: nothing leaves the machine. Idempotent per outbox message, so
    a redelivery after a crashed consumer neither duplicates the row nor the log line.
    """

    def send(self, message: OutboxMessage) -> str:
        from .models import LocalDelivery

        provider_id = f"local-{message.pk}"
        now = timezone.now()
        delivery, created = LocalDelivery.objects.get_or_create(
            message=message,
            defaults={
                "channel": message.channel,
                "recipient": message.recipient,
                "template": message.template,
                "text": message.text,
                "params": message.params,
                "provider_id": provider_id,
                "delivered_at": now,
            },
        )
        if created:
            self._append_log(message, provider_id, now)
        return delivery.provider_id

    @staticmethod
    def _append_log(message: OutboxMessage, provider_id: str, now: dt.datetime) -> None:
        path = local_log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {
                "at": now.isoformat(),
                "id": message.pk,
                "provider_id": provider_id,
                "channel": message.channel,
                "recipient": message.recipient,
                "template": message.template,
                "params": message.params,
                "text": message.text,
            },
            ensure_ascii=False,
        )
        # One write of one line in append mode: lines from several processes do not interleave.
        with path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")


# --- HTTP plumbing shared by the gateway adapters ----------------------------------------------


@dataclass
class HttpRequest:
    method: str
    url: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float = 10.0


@dataclass
class HttpResponse:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


Transport = Callable[[HttpRequest], HttpResponse]


def urllib_transport(request: HttpRequest) -> HttpResponse:
    """POST/GET with urllib and a timeout. HTTP errors become responses; network errors propagate."""
    if not request.url.startswith("https://"):
        raise PermanentFailure("网关地址必须使用 https")
    req = Request(  # noqa: S310 - the scheme is checked above
        request.url, data=request.body or None, headers=request.headers, method=request.method
    )
    try:
        with urlopen(req, timeout=request.timeout) as resp:  # noqa: S310 - https only, checked above
            return HttpResponse(resp.status, resp.read())
    except HTTPError as exc:
        return HttpResponse(exc.code, exc.read() or b"")


def _call(transport: Transport, request: HttpRequest) -> HttpResponse:
    """Run the transport; anything that is not an HTTP answer (timeout, DNS, reset) is temporary."""
    try:
        return transport(request)
    except DeliveryError:
        raise
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise TemporaryFailure(f"网络错误：{exc}") from exc


# --- Aliyun SMS (dysmsapi SendSms, RPC style, signature version 1.0) ---------------------------


def _percent_encode(value: str) -> str:
    # RFC 3986: only A-Z a-z 0-9 - _ . ~ stay as they are; space is %20, not "+".
    return quote(value, safe="-_.~")


def aliyun_signature(params: dict[str, str], secret: str, method: str = "POST") -> str:
    """Base64(HMAC-SHA1(secret + "&", METHOD&%2F&encoded(canonical query)))."""
    canonical = "&".join(f"{_percent_encode(k)}={_percent_encode(v)}" for k, v in sorted(params.items()))
    string_to_sign = f"{method}&{_percent_encode('/')}&{_percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSmsChannel(Channel):
    """Aliyun 短信服务 SendSms. Configuration: ``settings.NOTIFY_ALIYUN_SMS``::

        {"access_key_id": …, "access_key_secret": …, "sign_name": "中山零工市场",
         "templates": {"sms_code": "SMS_123456789"},           # our template code -> theirs
         "endpoint": "https://dysmsapi.aliyuncs.com/", "region": "cn-hangzhou", "timeout": 10}

    Missing configuration is a temporary failure, so messages wait (and retry) while an operator
    fixes the settings instead of being lost.
    """

    # Codes that clear up by themselves: throttling, provider errors, an account that needs topping up.
    TEMPORARY_CODES = frozenset(
        {
            "isp.SYSTEM_ERROR",
            "isp.RAM_PERMISSION_DENY",
            "isv.BUSINESS_LIMIT_CONTROL",
            "isv.DAY_LIMIT_CONTROL",
            "isv.AMOUNT_NOT_ENOUGH",
            "isv.OUT_OF_SERVICE",
            "Throttling.User",
            "Throttling",
            "ServiceUnavailable",
            "InternalError",
        }
    )

    def __init__(self, *, config: dict | None = None, transport: Transport | None = None) -> None:
        self.config = {**(getattr(settings, "NOTIFY_ALIYUN_SMS", None) or {}), **(config or {})}
        self.transport: Transport = transport or urllib_transport

    def build_request(
        self, message: OutboxMessage, *, now: dt.datetime | None = None, nonce: str | None = None
    ) -> HttpRequest:
        cfg = self.config
        missing = [k for k in ("access_key_id", "access_key_secret", "sign_name") if not cfg.get(k)]
        if missing:
            raise TemporaryFailure(f"阿里云短信未配置：{', '.join(missing)}")
        template_code = (cfg.get("templates") or {}).get(message.template)
        if not template_code:
            raise TemporaryFailure(f"阿里云短信未配置模板 {message.template}")
        now = now or timezone.now()
        params = {
            "AccessKeyId": cfg["access_key_id"],
            "Action": "SendSms",
            "Format": "JSON",
            # Our message id travels with the SMS so a delivery receipt can be matched to it.
            "OutId": str(message.pk),
            "PhoneNumbers": message.recipient,
            "RegionId": cfg.get("region", "cn-hangzhou"),
            "SignName": cfg["sign_name"],
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce or uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": template_code,
            "TemplateParam": json.dumps(
                {k: str(v) for k, v in message.params.items()}, ensure_ascii=False, separators=(",", ":")
            ),
            "Timestamp": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        params["Signature"] = aliyun_signature(params, cfg["access_key_secret"], "POST")
        return HttpRequest(
            method="POST",
            url=cfg.get("endpoint", "https://dysmsapi.aliyuncs.com/"),
            body="&".join(f"{_percent_encode(k)}={_percent_encode(v)}" for k, v in params.items()).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            timeout=float(cfg.get("timeout", 10)),
        )

    def send(self, message: OutboxMessage) -> str:
        response = _call(self.transport, self.build_request(message))
        return self.interpret(response)

    def interpret(self, response: HttpResponse) -> str:
        try:
            data = response.json()
        except (ValueError, UnicodeDecodeError):
            data = {}
        code = str(data.get("Code", "")) if isinstance(data, dict) else ""
        detail = f"HTTP {response.status} {code} {data.get('Message', '') if isinstance(data, dict) else ''}"
        if response.status >= 500 or response.status == 429:
            raise TemporaryFailure(detail.strip())
        if response.status >= 400:
            if code in self.TEMPORARY_CODES or code.startswith("Throttling"):
                raise TemporaryFailure(detail.strip())
            raise PermanentFailure(detail.strip())
        if code == "OK":
            return str(data.get("BizId") or data.get("RequestId") or "")
        if not code:
            raise TemporaryFailure(f"HTTP {response.status} 无法解析的应答")
        if code in self.TEMPORARY_CODES:
            raise TemporaryFailure(detail.strip())
        raise PermanentFailure(detail.strip())


# --- WeChat official account template messages -------------------------------------------------


class WeChatTemplateChannel(Channel):
    """微信公众号模板消息. Configuration: ``settings.NOTIFY_WECHAT``::

        {"app_id": …, "app_secret": …, "templates": {"gig_offer": "template-id"},
         "api": "https://api.weixin.qq.com", "timeout": 10}

    The recipient is the user's openid; message params become the template's data fields. The access
    token comes from the stable_token endpoint (which does not invalidate tokens held by other
    machines) and is kept in Django's cache.
    """

    TOKEN_ERRORS = frozenset({40001, 40014, 42001})  # token invalid or expired: refresh and retry
    TEMPORARY_ERRORS = frozenset({-1, 45009, 45011})  # system busy, rate limits

    def __init__(self, *, config: dict | None = None, transport: Transport | None = None) -> None:
        self.config = {**(getattr(settings, "NOTIFY_WECHAT", None) or {}), **(config or {})}
        self.transport: Transport = transport or urllib_transport

    @property
    def _api(self) -> str:
        return str(self.config.get("api", "https://api.weixin.qq.com")).rstrip("/")

    @property
    def _cache_key(self) -> str:
        return f"notify:wechat:token:{self.config.get('app_id', '')}"

    def _post_json(self, url: str, payload: dict) -> dict:
        response = _call(
            self.transport,
            HttpRequest(
                method="POST",
                url=url,
                body=json.dumps(payload, ensure_ascii=False).encode(),
                headers={"Content-Type": "application/json; charset=utf-8"},
                timeout=float(self.config.get("timeout", 10)),
            ),
        )
        if response.status >= 500 or response.status == 429:
            raise TemporaryFailure(f"HTTP {response.status}")
        if response.status >= 400:
            raise PermanentFailure(f"HTTP {response.status}")
        try:
            data = response.json()
        except (ValueError, UnicodeDecodeError):
            raise TemporaryFailure(f"HTTP {response.status} 无法解析的应答") from None
        return data if isinstance(data, dict) else {}

    def access_token(self) -> str:
        token = cache.get(self._cache_key)
        if token:
            return str(token)
        if not self.config.get("app_id") or not self.config.get("app_secret"):
            raise TemporaryFailure("微信公众号未配置 app_id/app_secret")
        data = self._post_json(
            f"{self._api}/cgi-bin/stable_token",
            {
                "grant_type": "client_credential",
                "appid": self.config["app_id"],
                "secret": self.config["app_secret"],
            },
        )
        if not data.get("access_token"):
            raise TemporaryFailure(
                f"获取微信 access_token 失败：{data.get('errcode')} {data.get('errmsg', '')}"
            )
        # Refresh five minutes early so a token never expires between the cache read and the call.
        cache.set(self._cache_key, data["access_token"], max(60, int(data.get("expires_in", 7200)) - 300))
        return str(data["access_token"])

    def send(self, message: OutboxMessage) -> str:
        template_id = (self.config.get("templates") or {}).get(message.template)
        if not template_id:
            raise TemporaryFailure(f"微信公众号未配置模板 {message.template}")
        payload: dict[str, Any] = {
            "touser": message.recipient,
            "template_id": template_id,
            "data": {k: {"value": str(v)} for k, v in message.params.items() if k != "url"},
        }
        if message.params.get("url"):
            payload["url"] = str(message.params["url"])
        token = self.access_token()
        data = self._post_json(f"{self._api}/cgi-bin/message/template/send?access_token={token}", payload)
        errcode = int(data.get("errcode", 0) or 0)
        if errcode == 0:
            return str(data.get("msgid", ""))
        detail = f"微信错误 {errcode} {data.get('errmsg', '')}".strip()
        if errcode in self.TOKEN_ERRORS:
            cache.delete(self._cache_key)
            raise TemporaryFailure(detail)
        if errcode in self.TEMPORARY_ERRORS:
            raise TemporaryFailure(detail)
        raise PermanentFailure(detail)
