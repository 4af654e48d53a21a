"""Message templates: a code, the Chinese text, and which parameters are secret.

Text is rendered when a message is enqueued and stored on the outbox row, so a consumer process never
needs the registry. Other apps register their own templates at import time of the module that
enqueues them (``texts.register("gig_offer", "…{title}…")``). Gateways with their own template
system (Aliyun SMS, WeChat) get the same code and parameters and map the code in settings.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

SIGN = "【中山零工市场】"
CODE_TTL_MINUTES = 10


@dataclass(frozen=True)
class MessageTemplate:
    code: str
    text: str
    secret_params: tuple[str, ...] = field(default=())

    @property
    def param_names(self) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(self.text) if name}


TEMPLATES: dict[str, MessageTemplate] = {}


def register(code: str, text: str, *, secret_params: tuple[str, ...] = ()) -> MessageTemplate:
    """Add a template. Registering the same code with different text is a programming error."""
    template = MessageTemplate(code, text, tuple(secret_params))
    existing = TEMPLATES.get(code)
    if existing is not None and existing != template:
        raise ValueError(f"notify template {code!r} is already registered with different text")
    TEMPLATES[code] = template
    return template


def get(code: str) -> MessageTemplate:
    try:
        return TEMPLATES[code]
    except KeyError:
        raise ValueError(f"unknown notify template {code!r}") from None


def render(code: str, params: dict) -> str:
    template = get(code)
    missing = template.param_names - set(params)
    if missing:
        raise ValueError(f"notify template {code!r} needs params {sorted(missing)}")
    return template.text.format_map(params)


SMS_CODE = register(
    "sms_code",
    SIGN + "您的验证码是{code}，{minutes}分钟内有效。如非本人操作请忽略。",
    secret_params=("code",),
)
