"""Cleaning a gig posting: the one validation path for the posting form, the API and imports.

`clean_gig_data` turns raw values into model values or raises ValidationError with Chinese messages per
field. Shifts come as a list of {date, start, end}; an end at or before the start means the shift runs
past midnight.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from lingong.catalog.models import Certificate, Occupation, OccupationLevel
from lingong.lib.geo import in_city
from lingong.lib.phone import normalize_mobile
from lingong.places.models import Town
from lingong.places.towns import resolve_town

from .models import BookingMode, GigKind, Insurance, PayUnit, Provided, Settlement

MAX_SHIFTS = 31
MAX_DAYS_AHEAD = 90
MAX_SHIFT_HOURS = 16
MAX_HEADCOUNT = 500
# Hours a month counts for when pay is quoted by the month (21.75 days × 8 hours, the legal average).
MONTH_HOURS = Decimal("174")
TEXT_LIMITS = {"title": 60, "description": 2000, "requirements": 300, "address": 200, "contact_name": 30}


def _text(value: Any) -> str:
    return str(value or "").strip()


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


@cache
def _values(choices: type) -> frozenset[str]:
    # Django builds an enum's .values list afresh on every access; bulk imports check thousands of rows.
    return frozenset(choices.values)  # type: ignore[attr-defined]


def _choice(value: Any, choices: type, field: str, message: str, errors: dict) -> str:
    value = _text(value)
    if value not in _values(choices):
        _add(errors, field, message)
    return value


def _occupation(value: Any, errors: dict) -> Occupation | None:
    if isinstance(value, Occupation):
        return value
    code = _text(value)
    found = Occupation.objects.filter(code=code, level__gte=OccupationLevel.MINOR).first() if code else None
    if found is None:
        _add(errors, "occupation", "请从提示中选择职业（可输入“保洁”“搬运”等常用叫法）")
    return found


def _parse_date(raw: Any) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    return dt.date.fromisoformat(_text(raw))


def _parse_time(raw: Any) -> dt.time:
    if isinstance(raw, dt.time):
        return raw
    return dt.time.fromisoformat(_text(raw))


def clean_shifts(raw_shifts: Any, *, today: dt.date | None = None) -> list[tuple[dt.datetime, dt.datetime]]:
    """[(starts_at, ends_at)] as aware datetimes, sorted; ValidationError on the `shifts` field."""
    today = today or timezone.localdate()
    rows = list(raw_shifts or [])
    if not rows:
        raise ValidationError({"shifts": ["请至少填写一个用工日期和上下班时间"]})
    if len(rows) > MAX_SHIFTS:
        raise ValidationError({"shifts": [f"一次最多发布 {MAX_SHIFTS} 个班次"]})
    out: list[tuple[dt.datetime, dt.datetime]] = []
    tz = timezone.get_current_timezone()
    for n, row in enumerate(rows, start=1):
        try:
            day = _parse_date(row.get("date"))
            start, end = _parse_time(row.get("start")), _parse_time(row.get("end"))
        except (TypeError, ValueError, AttributeError):
            raise ValidationError(
                {"shifts": [f"第 {n} 个班次的日期或时间格式不对（如 2026-12-01、08:00）"]}
            ) from None
        if day < today:
            raise ValidationError({"shifts": [f"第 {n} 个班次的日期 {day} 已经过去"]})
        if day > today + dt.timedelta(days=MAX_DAYS_AHEAD):
            raise ValidationError({"shifts": [f"只能发布 {MAX_DAYS_AHEAD} 天内的用工"]})
        starts = dt.datetime.combine(day, start, tzinfo=tz)
        ends = dt.datetime.combine(day, end, tzinfo=tz)
        if ends <= starts:
            ends += dt.timedelta(days=1)  # a night shift ends the next morning
        if ends - starts > dt.timedelta(hours=MAX_SHIFT_HOURS):
            raise ValidationError({"shifts": [f"第 {n} 个班次超过 {MAX_SHIFT_HOURS} 小时，请核对上下班时间"]})
        out.append((starts, ends))
    out.sort()
    for (_, end_a), (start_b, _) in zip(out, out[1:], strict=False):
        if start_b < end_a:
            raise ValidationError({"shifts": ["班次时间有重叠，请合并或调整"]})
    return out


def hourly_pay(amount: Decimal, unit: str, shifts: list[tuple[dt.datetime, dt.datetime]]) -> Decimal | None:
    """The pay as an hourly figure, for sorting and matching; None for piece and order rates."""
    if unit == PayUnit.HOUR:
        return amount
    if unit in (PayUnit.DAY, PayUnit.SHIFT) and shifts:
        hours = Decimal(sum((e - s).total_seconds() for s, e in shifts) / 3600 / len(shifts))
        return (amount / max(hours, Decimal(1))).quantize(Decimal("0.01"))
    if unit == PayUnit.MONTH:
        return (amount / MONTH_HOURS).quantize(Decimal("0.01"))
    return None


def clean_gig_data(data: dict[str, Any], *, today: dt.date | None = None) -> dict[str, Any]:
    """Validate a whole posting. Returns model values plus `certificates` (list) and `shifts`."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for field, limit in TEXT_LIMITS.items():
        value = _text(data.get(field))
        if not value and field != "requirements":
            _add(
                errors,
                field,
                {
                    "title": "请填写标题，如“酒楼洗碗工 日结”",
                    "description": "请写清楚做什么、在哪里做、有什么要求",
                    "address": "请填写具体工作地点",
                    "contact_name": "请填写联系人",
                }[field],
            )
        elif len(value) > limit:
            _add(errors, field, f"不能超过 {limit} 个字")
        out[field] = value
    out["occupation"] = _occupation(data.get("occupation"), errors)
    try:
        headcount = int(_text(data.get("headcount")) or 0)
        if not 1 <= headcount <= MAX_HEADCOUNT:
            raise ValueError
        out["headcount"] = headcount
    except ValueError:
        _add(errors, "headcount", f"每班人数应为 1 到 {MAX_HEADCOUNT} 的整数")
    town = data.get("town")
    town = town if isinstance(town, Town) else resolve_town(_text(town))
    if town is None:
        _add(errors, "town", "请选择工作地点所在镇街")
    out["town"] = town
    try:
        lat, lng = float(data.get("lat")), float(data.get("lng"))  # type: ignore[arg-type]
        if not in_city(lat, lng):
            raise ValueError
        out["lat"], out["lng"] = lat, lng
    except (TypeError, ValueError):
        _add(errors, "lat", "请在地图上点选工作地点（须在中山市范围内）")
    try:
        amount = Decimal(_text(data.get("pay_amount")))
        if not amount.is_finite() or amount <= 0 or amount >= Decimal("1000000"):
            raise InvalidOperation
        out["pay_amount"] = amount.quantize(Decimal("0.01"))
    except InvalidOperation:
        _add(errors, "pay_amount", "请填写报酬金额（大于 0 的数字）")
    out["pay_unit"] = _choice(data.get("pay_unit"), PayUnit, "pay_unit", "请选择计酬单位", errors)
    out["settlement"] = _choice(
        data.get("settlement"), Settlement, "settlement", "请选择结算方式：日结、周结、月结或完工结", errors
    )
    out["booking_mode"] = _choice(
        data.get("booking_mode") or BookingMode.CHOOSE, BookingMode, "booking_mode", "请选择录用方式", errors
    )
    out["kind"] = _choice(data.get("kind") or GigKind.REGULAR, GigKind, "kind", "岗位类型不正确", errors)
    out["insurance"] = _choice(
        data.get("insurance") or Insurance.NONE, Insurance, "insurance", "请选择意外伤害保险情况", errors
    )
    provided = [_text(p) for p in data.get("provided") or []]
    if any(p not in _values(Provided) for p in provided):
        _add(errors, "provided", "“提供”中有不认识的选项")
    out["provided"] = sorted(set(provided))
    codes = [_text(c) for c in data.get("certificates") or [] if _text(c)]
    certificates = list(Certificate.objects.active().filter(code__in=codes)) if codes else []
    if len(certificates) != len(set(codes)):
        _add(errors, "certificates", "所需证书中有不认识的证书")
    out["certificates"] = certificates
    try:
        out["contact_phone"] = normalize_mobile(_text(data.get("contact_phone")))
    except ValueError as exc:
        _add(errors, "contact_phone", str(exc))
    try:
        out["shifts"] = clean_shifts(data.get("shifts"), today=today)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    out["hourly_pay"] = hourly_pay(out["pay_amount"], out["pay_unit"], out["shifts"])
    return out
