"""Writes to workers' records. Each is atomic, checked, and audited with the acting user."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import Role, User
from lingong.accounts.services import grant_membership
from lingong.lib.codes import new_code
from lingong.lib.crypto import blind_index, decrypt, encrypt
from lingong.lib.geo import in_city
from lingong.lib.idcard import IdNumberError, mask_id, parse_resident_id
from lingong.lib.phone import normalize_mobile
from lingong.places.models import Station, StationStatus, Town

from .models import (
    ALL_WEEK,
    CONSENT_VERSION,
    LANGUAGES,
    BlockedDate,
    Consent,
    ConsentPurpose,
    DeletionRequest,
    HardshipRecord,
    HardshipStatus,
    PayUnit,
    RegisteredVia,
    Settlement,
    TravelMode,
    Worker,
    WorkerCertificate,
    WorkerOccupation,
    WorkerStatus,
)
from .tiers import derive_tier, tier_input

ID_CONTEXT = "worker.id_number"
REVEAL_REASON_MIN = 4


def id_lookup_key(number: str) -> str:
    return blind_index(number, context=ID_CONTEXT)


def find_by_id_number(raw: str) -> Worker | None:
    """Staff look-up by full ID number through the blind index (never by decrypting every row)."""
    try:
        parsed = parse_resident_id(raw)
    except IdNumberError:
        return None
    return Worker.objects.filter(id_index=id_lookup_key(parsed.number)).first()


def _nearest_station(town: Town | None, lat: float | None, lng: float | None) -> Station | None:
    """A self-registered worker is served by the nearest operating station (in their town if known)."""
    stations = Station.objects.filter(status=StationStatus.OPERATING)
    if town is not None:
        in_town = stations.filter(town=town)
        stations = in_town if in_town.exists() else stations
    candidates = list(stations.only("id", "lat", "lng"))
    if not candidates:
        return None
    if lat is None or lng is None:
        if town is None:
            return None
        lat, lng = town.lat, town.lng
    return min(candidates, key=lambda s: (s.lat - lat) ** 2 + (s.lng - lng) ** 2)


def recompute_tier(worker: Worker, *, actor: User | None, today: dt.date | None = None) -> Worker:
    tier, reason = derive_tier(tier_input(worker, today or timezone.localdate()))
    if (tier, reason) != (worker.tier, worker.tier_reason):
        before = {"tier": worker.tier, "tier_reason": worker.tier_reason}
        worker.tier, worker.tier_reason = tier, reason
        worker.save(update_fields=["tier", "tier_reason", "updated_at"])
        audit.record(
            actor,
            "worker.tier",
            worker,
            summary=f"服务等级：{worker.get_tier_display()}",
            before=before,
            after={"tier": tier, "tier_reason": reason},
        )
    return worker


def _check_staff_scope(actor: User, worker: Worker) -> None:
    if not Worker.objects.served_by(actor).filter(pk=worker.pk).exists():
        raise PermissionDenied("只能处理本站点（本镇街）求职者的信息")


def _check_can_edit(actor: User, worker: Worker) -> None:
    if worker.user_id == actor.id:
        return
    _check_staff_scope(actor, worker)


def may_register_at(actor: User, station: Station) -> bool:
    """Coordinators register walk-ins at their own station; admins anywhere in their scope."""
    if actor.is_city_admin:
        return True
    return station.id in actor.coordinator_station_ids or station.town_id in actor.admin_town_ids


def validate_registration(
    *,
    phone: str,
    real_name: str,
    id_number: str,
    consents: list[str],
    password: str = "",
    today: dt.date | None = None,
) -> tuple[str, Any, str, User | None]:
    """Every check of a registration, without writing: (name, parsed ID, mobile, existing user).

    Views call it before spending the SMS code, so a typo in the ID number does not burn the code.
    """
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    name = (real_name or "").strip()
    if not (2 <= len(name) <= 30) or any(ch.isdigit() for ch in name):
        errors["real_name"] = ["请填写身份证上的真实姓名（2–30 个字，不含数字）"]
    parsed = None
    try:
        parsed = parse_resident_id(id_number, today=today)
    except IdNumberError as exc:
        errors["id_number"] = [str(exc)]
    if parsed and Worker.objects.filter(id_index=id_lookup_key(parsed.number)).exists():
        errors["id_number"] = ["该身份证号已经登记过。如是本人，请用登记时的手机号登录；或到站点查询。"]
    mobile = ""
    try:
        mobile = normalize_mobile(phone)
    except ValueError as exc:
        errors["phone"] = [str(exc)]
    user = User.objects.filter(phone=mobile).first() if mobile else None
    if user is not None and hasattr(user, "worker"):
        errors["phone"] = ["该手机号已登记为求职者，请直接登录"]
    if {ConsentPurpose.REGISTRATION.value, ConsentPurpose.SENSITIVE.value} - set(consents):
        errors["consent"] = ["需要同意求职登记及身份证号等敏感个人信息的处理，才能完成登记"]
    if password and len(password) < 8:
        errors["password"] = ["密码至少 8 位；也可以不设密码，用短信验证码登录"]
    if errors:
        raise ValidationError(errors)
    return name, parsed, mobile, user


@transaction.atomic
def register_worker(
    *,
    actor: User | None,
    via: str,
    phone: str,
    real_name: str,
    id_number: str,
    consents: list[str],
    password: str = "",
    station: Station | None = None,
    home_town: Town | None = None,
    home_community: str = "",
    today: dt.date | None = None,
) -> Worker:
    """Create the worker and their account. Self and kiosk registration need a phone confirmed by SMS
    (the caller checks the code); assisted registration (代登记) is done by a coordinator for their own
    station, who witnesses consent in person.
    """
    today = today or timezone.localdate()
    if via not in RegisteredVia.values:
        raise ValidationError({"via": ["未知的登记方式"]})
    if via == RegisteredVia.ASSISTED and (
        actor is None or station is None or not may_register_at(actor, station)
    ):
        raise PermissionDenied("只能为本站点代登记")
    if via == RegisteredVia.KIOSK and station is None:
        raise ValidationError({"station": ["一体机登记需要所在站点"]})
    name, parsed, mobile, user = validate_registration(
        phone=phone,
        real_name=real_name,
        id_number=id_number,
        consents=consents,
        password=password,
        today=today,
    )
    if user is None:
        user = User(username=f"u{mobile}", phone=mobile, display_name=name)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    if station is None:
        station = _nearest_station(home_town, None, None)
    worker = Worker(
        code=new_code("WK"),
        user=user,
        real_name=name,
        id_cipher=encrypt(parsed.number, context=ID_CONTEXT),
        id_index=id_lookup_key(parsed.number),
        id_masked=mask_id(parsed.number),
        birth_date=parsed.birth_date,
        sex=parsed.sex,
        station=station,
        registered_via=via,
        registered_by=actor if via != RegisteredVia.SELF else None,
        home_town=home_town or (station.town if station else None),
        home_community=home_community.strip()[:40],
        looking_since=today,
    )
    try:
        with transaction.atomic():
            worker.save()
    except IntegrityError:
        raise ValidationError({"id_number": ["该身份证号已经登记过"]}) from None
    now = timezone.now()
    witness = actor if via == RegisteredVia.ASSISTED else None
    Consent.objects.bulk_create(
        Consent(
            worker=worker, purpose=p, version=CONSENT_VERSION, given_at=now, channel=via, witnessed_by=witness
        )
        for p in dict.fromkeys(consents)
        if p in ConsentPurpose.values
    )
    if ConsentPurpose.MATCHING not in consents:
        worker.matching_opt_out = True
        worker.save(update_fields=["matching_opt_out"])
    grant_membership(actor=None, user=user, role=Role.WORKER)
    flags = "（16–17 周岁未成年工，须遵守未成年工特殊保护规定）" if parsed.is_juvenile else ""
    audit.record(
        actor or user,
        "worker.register",
        worker,
        summary=f"求职登记：{RegisteredVia(via).label}{flags}",
        after={"station": station.name if station else None, "juvenile": parsed.is_juvenile},
    )
    recompute_tier(worker, actor=actor or user, today=today)
    return worker


def _clean_profile(data: dict[str, Any]) -> dict[str, Any]:
    """The one validation path for profile fields (forms and API)."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    if "home_town" in data:
        out["home_town"] = data["home_town"]
    if "home_community" in data:
        out["home_community"] = (data["home_community"] or "").strip()[:40]
    if "home_lat" in data or "home_lng" in data:
        lat, lng = data.get("home_lat"), data.get("home_lng")
        if lat in (None, "") and lng in (None, ""):
            out["home_lat"] = out["home_lng"] = None
        else:
            try:
                lat_f, lng_f = float(lat), float(lng)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                errors["home_lat"] = ["请在地图上选点，或留空"]
            else:
                if not in_city(lat_f, lng_f):
                    errors["home_lat"] = ["位置不在中山市范围内"]
                out["home_lat"], out["home_lng"] = lat_f, lng_f
    if "travel_minutes" in data:
        try:
            minutes = int(data["travel_minutes"])
        except (TypeError, ValueError):
            minutes = -1
        if not 5 <= minutes <= 120:
            errors["travel_minutes"] = ["通勤时间应在 5 到 120 分钟之间"]
        out["travel_minutes"] = minutes
    for field, choices in (
        ("travel_mode", TravelMode),
        ("expected_pay_unit", PayUnit),
        ("settlement_pref", Settlement),
    ):
        if field in data:
            if data[field] not in choices.values:
                errors[field] = ["请从列表中选择"]
            out[field] = data[field]
    if "expected_pay" in data:
        raw = data["expected_pay"]
        if raw in (None, ""):
            out["expected_pay"] = None
        else:
            try:
                pay = Decimal(str(raw))
            except InvalidOperation:
                pay = Decimal(-1)
            if not (Decimal(0) < pay <= Decimal(100000)) or pay.as_tuple().exponent < -2:  # type: ignore[operator]
                errors["expected_pay"] = ["期望报酬应为大于 0 的金额，最多两位小数"]
            out["expected_pay"] = pay
    if "availability" in data:
        mask = data["availability"]
        if not isinstance(mask, int) or not 0 <= mask <= ALL_WEEK:
            errors["availability"] = ["可工作时段无效"]
        out["availability"] = mask
    if "languages" in data:
        langs = [x for x in dict.fromkeys(data["languages"] or [])]
        if any(x not in LANGUAGES for x in langs):
            errors["languages"] = [f"语言可选：{'、'.join(LANGUAGES)}"]
        out["languages"] = langs
    if "intro" in data:
        intro = (data["intro"] or "").strip()
        if len(intro) > 200:
            errors["intro"] = ["自我介绍最多 200 字"]
        out["intro"] = intro
    if "matching_opt_out" in data:
        out["matching_opt_out"] = bool(data["matching_opt_out"])
    if errors:
        raise ValidationError(errors)
    return out


PROFILE_FIELDS = (
    "home_town",
    "home_community",
    "home_lat",
    "home_lng",
    "travel_minutes",
    "travel_mode",
    "expected_pay",
    "expected_pay_unit",
    "settlement_pref",
    "availability",
    "languages",
    "intro",
    "matching_opt_out",
)


def _profile_snapshot(worker: Worker) -> dict[str, Any]:
    snap = {f: getattr(worker, f) for f in PROFILE_FIELDS}
    snap["home_town"] = worker.home_town.name if worker.home_town else None
    return snap


@transaction.atomic
def update_profile(worker: Worker, *, actor: User, data: dict[str, Any]) -> Worker:
    """The worker edits their own profile; their coordinator can help."""
    worker = Worker.objects.select_for_update(of=("self",)).get(pk=worker.pk)
    _check_can_edit(actor, worker)
    before = _profile_snapshot(worker)
    cleaned = _clean_profile({k: v for k, v in data.items() if k in PROFILE_FIELDS})
    for field, value in cleaned.items():
        setattr(worker, field, value)
    worker.save()
    b, a = audit.diff(before, _profile_snapshot(worker))
    if a:
        audit.record(actor, "worker.profile", worker, summary=f"修改资料：{'、'.join(a)}", before=b, after=a)
    return worker


@transaction.atomic
def set_occupations(worker: Worker, *, actor: User, items: list[tuple[Any, str]]) -> None:
    """Replace the worker's occupations: [(Occupation, level)]. At most 8, each once."""
    _check_can_edit(actor, worker)
    if len(items) > 8:
        raise ValidationError({"occupations": ["最多填写 8 个工种"]})
    before = sorted(str(o) for o in worker.occupations.select_related("occupation"))
    worker.occupations.all().delete()
    seen = set()
    rows = []
    for occupation, level in items:
        if occupation.pk in seen:
            continue
        seen.add(occupation.pk)
        rows.append(WorkerOccupation(worker=worker, occupation=occupation, level=level))
    WorkerOccupation.objects.bulk_create(rows)
    after = sorted(str(o) for o in worker.occupations.select_related("occupation"))
    if before != after:
        audit.record(
            actor,
            "worker.occupations",
            worker,
            summary="修改工种",
            before={"occupations": before},
            after={"occupations": after},
        )


@transaction.atomic
def set_certificates(worker: Worker, *, actor: User, items: list[tuple[Any, str, dt.date | None]]) -> None:
    """Replace the worker's certificates: [(Certificate, number, expires_on)]."""
    _check_can_edit(actor, worker)
    before = sorted(str(c) for c in worker.certificates.select_related("certificate"))
    worker.certificates.all().delete()
    WorkerCertificate.objects.bulk_create(
        WorkerCertificate(worker=worker, certificate=cert, number=(number or "")[:40], expires_on=expires)
        for cert, number, expires in {c.pk: (c, n, e) for c, n, e in items}.values()
    )
    after = sorted(str(c) for c in worker.certificates.select_related("certificate"))
    if before != after:
        audit.record(
            actor,
            "worker.certificates",
            worker,
            summary="修改证书",
            before={"certificates": before},
            after={"certificates": after},
        )


@transaction.atomic
def set_blocked_dates(
    worker: Worker, *, actor: User, dates: list[dt.date], today: dt.date | None = None
) -> None:
    _check_can_edit(actor, worker)
    today = today or timezone.localdate()
    future = sorted({d for d in dates if d >= today})
    if len(future) > 60:
        raise ValidationError({"blocked_dates": ["最多设置 60 个不能工作的日期"]})
    worker.blocked_dates.all().delete()
    BlockedDate.objects.bulk_create(BlockedDate(worker=worker, date=d) for d in future)
    audit.record(actor, "worker.blocked_dates", worker, summary=f"设置不能工作的日期 {len(future)} 天")


@transaction.atomic
def record_hardship(
    worker: Worker, *, actor: User, category, evidence: str, valid_until: dt.date | None = None
) -> HardshipRecord:
    """Staff record a hardship category with its evidence; it counts once verified."""
    _check_staff_scope(actor, worker)
    evidence = (evidence or "").strip()
    if len(evidence) < 2:
        raise ValidationError({"evidence": ["请写明证明材料，如残疾人证编号或低保证编号"]})
    if not category.active:
        raise ValidationError({"category": ["该类别已停用"]})
    if worker.hardships.filter(category=category).exclude(status=HardshipStatus.REJECTED).exists():
        raise ValidationError({"category": ["该类别已有记录，请在核实队列中处理"]})
    record = HardshipRecord.objects.create(
        worker=worker, category=category, evidence=evidence[:200], valid_until=valid_until, recorded_by=actor
    )
    audit.record(actor, "worker.hardship.record", worker, summary=f"登记困难类别：{category.name}（待核实）")
    return record


@transaction.atomic
def verify_hardship(record: HardshipRecord, *, actor: User, approve: bool, note: str = "") -> HardshipRecord:
    record = (
        HardshipRecord.objects.select_for_update(of=("self",))
        .select_related("worker", "category")
        .get(pk=record.pk)
    )
    _check_staff_scope(actor, record.worker)
    if record.status != HardshipStatus.PENDING:
        raise ValidationError({"status": ["该记录已处理"]})
    if not approve and len(note.strip()) < 2:
        raise ValidationError({"note": ["不通过时请写明原因"]})
    record.status = HardshipStatus.VERIFIED if approve else HardshipStatus.REJECTED
    record.note = note.strip()[:200]
    record.verified_by, record.verified_at = actor, timezone.now()
    record.save(update_fields=["status", "note", "verified_by", "verified_at"])
    audit.record(
        actor,
        "worker.hardship.verify",
        record.worker,
        summary=f"{'核实通过' if approve else '核实不通过'}：{record.category.name}",
    )
    recompute_tier(record.worker, actor=actor)
    return record


def can_reveal_id(actor: User, worker: Worker) -> bool:
    return (
        actor.is_authenticated
        and actor.is_back_office
        and Worker.objects.served_by(actor).filter(pk=worker.pk).exists()
    )


@transaction.atomic
def reveal_id_number(worker: Worker, *, actor: User, reason: str) -> str:
    """The full ID, for an authorised member of staff who says why. Every reveal is audited."""
    if not can_reveal_id(actor, worker):
        raise PermissionDenied("没有查看完整身份证号的权限")
    reason = (reason or "").strip()
    if len(reason) < REVEAL_REASON_MIN:
        raise ValidationError(
            {"reason": [f"请写明查看原因（至少 {REVEAL_REASON_MIN} 个字），将记入审计日志"]}
        )
    audit.record(actor, "worker.reveal_id", worker, summary=f"查看完整身份证号，原因：{reason[:200]}")
    return decrypt(worker.id_cipher, context=ID_CONTEXT)


@transaction.atomic
def withdraw_consent(worker: Worker, *, actor: User, purpose: str) -> None:
    """Withdrawing consent to matching stops recommendations; the other two end registration (erasure)."""
    if worker.user_id != actor.id:
        raise PermissionDenied("只能由本人撤回同意")
    updated = worker.consents.filter(purpose=purpose, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    if not updated:
        raise ValidationError({"purpose": ["没有可撤回的同意"]})
    audit.record(
        actor, "worker.consent.withdraw", worker, summary=f"撤回同意：{ConsentPurpose(purpose).label}"
    )
    if purpose == ConsentPurpose.MATCHING:
        Worker.objects.filter(pk=worker.pk).update(matching_opt_out=True)
    else:
        request_erasure(worker, actor=actor, reason=f"撤回同意：{ConsentPurpose(purpose).label}")


@transaction.atomic
def give_consent(worker: Worker, *, actor: User, purpose: str) -> None:
    if worker.user_id != actor.id:
        raise PermissionDenied("只能由本人同意")
    Consent.objects.create(
        worker=worker,
        purpose=purpose,
        version=CONSENT_VERSION,
        given_at=timezone.now(),
        channel=RegisteredVia.SELF,
    )
    if purpose == ConsentPurpose.MATCHING:
        Worker.objects.filter(pk=worker.pk).update(matching_opt_out=False)
    audit.record(actor, "worker.consent.give", worker, summary=f"同意：{ConsentPurpose(purpose).label}")


@transaction.atomic
def request_erasure(worker: Worker, *, actor: User, reason: str = "") -> DeletionRequest:
    """Erase personal data now, keeping what the law requires.

    Wage and recruitment records (gigs, bookings, pay) are kept and still point at this worker record, which
    keeps only its code; identity, contact, profile, skills and hardship records are removed, and the
    account is closed. The audit log keeps who did what, as it must.
    """
    worker = Worker.objects.select_for_update(of=("self",)).get(pk=worker.pk)
    if worker.user_id != actor.id:
        _check_staff_scope(actor, worker)
    if worker.status == WorkerStatus.ERASED:
        raise ValidationError({"status": ["该登记已注销"]})
    request = DeletionRequest.objects.create(worker=worker, reason=reason[:200])
    worker.occupations.all().delete()
    worker.certificates.all().delete()
    worker.blocked_dates.all().delete()
    worker.hardships.all().delete()
    worker.real_name = "已注销"
    worker.id_cipher = ""
    worker.id_index = f"erased:{worker.code}"
    worker.id_masked = ""
    worker.birth_date = dt.date(1900, 1, 1)
    worker.home_community, worker.home_lat, worker.home_lng = "", None, None
    worker.intro, worker.languages, worker.expected_pay = "", [], None
    worker.matching_opt_out = True
    worker.tier, worker.tier_reason = 1, ""
    worker.status = WorkerStatus.ERASED
    worker.save()
    user = worker.user
    user.phone = None
    user.username = f"erased-{worker.code}-{secrets.token_hex(4)}"
    user.display_name = ""
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.memberships.update(active=False)
    user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    request.processed_at, request.processed_by = timezone.now(), actor
    request.save(update_fields=["processed_at", "processed_by"])
    audit.record(actor, "worker.erase", worker, summary="注销求职登记并删除个人信息（保留工资与招聘记录）")
    return request
