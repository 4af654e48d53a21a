"""Worker pages: registration (self, kiosk, walk-in), my profile, my data; staff lists and hardship queue."""

from __future__ import annotations

import json

import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from lingong.catalog.models import Certificate
from lingong.lib.excel import xlsx_response
from lingong.lib.phone import normalize_mobile
from lingong.notify.services import check_code, send_code
from lingong.places.models import Station

from . import services
from .access import get_worker_for_user, own_worker
from .export import worker_data, worker_data_rows
from .forms import (
    AssistedRegisterForm,
    HardshipForm,
    PhoneForm,
    ProfileForm,
    RevealForm,
    SelfRegisterForm,
    bits_from_mask,
)
from .models import (
    ConsentPurpose,
    ExperienceLevel,
    HardshipRecord,
    HardshipStatus,
    RegisteredVia,
    Worker,
    WorkerStatus,
)
from .profile import certificate_rows, gig_occupation_choices, save_certificate_rows, save_occupation_rows

SESSION_PHONE = "worker_register_phone"
SESSION_KIOSK = "worker_register_station"


def _apply_errors(form, exc: ValidationError) -> None:
    for field, msgs in exc.message_dict.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def register(request):
    """Self-registration on a phone (or at a station kiosk with ?station=CODE): phone, SMS code, identity."""
    if request.GET.get("station"):
        station = Station.objects.filter(code=request.GET["station"]).first()
        if station is not None:
            request.session[SESSION_KIOSK] = station.code
    if request.user.is_authenticated and hasattr(request.user, "worker"):
        return redirect("workers:me")
    phone = request.session.get(SESSION_PHONE)
    if request.method == "POST" and request.POST.get("step") == "phone":
        form = PhoneForm(request.POST)
        if form.is_valid():
            try:
                send_code(
                    phone=form.cleaned_data["phone"],
                    purpose="register",
                    request_ip=request.META.get("REMOTE_ADDR", ""),
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                request.session[SESSION_PHONE] = normalize_mobile(form.cleaned_data["phone"])
                messages.success(request, "验证码已发送，请查看短信")
                return redirect("workers:register")
        return render(request, "workers/register_phone.html", {"form": form})
    return _register_details(request, phone)


def _register_details(request, phone: str | None):
    """Step 2: the SMS code, the person's identity and their consent."""
    if not phone or request.GET.get("restart"):
        request.session.pop(SESSION_PHONE, None)
        return render(request, "workers/register_phone.html", {"form": PhoneForm()})
    form = SelfRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            # Check everything first so a typo does not spend the code.
            services.validate_registration(
                phone=phone,
                real_name=d["real_name"],
                id_number=d["id_number"],
                consents=form.consents(),
                password=d["password"],
            )
            check_code(phone=phone, purpose="register", code=d["code"])
            kiosk = Station.objects.filter(code=request.session.get(SESSION_KIOSK, "")).first()
            worker = services.register_worker(
                actor=None,
                via=RegisteredVia.KIOSK if kiosk else RegisteredVia.SELF,
                phone=phone,
                real_name=d["real_name"],
                id_number=d["id_number"],
                consents=form.consents(),
                password=d["password"],
                station=kiosk,
                home_town=d["home_town"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            request.session.pop(SESSION_PHONE, None)
            login(request, worker.user, backend="lingong.accounts.backends.PhoneOrUsernameBackend")
            messages.success(
                request, f"登记成功！您的求职编号是 {worker.code}。请补充会做的工作，方便为您推荐。"
            )
            return redirect("workers:edit_me")
    return render(request, "workers/register_details.html", {"form": form, "phone": phone})


@login_required
def me(request):
    worker = own_worker(request)
    return render(request, "workers/me.html", {"worker": worker, **_profile_context(worker)})


def _profile_context(worker: Worker) -> dict:
    return {
        "occupations": worker.occupations.select_related("occupation"),
        "certificates": worker.certificates.select_related("certificate"),
        "blocked": worker.blocked_dates.all(),
        "slots": bits_from_mask(worker.availability),
    }


def _edit_profile(request, worker: Worker, *, back: str):
    initial = {f: getattr(worker, f) for f in services.PROFILE_FIELDS}
    initial["availability"] = bits_from_mask(worker.availability)
    initial["blocked_dates"] = "\n".join(str(b.date) for b in worker.blocked_dates.all())
    form = ProfileForm(request.POST or None, initial=initial)
    current = {wo.occupation.code: wo.level for wo in worker.occupations.select_related("occupation")}
    names = dict(gig_occupation_choices())
    # Occupations the worker has that are not on the everyday list still show, so saving keeps them.
    for wo in worker.occupations.select_related("occupation"):
        names.setdefault(wo.occupation.code, wo.occupation.name)
    rows = [
        (code, name, code in current, current.get(code, ExperienceLevel.SOME)) for code, name in names.items()
    ]
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # all parts of the profile or none
                services.update_profile(worker, actor=request.user, data=form.profile_data())
                services.set_blocked_dates(
                    worker, actor=request.user, dates=form.cleaned_data["blocked_dates"]
                )
                save_occupation_rows(worker, actor=request.user, post=request.POST)
                save_certificate_rows(worker, actor=request.user, post=request.POST)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect(back)
    return render(
        request,
        "workers/profile_form.html",
        {
            "form": form,
            "worker": worker,
            "occupation_rows": rows,
            "levels": ExperienceLevel.choices,
            "certificate_rows": certificate_rows(worker),
            "certificates": Certificate.objects.order_by("kind", "name"),
        },
    )


@login_required
def edit_me(request):
    return _edit_profile(request, own_worker(request), back=reverse("workers:me"))


@login_required
def my_data(request):
    """Everything held about me; download it; withdraw consent; ask for erasure."""
    worker = own_worker(request)
    fmt = request.GET.get("format")
    if fmt == "json":
        body = json.dumps(worker_data(worker), ensure_ascii=False, indent=2, default=str)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="my-data-{worker.code}.json"'
        return response
    if fmt == "xlsx":
        return xlsx_response(
            f"我的数据-{worker.code}.xlsx", "我的数据", ["项目", "内容"], worker_data_rows(worker)
        )
    return render(
        request,
        "workers/my_data.html",
        {
            "worker": worker,
            "data": worker_data(worker),
            "consents": worker.consents.all(),
            "purposes": ConsentPurpose.choices,
        },
    )


@login_required
@require_POST
def consent(request):
    worker = own_worker(request)
    purpose = request.POST.get("purpose", "")
    if purpose not in ConsentPurpose.values:
        messages.error(request, "未知的同意事项")
        return redirect("workers:my_data")
    try:
        if request.POST.get("action") == "give":
            services.give_consent(worker, actor=request.user, purpose=purpose)
            messages.success(request, "已同意")
        else:
            services.withdraw_consent(worker, actor=request.user, purpose=purpose)
            if purpose != ConsentPurpose.MATCHING:
                messages.success(request, "已撤回同意并注销登记，个人信息已删除（工资与招聘记录依法保留）")
                return redirect("home")
            messages.success(request, "已撤回，今后不再为您推荐岗位")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("workers:my_data")


@login_required
@require_POST
def erase_me(request):
    worker = own_worker(request)
    if request.POST.get("confirm") != "注销":
        messages.error(request, "请在确认框中输入“注销”两个字")
        return redirect("workers:my_data")
    services.request_erasure(worker, actor=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, "已注销登记，个人信息已删除（工资与招聘记录依法保留）")
    return redirect("home")


# ---- Staff pages ----------------------------------------------------------------------------------------


def _staff_stations(user):
    if user.is_city_admin:
        return Station.objects.all()
    return Station.objects.filter(Q(id__in=user.coordinator_station_ids) | Q(town_id__in=user.admin_town_ids))


@login_required
def walk_in(request):
    """代登记: a coordinator registers a walk-in in one screen, then prints the slip."""
    user = request.user
    stations = _staff_stations(user)
    if not user.is_back_office or not stations.exists():
        raise PermissionDenied("只有站点工作人员可以代登记")
    station = stations.filter(code=request.GET.get("station") or request.POST.get("station")).first()
    station = station or stations.filter(id__in=user.coordinator_station_ids).first() or stations.first()
    gig_choices = gig_occupation_choices()
    form = AssistedRegisterForm(
        request.POST or None,
        gig_choices=gig_choices,
        initial={"home_town": station.town_id if station else None},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            worker = services.register_worker(
                actor=user,
                via=RegisteredVia.ASSISTED,
                phone=d["phone"],
                real_name=d["real_name"],
                id_number=d["id_number"],
                station=station,
                home_town=d["home_town"],
                home_community=d["home_community"],
                consents=list(ConsentPurpose.values),
            )
            save_occupation_rows(worker, actor=user, codes=d["gig_occupations"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"已为 {worker.masked_name} 完成登记")
            return redirect("workers:slip", code=worker.code)
    return render(request, "workers/walk_in.html", {"form": form, "station": station, "stations": stations})


@login_required
def slip(request, code: str):
    """A printable slip for the walk-in: their number, station and a QR code to their card."""
    worker, _ = get_worker_for_user(request, code)
    card_url = request.build_absolute_uri(reverse("workers:detail", args=[worker.code]))
    qr = segno.make(card_url, error="m").svg_inline(scale=4, title="求职登记卡")
    return render(request, "workers/slip.html", {"worker": worker, "qr_svg": qr})


@login_required
def worker_list(request):
    """A station's workers, searchable by name, phone or the last digits of the ID number."""
    if not request.user.is_back_office:
        raise PermissionDenied("只有站点工作人员可以查看求职者名单")
    workers = (
        Worker.objects.served_by(request.user)
        .exclude(status=WorkerStatus.ERASED)
        .select_related("station", "user")
        .order_by("-registered_at")
    )
    q = request.GET.get("q", "").strip()
    if q:
        if q.isdigit() and len(q) == 11:
            workers = workers.filter(user__phone=q)
        elif len(q) in (15, 18):
            found = services.find_by_id_number(q)
            workers = workers.filter(pk=found.pk if found else -1)
        elif q[-1:].isdigit() or q[-1:].upper() == "X":
            workers = workers.filter(Q(id_masked__endswith=q.upper()) | Q(user__phone__endswith=q))
        else:
            workers = workers.filter(real_name__contains=q)
    if request.GET.get("tier") in {"1", "2", "3"}:
        workers = workers.filter(tier=int(request.GET["tier"]))
    page = Paginator(workers, 30).get_page(request.GET.get("page"))
    return render(request, "workers/list.html", {"page": page, "q": q})


@login_required
def detail(request, code: str):
    """A worker's card: the worker themself, or staff in scope (ID masked; reveal with a reason)."""
    worker, is_self = get_worker_for_user(request, code)
    revealed = None
    reveal_form = RevealForm(request.POST or None) if not is_self else None
    hardship_form = HardshipForm() if not is_self else None
    if request.method == "POST" and reveal_form is not None and reveal_form.is_valid():
        try:
            revealed = services.reveal_id_number(
                worker, actor=request.user, reason=reveal_form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _apply_errors(reveal_form, exc)
    context = {
        "worker": worker,
        "is_self": is_self,
        "revealed": revealed,
        "reveal_form": reveal_form,
        "hardship_form": hardship_form,
        "hardships": worker.hardships.select_related("category"),
        "can_reveal": not is_self and services.can_reveal_id(request.user, worker),
        **_profile_context(worker),
    }
    return render(request, "workers/detail.html", context)


@login_required
def staff_edit(request, code: str):
    worker, is_self = get_worker_for_user(request, code)
    if is_self:
        return redirect("workers:edit_me")
    return _edit_profile(request, worker, back=reverse("workers:detail", args=[worker.code]))


@login_required
@require_POST
def record_hardship(request, code: str):
    worker, is_self = get_worker_for_user(request, code)
    if is_self:
        raise PermissionDenied("困难认定由站点工作人员登记")
    form = HardshipForm(request.POST)
    if form.is_valid():
        try:
            services.record_hardship(
                worker,
                actor=request.user,
                category=form.cleaned_data["category"],
                evidence=form.cleaned_data["evidence"],
                valid_until=form.cleaned_data["valid_until"],
            )
            messages.success(request, "已登记，待核实")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("workers:detail", code=worker.code)


@login_required
def hardship_queue(request):
    """Pending hardship records of the workers this member of staff serves."""
    if not request.user.is_back_office:
        raise PermissionDenied("只有站点工作人员可以核实困难认定")
    if request.method == "POST":
        record = get_object_or_404(
            HardshipRecord.objects.filter(worker__in=Worker.objects.served_by(request.user)),
            pk=request.POST.get("record"),
        )
        try:
            services.verify_hardship(
                record,
                actor=request.user,
                approve=request.POST.get("decision") == "approve",
                note=request.POST.get("note", ""),
            )
            messages.success(request, "已处理")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("workers:hardship_queue")
    records = (
        HardshipRecord.objects.filter(
            status=HardshipStatus.PENDING, worker__in=Worker.objects.served_by(request.user)
        )
        .select_related("worker", "category", "recorded_by")
        .order_by("recorded_at")
    )
    return render(request, "workers/hardship_queue.html", {"records": records})
