"""Writes to stations. Every change is checked, saved whole or not at all, and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.lib.codes import new_code
from lingong.lib.geo import in_city
from lingong.lib.phone import normalize_contact_phone

from .hours import format_exceptions, weekly_summary
from .models import (
    Facility,
    HostVenue,
    HoursException,
    OpeningHours,
    OperatingMode,
    Service,
    Station,
    StationKind,
    StationStatus,
    Town,
)
from .naming import name_problems, normalize_name

# Fields a coordinator may change on their own station; admins may change everything.
OPERATIONS_FIELDS = ("phone", "contact_name", "services", "facilities", "occupations")
FULL_FIELDS = (
    "name",
    "kind",
    "town",
    "industry",
    "address",
    "lat",
    "lng",
    "host_venue",
    "host_venue_name",
    "operating_mode",
    "status",
    "status_since",
    "accepted_on",
    *OPERATIONS_FIELDS,
)


def snapshot(station: Station) -> dict[str, Any]:
    """A readable picture of a station for the audit log's before/after."""
    return {
        "name": station.name,
        "kind": station.kind,
        "town": station.town.name if station.town_id else None,
        "industry": station.industry,
        "address": station.address,
        "lat": station.lat,
        "lng": station.lng,
        "phone": station.phone,
        "contact_name": station.contact_name,
        "host_venue": station.host_venue,
        "host_venue_name": station.host_venue_name,
        "services": list(station.services),
        "facilities": list(station.facilities),
        "occupations": list(station.occupations),
        "operating_mode": station.operating_mode,
        "is_demo_site": station.is_demo_site,
        "status": station.status,
        "status_since": station.status_since,
        "accepted_on": station.accepted_on,
        "hours": dict(weekly_summary(station)) if station.pk else {},
        "exceptions": format_exceptions(station) if station.pk else "",
    }


def _clean_choices(values, choices: type, label: str, errors: dict) -> list[str]:
    values = list(dict.fromkeys(values or []))
    unknown = [v for v in values if v not in choices.values]  # type: ignore[attr-defined]
    if unknown:
        errors.setdefault(label, []).append(f"未知的选项：{'、'.join(map(str, unknown))}")
    return [v for v in values if v in choices.values]  # type: ignore[attr-defined]


def clean_station_data(data: dict[str, Any], *, instance: Station | None = None) -> dict[str, Any]:
    """The one validation path for station data (forms and API). Raises ValidationError in Chinese."""
    errors: dict[str, list[str]] = {}
    out = dict(data)
    merged = {f: getattr(instance, f) for f in FULL_FIELDS if instance is not None and f != "town"}
    if instance is not None:
        merged["town"] = instance.town
    merged.update(data)

    if "phone" in data:
        if data["phone"]:
            try:
                out["phone"] = normalize_contact_phone(data["phone"])
            except ValueError as exc:
                errors.setdefault("phone", []).append(str(exc))
        else:
            out["phone"] = ""
    if "contact_name" in data:
        out["contact_name"] = (data["contact_name"] or "").strip()
    choices: type[models.TextChoices]
    for field, choices in (("services", Service), ("facilities", Facility)):
        if field in data:
            out[field] = _clean_choices(data[field], choices, field, errors)
    if "occupations" in data:
        items = data["occupations"]
        if isinstance(items, str):
            items = items.replace("，", "、").replace(",", "、").split("、")
        out["occupations"] = [o.strip() for o in dict.fromkeys(items or []) if o and o.strip()][:30]
    creating = instance is None
    if creating or "name" in data or "kind" in data or "town" in data or "industry" in data:
        name = normalize_name(merged.get("name") or "")
        out["name"] = name
        kind, town = merged.get("kind"), merged.get("town")
        if kind not in StationKind.values:
            errors.setdefault("kind", []).append("请选择站点类型：零工市场或就业驿站")
        if not isinstance(town, Town):
            errors.setdefault("town", []).append("请选择所在镇街")
        else:
            problems = name_problems(name, kind or "", town, (merged.get("industry") or "").strip())
            if problems:
                errors.setdefault("name", []).extend(problems)
            clash = Station.objects.filter(name=name)
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if name and clash.exists():
                errors.setdefault("name", []).append("已有同名站点")
    if creating or "lat" in data or "lng" in data:
        try:
            point: tuple[float, float] | None = (float(merged["lat"]), float(merged["lng"]))
        except (KeyError, TypeError, ValueError):
            point = None
        if point is None:
            errors.setdefault("lat", []).append("请在地图上选点或填写经纬度")
        elif not in_city(*point):
            errors.setdefault("lat", []).append(
                "坐标不在中山市范围内，请核对（纬度约 22.2–22.8，经度约 113.1–113.7）"
            )
    for field, choices in (
        ("host_venue", HostVenue),
        ("operating_mode", OperatingMode),
        ("status", StationStatus),
    ):
        if data.get(field) and data[field] not in choices.values:
            errors.setdefault(field, []).append("请从列表中选择")
    old_status = instance.status if instance is not None else None
    old_since = instance.status_since if instance is not None else None
    status_changed = "status" in data and data["status"] != old_status
    if not merged.get("status_since") or (status_changed and merged.get("status_since") == old_since):
        # A new status starts today unless the person gave its date.
        out["status_since"] = timezone.localdate()
    if merged.get("status") == StationStatus.OPERATING and not merged.get("accepted_on"):
        # An operating station has passed acceptance; record the day it started operating.
        out["accepted_on"] = out.get("status_since") or merged.get("status_since")
    if errors:
        raise ValidationError(errors)
    return out


def _apply(station: Station, data: dict[str, Any], fields: tuple[str, ...]) -> None:
    for field in fields:
        if field in data:
            setattr(station, field, data[field])


def _set_hours(station: Station, hours: dict[int, list[tuple[dt.time, dt.time]]] | None, exceptions) -> None:
    if hours is not None:
        station.opening_hours.all().delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(station=station, weekday=day, opens=o, closes=c)
            for day, intervals in sorted(hours.items())
            for o, c in intervals
        )
    if exceptions is not None:
        station.hours_exceptions.all().delete()
        HoursException.objects.bulk_create(HoursException(station=station, **row) for row in exceptions)


def _check_town_scope(actor: User, town: Town) -> None:
    if not (actor.is_city_admin or town.id in actor.admin_town_ids):
        raise PermissionDenied("只能管理本镇街的站点")


@transaction.atomic
def create_station(*, actor: User, data: dict[str, Any], hours=None, exceptions=None) -> Station:
    town = data.get("town")
    if isinstance(town, Town):
        _check_town_scope(actor, town)
    elif not actor.is_city_admin and not actor.admin_town_ids:
        raise PermissionDenied("没有新建站点的权限")
    cleaned = clean_station_data({**data}, instance=None)
    station = Station(code=new_code("ST"), status_since=timezone.localdate())
    _apply(station, cleaned, FULL_FIELDS)
    if actor.is_city_admin and "is_demo_site" in data:
        station.is_demo_site = bool(data["is_demo_site"])
    try:
        with transaction.atomic():
            station.save()
    except IntegrityError:
        # The unique name is the only constraint left that clean_station_data cannot see (a race).
        raise ValidationError({"name": ["已有同名站点"]}) from None
    _set_hours(station, hours, exceptions)
    audit.record(
        actor, "station.create", station, summary=f"新建站点 {station.name}", after=snapshot(station)
    )
    return station


@transaction.atomic
def update_station(
    station: Station, *, actor: User, data: dict[str, Any], hours=None, exceptions=None
) -> Station:
    """Full edit by a town admin (own town) or a city admin."""
    station = Station.objects.select_for_update(of=("self",)).get(pk=station.pk)
    if not Station.objects.editable_by(actor).filter(pk=station.pk).exists():
        raise PermissionDenied("只能管理本镇街的站点")
    if isinstance(data.get("town"), Town) and data["town"].id != station.town_id:
        _check_town_scope(actor, data["town"])
    before = snapshot(station)
    cleaned = clean_station_data(data, instance=station)
    _apply(station, cleaned, FULL_FIELDS)
    if actor.is_city_admin and "is_demo_site" in data:
        station.is_demo_site = bool(data["is_demo_site"])
    station.save()
    _set_hours(station, hours, exceptions)
    b, a = audit.diff(before, snapshot(station))
    audit.record(
        actor, "station.update", station, summary=f"修改站点：{'、'.join(a) or '无变化'}", before=b, after=a
    )
    return station


@transaction.atomic
def update_station_operations(
    station: Station, *, actor: User, data: dict[str, Any], hours=None, exceptions=None
) -> Station:
    """Hours, contacts and services: what a station's own coordinators keep up to date."""
    station = Station.objects.select_for_update(of=("self",)).get(pk=station.pk)
    if not Station.objects.operable_by(actor).filter(pk=station.pk).exists():
        raise PermissionDenied("只能维护本站点的信息")
    before = snapshot(station)
    limited = {k: v for k, v in data.items() if k in OPERATIONS_FIELDS}
    cleaned = clean_station_data(limited, instance=station)
    _apply(station, cleaned, OPERATIONS_FIELDS)
    station.save()
    _set_hours(station, hours, exceptions)
    b, a = audit.diff(before, snapshot(station))
    audit.record(
        actor,
        "station.operations",
        station,
        summary=f"维护站点：{'、'.join(a) or '无变化'}",
        before=b,
        after=a,
    )
    return station


@transaction.atomic
def note_ledger_activity(station: Station, day: dt.date) -> None:
    """Called by the service ledger when an entry is written; keeps compliance checks cheap."""
    Station.objects.filter(pk=station.pk).exclude(ledger_last_entry_on__gte=day).update(
        ledger_last_entry_on=day
    )
