"""Training pages: the public catalogue and shortage list, a worker's own training, the staff desk where a
coordinator finds a worker and refers them, and the referral page both sides share."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lingong.assistance.models import Assessment
from lingong.places.models import Station, Town
from lingong.places.towns import resolve_town
from lingong.workers.access import own_worker
from lingong.workers.models import Worker, WorkerStatus

from . import services
from .forms import CourseForm, FindWorkerForm, ReferForm, StatusForm
from .models import HOLDS_PLACE, LIVE, Course, CourseStatus, Referral, ReferralStatus
from .recommend import recommend_courses
from .shortage import HORIZON_DAYS, MIN_OPENINGS, SHORTAGE_RATIO, shortage_occupations

FILTERS = [
    ("", "全部"),
    ("shortage", "急需紧缺"),
    ("new", "新职业"),
    ("entrepreneurship", "创业培训"),
    ("free", "免费"),
]


def apply_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        for msg in exc.messages:
            form.add_error(None, msg)
        return
    for field, msgs in exc.message_dict.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def require_staff(request) -> None:
    if not request.user.is_back_office:
        raise PermissionDenied("只有站点工作人员可以使用培训推荐")


def staff_town(user) -> Town | None:
    """The town whose shortages a member of staff looks at first (None: the whole city)."""
    if user.is_city_admin:
        return None
    if user.admin_town_ids:
        return Town.objects.filter(pk__in=user.admin_town_ids).first()
    station = Station.objects.filter(pk__in=user.coordinator_station_ids).select_related("town").first()
    return station.town if station else None


def get_referral_for_user(request, code: str) -> Referral:
    referral = (
        Referral.objects.visible_to(request.user)
        .select_related("worker__user", "worker__station", "course__town", "course__occupation", "station")
        .filter(code=code)
        .first()
    )
    if referral is None:
        raise Http404("未找到该培训推荐")
    return referral


# --- public ------------------------------------------------------------------------------------------


def courses(request):
    """The course catalogue: anyone can read it; filters for kind and town."""
    qs = (
        Course.objects.visible_to(request.user)
        .select_related("occupation", "town")
        .annotate(taken=Count("referrals", filter=Q(referrals__status__in=HOLDS_PLACE)))
        .order_by("starts_on", "id")
    )
    kind = request.GET.get("kind", "")
    if kind == "shortage":
        qs = qs.filter(shortage=True)
    elif kind == "new":
        qs = qs.filter(new_occupation=True)
    elif kind == "entrepreneurship":
        qs = qs.filter(entrepreneurship=True)
    elif kind == "free":
        qs = qs.filter(Q(fee=0) | Q(subsidy__gte=F("fee")))
    town = resolve_town(request.GET.get("town", "")) if request.GET.get("town") else None
    if town is not None:
        qs = qs.filter(Q(town=town) | Q(town__isnull=True))
    q = request.GET.get("q", "").strip()[:30]
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(occupation__name__contains=q) | Q(provider__contains=q))
    if request.GET.get("all") != "1":
        qs = qs.exclude(status__in=[CourseStatus.FINISHED, CourseStatus.CANCELLED])
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": FILTERS,
        "kind": kind,
        "q": q,
        "town": town,
        "towns": Town.objects.all(),
        "can_edit": services.may_edit_courses(request.user),
    }
    return render(request, "training/courses.html", context)


def course_detail(request, code: str):
    found = (
        Course.objects.visible_to(request.user)
        .select_related("occupation", "town", "certificate")
        .filter(code=code)
        .first()
    )
    if found is None:
        raise Http404("未找到该课程")
    user = request.user
    worker = None
    mine = None
    if user.is_authenticated:
        worker = Worker.objects.filter(user=user).exclude(status=WorkerStatus.ERASED).first()
    if worker is not None:
        mine = (
            Referral.objects.filter(worker=worker, course=found)
            .exclude(status=ReferralStatus.DROPPED)
            .first()
        )
    referrals = []
    if user.is_authenticated and user.is_back_office:
        referrals = list(
            Referral.objects.visible_to(user).filter(course=found).select_related("worker", "station")[:200]
        )
    context = {
        "course": found,
        "worker": worker,
        "mine": mine,
        "referrals": referrals,
        "taken": found.referrals.filter(status__in=HOLDS_PLACE).count(),
        "can_edit": Course.objects.editable_by(user).filter(pk=found.pk).exists(),
        "open": found.status == CourseStatus.OPEN and found.ends_on >= timezone.localdate(),
    }
    return render(request, "training/course_detail.html", context)


def shortages(request):
    """Shortage occupations for the city or one town, with the formula in plain words."""
    raw = request.GET.get("town", "").strip()
    town = resolve_town(raw) if raw else None
    if raw and town is None:
        messages.error(request, f"找不到镇街“{raw}”，下面是全市的情况")
    rows = shortage_occupations(town, limit=50)
    context = {
        "rows": rows,
        "town": town,
        "towns": Town.objects.all(),
        "horizon": HORIZON_DAYS,
        "min_openings": MIN_OPENINGS,
        "ratio": SHORTAGE_RATIO,
    }
    return render(request, "training/shortages.html", context)


# --- the worker --------------------------------------------------------------------------------------


@login_required
def mine(request):
    """A worker's training: their referrals with the steps so far, and courses that suit them."""
    worker = own_worker(request)
    referrals = (
        Referral.objects.filter(worker=worker)
        .select_related("course__town", "station")
        .prefetch_related("events")
    )
    context = {
        "worker": worker,
        "referrals": referrals,
        "recs": recommend_courses(worker, limit=5),
        "has_assessment": Assessment.objects.filter(worker=worker).exists(),
    }
    return render(request, "training/mine.html", context)


@login_required
@require_POST
def request_course(request, code: str):
    worker = own_worker(request)
    course = Course.objects.published().filter(code=code).first()
    if course is None:
        raise Http404("未找到该课程")
    try:
        referral = services.request_course(actor=request.user, worker=worker, course=course)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("training:course", code=course.code)
    messages.success(request, "已提交，站点会联系您确认报名")
    return redirect("training:referral", code=referral.code)


# --- staff -------------------------------------------------------------------------------------------


def _find_workers(user, q: str):
    workers = (
        Worker.objects.served_by(user).filter(status=WorkerStatus.ACTIVE).select_related("station", "user")
    )
    q = q.strip()
    if q.isdigit() and len(q) == 11:
        return workers.filter(user__phone=q)
    if q.upper().startswith("WK"):
        return workers.filter(code=q.upper())
    if q.isdigit():
        return workers.filter(user__phone__endswith=q)
    return workers.filter(real_name__contains=q)


@login_required
def desk(request):
    """培训推荐: find a worker to refer, follow the referrals in scope, see what is short nearby."""
    require_staff(request)
    user = request.user
    form = FindWorkerForm(request.GET or None)
    found = list(_find_workers(user, form.cleaned_data["q"])[:20]) if form.is_valid() else []
    status = request.GET.get("status", "live")
    referrals = Referral.objects.visible_to(user).select_related("worker", "course", "station")
    if status == "live":
        referrals = referrals.filter(status__in=LIVE)
    elif status in ReferralStatus.values:
        referrals = referrals.filter(status=status)
    town = staff_town(user)
    context = {
        "form": form,
        "found": found,
        "searched": form.is_valid(),
        "page": Paginator(referrals, 30).get_page(request.GET.get("page")),
        "status": status,
        "statuses": [("live", "进行中"), *ReferralStatus.choices, ("all", "全部")],
        "town": town,
        "shortages": shortage_occupations(town, limit=10),
    }
    return render(request, "training/desk.html", context)


@login_required
def refer(request, code: str):
    """Recommended courses for one worker, with reasons; one button refers them (SMS + ledger line)."""
    require_staff(request)
    worker = (
        Worker.objects.served_by(request.user)
        .filter(code=code, status=WorkerStatus.ACTIVE)
        .select_related("station", "home_town", "user")
        .first()
    )
    if worker is None:
        raise Http404("未找到该求职者")
    form = ReferForm(request.POST or None)
    recs = recommend_courses(worker, limit=8)
    if request.method == "POST" and form.is_valid():
        course = Course.objects.published().filter(code=form.cleaned_data["course"]).first()
        if course is None:
            form.add_error(None, "请选择课程")
        else:
            reasons = next((r.reasons for r in recs if r.course.pk == course.pk), [])
            try:
                referral = services.refer(
                    actor=request.user,
                    worker=worker,
                    course=course,
                    reasons=reasons,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已推荐 {worker.masked_name} 参加“{course.title}”，已短信通知本人")
                return redirect("training:referral", code=referral.code)
    shown = {r.course.pk for r in recs}
    others = (
        Course.objects.open_for_referral(timezone.localdate())
        .exclude(pk__in=shown)
        .exclude(referrals__worker=worker, referrals__status__in=[*LIVE, *HOLDS_PLACE])
        .select_related("town")[:50]
    )
    context = {
        "worker": worker,
        "occupations": worker.occupations.select_related("occupation"),
        "assessment": Assessment.objects.filter(worker=worker).first(),
        "recs": recs,
        "others": others,
        "form": form,
        "referrals": Referral.objects.filter(worker=worker).select_related("course")[:20],
    }
    return render(request, "training/refer.html", context)


@login_required
def referral_detail(request, code: str):
    """The referral's steps. Staff move it along; the worker signs up or says they will not go."""
    referral = get_referral_for_user(request, code)
    is_self = referral.worker.user_id == request.user.pk
    can_handle = services.may_handle(request.user, referral)
    form = StatusForm(request.POST or None)
    if request.method == "POST":
        if not (is_self or can_handle):
            raise PermissionDenied("无权处理该培训推荐")
        if form.is_valid():
            try:
                services.change_status(
                    referral,
                    actor=request.user,
                    to_status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                referral.refresh_from_db()
                messages.success(request, f"已更新为“{referral.get_status_display()}”")
                return redirect("training:referral", code=referral.code)
    steps = referral.next_statuses
    if is_self and not can_handle:
        steps = tuple(s for s in steps if s in services.WORKER_STEPS)
    context = {
        "referral": referral,
        "events": referral.events.select_related("by"),
        "is_self": is_self,
        "can_handle": can_handle,
        "steps": [(s, ReferralStatus(s).label) for s in steps],
        "form": form,
        "path": [s for s in ReferralStatus if s != ReferralStatus.DROPPED],
    }
    return render(request, "training/referral.html", context)


@login_required
def course_edit(request, code: str | None = None):
    """Staff who publish courses: town admins (their town) and the city office."""
    if not services.may_edit_courses(request.user):
        raise PermissionDenied("只有镇街分局和市级管理员可以发布培训课程")
    course = None
    initial: dict = {"status": CourseStatus.OPEN}
    if code is not None:
        course = Course.objects.editable_by(request.user).filter(code=code).first()
        if course is None:
            raise Http404("未找到该课程，或不在您的管辖范围")
        initial = {f: getattr(course, f) for f in services.COURSE_FIELDS}
        initial["occupation"] = course.occupation.code if course.occupation else ""
    form = CourseForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.save_course(actor=request.user, data=form.course_data(), course=course)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("training:course", code=course.code)
    return render(request, "training/course_form.html", {"form": form, "course": course})
