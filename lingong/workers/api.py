"""Worker API for the mini-program and kiosks: register with an SMS code, read and update my profile;
staff endpoints scoped exactly like the pages."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lingong.accounts.services import issue_token
from lingong.api.auth import token_or_session
from lingong.lib.masking import mask_phone
from lingong.notify.services import check_code, send_code
from lingong.places.towns import resolve_town

from . import services
from .models import ConsentPurpose, PayUnit, RegisteredVia, Settlement, TravelMode, Worker, WorkerStatus

router = Router()


class CodeIn(Schema):
    phone: str = Field(min_length=1, max_length=20)


class RegisterIn(Schema):
    phone: str = Field(min_length=1, max_length=20)
    code: str = Field(min_length=6, max_length=6, description="短信验证码")
    real_name: str = Field(min_length=1, max_length=30)
    id_number: str = Field(min_length=1, max_length=20)
    home_town: str = Field(default="", max_length=30, description="镇街名称、简称或代码")
    password: str = Field(default="", max_length=128)
    consents: list[str] = Field(description="registration、sensitive（必需），matching（可选）")


class RegisteredOut(Schema):
    code: str
    token: str


class ProfileOut(Schema):
    code: str
    real_name: str
    id_masked: str
    phone: str
    station: str | None
    home_town: str | None
    home_community: str
    travel_minutes: int
    travel_mode: str
    availability: int
    expected_pay: Decimal | None
    expected_pay_unit: str
    settlement_pref: str
    languages: list[str]
    intro: str
    occupations: list[dict]
    tier: int
    tier_label: str
    matching_opt_out: bool


class ProfileIn(Schema):
    home_town: str | None = Field(default=None, max_length=30)
    home_community: str | None = Field(default=None, max_length=40)
    home_lat: float | None = None
    home_lng: float | None = None
    travel_minutes: int | None = None
    travel_mode: TravelMode | None = None
    availability: int | None = Field(default=None, ge=0, le=(1 << 21) - 1, description="21 位：星期×3 + 时段")
    expected_pay: Decimal | None = Field(default=None, gt=0, le=100000, decimal_places=2)
    expected_pay_unit: PayUnit | None = None
    settlement_pref: Settlement | None = None
    languages: list[str] | None = None
    intro: str | None = Field(default=None, max_length=200)


class StaffQuery(Schema):
    q: str = Field(default="", max_length=30, description="姓名、手机号或身份证后几位")
    limit: int = Field(default=50, ge=1, le=200)


class StaffWorkerOut(Schema):
    code: str
    masked_name: str
    id_masked: str
    phone_masked: str
    station: str | None
    tier: int


def profile_out(worker: Worker) -> dict:
    return {
        "code": worker.code,
        "real_name": worker.real_name,
        "id_masked": worker.id_masked,
        "phone": worker.user.phone or "",
        "station": worker.station.name if worker.station else None,
        "home_town": worker.home_town.name if worker.home_town else None,
        "home_community": worker.home_community,
        "travel_minutes": worker.travel_minutes,
        "travel_mode": worker.travel_mode,
        "availability": worker.availability,
        "expected_pay": worker.expected_pay,
        "expected_pay_unit": worker.expected_pay_unit,
        "settlement_pref": worker.settlement_pref,
        "languages": worker.languages,
        "intro": worker.intro,
        "occupations": [
            {"code": o.occupation.code, "name": o.occupation.name, "level": o.level}
            for o in worker.occupations.select_related("occupation")
        ],
        "tier": worker.tier,
        "tier_label": worker.get_tier_display(),
        "matching_opt_out": worker.matching_opt_out,
    }


def _me(request) -> Worker:
    worker = (
        Worker.objects.filter(user=request.auth)
        .exclude(status=WorkerStatus.ERASED)
        .select_related("station", "home_town", "user")
        .first()
    )
    if worker is None:
        raise Http404("您还没有求职登记")
    return worker


@router.post("/register/code", response={202: dict}, auth=None, summary="发送登记验证码")
def register_code(request, payload: CodeIn):
    send_code(phone=payload.phone, purpose="register", request_ip=request.META.get("REMOTE_ADDR", ""))
    return Status(202, {"detail": "验证码已发送"})


@router.post(
    "/register", response={201: RegisteredOut}, auth=None, summary="求职登记（手机号已由验证码确认）"
)
def register(request, payload: RegisterIn):
    town = resolve_town(payload.home_town) if payload.home_town else None
    if payload.home_town and town is None:
        raise ValidationError({"home_town": [f"找不到镇街“{payload.home_town}”"]})
    consents = [c for c in payload.consents if c in ConsentPurpose.values]
    services.validate_registration(
        phone=payload.phone,
        real_name=payload.real_name,
        id_number=payload.id_number,
        consents=consents,
        password=payload.password,
    )
    check_code(phone=payload.phone, purpose="register", code=payload.code)
    worker = services.register_worker(
        actor=None,
        via=RegisteredVia.SELF,
        phone=payload.phone,
        real_name=payload.real_name,
        id_number=payload.id_number,
        consents=consents,
        password=payload.password,
        home_town=town,
    )
    _, key = issue_token(actor=worker.user, name="小程序登记")
    return Status(201, {"code": worker.code, "token": key})


@router.get("/me", response=ProfileOut, auth=token_or_session, summary="我的求职资料")
def get_me(request):
    return profile_out(_me(request))


@router.patch("/me", response=ProfileOut, auth=token_or_session, summary="修改我的求职资料")
def patch_me(request, payload: ProfileIn):
    worker = _me(request)
    data = payload.dict(exclude_unset=True)
    if "home_town" in data:
        raw = data["home_town"]
        data["home_town"] = resolve_town(raw) if raw else None
        if raw and data["home_town"] is None:
            raise ValidationError({"home_town": [f"找不到镇街“{raw}”"]})
    for key in ("travel_mode", "expected_pay_unit", "settlement_pref"):
        if data.get(key) is not None:
            data[key] = str(getattr(data[key], "value", data[key]))
    data = {
        k: v
        for k, v in data.items()
        if v is not None or k in {"home_town", "expected_pay", "home_lat", "home_lng"}
    }
    worker = services.update_profile(worker, actor=request.auth, data=data)
    return profile_out(Worker.objects.select_related("station", "home_town", "user").get(pk=worker.pk))


@router.get(
    "/", response=list[StaffWorkerOut], auth=token_or_session, summary="本站点（本镇街）求职者（工作人员）"
)
def staff_list(request, q: Query[StaffQuery]):
    if not request.auth.is_back_office:
        raise PermissionDenied("只有站点工作人员可以查看求职者名单")
    workers = (
        Worker.objects.served_by(request.auth)
        .exclude(status=WorkerStatus.ERASED)
        .select_related("station", "user")
    )
    text = q.q.strip()
    if text:
        workers = workers.filter(
            Q(real_name__contains=text) | Q(user__phone__endswith=text) | Q(id_masked__endswith=text.upper())
        )
    return [
        {
            "code": w.code,
            "masked_name": w.masked_name,
            "id_masked": w.id_masked,
            "phone_masked": mask_phone(w.user.phone),
            "station": w.station.name if w.station_id else None,
            "tier": w.tier,
        }
        for w in workers.order_by("-registered_at")[: q.limit]
    ]


@router.get(
    "/{code}", response=ProfileOut, auth=token_or_session, summary="求职者资料（本人或服务的工作人员）"
)
def get_worker(request, code: str):
    worker = (
        Worker.objects.visible_to(request.auth)
        .exclude(status=WorkerStatus.ERASED)
        .select_related("station", "home_town", "user")
        .filter(code=code)
        .first()
    )
    if worker is None:
        raise Http404("未找到该求职者")
    return profile_out(worker)
