"""Partners and volunteers of a station (P-19): registering and keeping them up to date, audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.lib.codes import new_code
from lingong.lib.phone import normalize_contact_phone
from lingong.places.models import Station

from .models import Partner, PartnerKind
from .services import may_keep_ledger

FIELDS = ("kind", "name", "contact_name", "phone", "offers", "active")


def snapshot(partner: Partner) -> dict[str, Any]:
    return {"station": partner.station.name, **{f: getattr(partner, f) for f in FIELDS}}


def clean_partner_data(data: dict[str, Any]) -> dict[str, Any]:
    """The one validation path for partner data (forms and tests). Raises ValidationError in Chinese."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    if "kind" in data:
        if data["kind"] not in PartnerKind.values:
            errors.setdefault("kind", []).append("请选择类型：志愿者、人力资源服务机构或其他")
        out["kind"] = data["kind"]
    if "name" in data:
        name = (data["name"] or "").strip()
        if not name:
            errors.setdefault("name", []).append("请填写名称或姓名")
        elif len(name) > 60:
            errors.setdefault("name", []).append("名称最多 60 个字")
        out["name"] = name
    if "contact_name" in data:
        contact = (data["contact_name"] or "").strip()
        if len(contact) > 30:
            errors.setdefault("contact_name", []).append("联系人最多 30 个字")
        out["contact_name"] = contact
    if "phone" in data:
        phone = (data["phone"] or "").strip()
        if phone:
            try:
                phone = normalize_contact_phone(phone)
            except ValueError as exc:
                errors.setdefault("phone", []).append(str(exc))
        out["phone"] = phone
    if "offers" in data:
        offers = (data["offers"] or "").strip()
        if len(offers) > 300:
            errors.setdefault("offers", []).append("提供的服务最多 300 个字")
        out["offers"] = offers
    if "active" in data:
        out["active"] = bool(data["active"])
    if errors:
        raise ValidationError(errors)
    return out


def _save(partner: Partner, **kwargs: Any) -> None:
    try:
        with transaction.atomic():
            partner.save(**kwargs)
    except IntegrityError:
        raise ValidationError({"name": ["本站点已有同名的合作伙伴"]}) from None


@transaction.atomic
def create_partner(*, actor: User, station: Station, data: dict[str, Any]) -> Partner:
    if not may_keep_ledger(actor, station):
        raise PermissionDenied("只能为本站点登记合作伙伴")
    cleaned = clean_partner_data({"kind": "", "name": "", **data})
    partner = Partner(code=new_code("PT"), station=station, created_by=actor, **cleaned)
    _save(partner)
    audit.record(actor, "partner.create", partner, summary=f"登记合作伙伴 {partner}", after=snapshot(partner))
    return partner


@transaction.atomic
def update_partner(partner: Partner, *, actor: User, data: dict[str, Any]) -> Partner:
    partner = Partner.objects.select_for_update(of=("self",)).select_related("station").get(pk=partner.pk)
    if not may_keep_ledger(actor, partner.station):
        raise PermissionDenied("只能维护本站点的合作伙伴")
    before = snapshot(partner)
    cleaned = clean_partner_data({k: v for k, v in data.items() if k in FIELDS})
    for field, value in cleaned.items():
        setattr(partner, field, value)
    _save(partner, update_fields=[*cleaned, "updated_at"])
    b, a = audit.diff(before, snapshot(partner))
    audit.record(
        actor,
        "partner.update",
        partner,
        summary=f"修改合作伙伴：{'、'.join(a) or '无变化'}",
        before=b,
        after=a,
    )
    return partner
