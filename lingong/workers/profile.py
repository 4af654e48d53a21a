"""Occupation choices for worker forms: the everyday gig list first (a tap, not typing)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from lingong.catalog.forms import occupation_code_from
from lingong.catalog.models import Certificate, GigOccupation, Occupation

from . import services
from .models import ExperienceLevel, Worker

MAX_OCCUPATIONS = 8


def gig_occupation_choices() -> list[tuple[str, str]]:
    """[(occupation code, everyday name)], one entry per code, in the catalogue's order."""
    seen: dict[str, str] = {}
    for gig in GigOccupation.objects.select_related("occupation").order_by("sort", "id"):
        seen.setdefault(gig.occupation.code, gig.name.split("/")[0])
    return list(seen.items())


def save_occupation_rows(worker: Worker, *, actor, post=None, codes=None) -> None:
    """Occupations from a form: ticked codes (`occ`) with a level each (`level_<code>`), or plain codes."""
    if codes is None:
        codes = post.getlist("occ") if post is not None else []
        if post is not None:
            # One more from the type-ahead (or a code/exact name typed without scripts).
            extra = occupation_code_from(post.get("occupation_code", ""), post.get("occupation_text", ""))
            if post.get("occupation_text", "").strip() and not extra:
                raise ValidationError(
                    {"occupations": [f"找不到工种“{post['occupation_text'].strip()}”，请从提示中选择"]}
                )
            codes = [*codes, extra]
    codes = list(dict.fromkeys(c for c in codes if c))[:MAX_OCCUPATIONS]
    found = {o.code: o for o in Occupation.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError({"occupations": [f"未知的工种代码：{'、'.join(unknown)}"]})
    items = []
    for code in codes:
        level = post.get(f"level_{code}", ExperienceLevel.SOME) if post is not None else ExperienceLevel.SOME
        items.append((found[code], level if level in ExperienceLevel.values else ExperienceLevel.SOME))
    services.set_occupations(worker, actor=actor, items=items)


CERT_ROWS = 3


def certificate_rows(worker: Worker) -> list[dict]:
    """The worker's certificates plus empty rows to add more (no scripts needed)."""
    rows = [
        {"code": c.certificate.code, "number": c.number, "expires": c.expires_on}
        for c in worker.certificates.select_related("certificate")
    ]
    return rows + [{"code": "", "number": "", "expires": None}] * CERT_ROWS


def save_certificate_rows(worker: Worker, *, actor, post) -> None:
    """cert_code / cert_number / cert_expires lists from the form; blank rows are ignored."""
    codes, numbers, expiries = (
        post.getlist("cert_code"),
        post.getlist("cert_number"),
        post.getlist("cert_expires"),
    )
    found = {c.code: c for c in Certificate.objects.filter(code__in=[c for c in codes if c])}
    items = []
    for i, code in enumerate(codes):
        if not code:
            continue
        if code not in found:
            raise ValidationError({"certificates": [f"未知的证书：{code}"]})
        raw = expiries[i] if i < len(expiries) else ""
        try:
            expires = dt.date.fromisoformat(raw) if raw else None
        except ValueError:
            raise ValidationError(
                {"certificates": [f"“{found[code].name}”的有效期格式应为 2027-06-30"]}
            ) from None
        items.append((found[code], numbers[i] if i < len(numbers) else "", expires))
    services.set_certificates(worker, actor=actor, items=items)
