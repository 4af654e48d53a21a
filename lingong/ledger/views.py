"""Quick entry on a tablet, worker search, same-day correction and voiding of ledger lines."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from lingong.lib.masking import mask_phone
from lingong.places.models import Station
from lingong.workers.models import Worker, WorkerStatus

from . import services
from .access import entry_for, ledger_stations, pick_station, require_staff
from .forms import CorrectionForm, EntryForm, VoidForm
from .models import LedgerEntry, Partner, ServiceType
from .reports import by_service

SEARCH_LIMIT = 8
# Which form field shows an error the services raise under their own names.
FIELD_FOR_ERROR = {"service": "services", "at": None, "source": None, "ref": None}


def apply_errors(form, exc: ValidationError, mapping: dict | None = None) -> None:
    mapping = mapping or {}
    for key, msgs in exc.message_dict.items():
        field = mapping.get(key, key)
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def choose_station(request, target: str):
    stations = ledger_stations(request.user).order_by("town__plan_seq", "name")
    return render(request, "ledger/choose_station.html", {"stations": stations, "target": target})


def day_context(user, station: Station, day) -> dict:
    """The day's lines (voided ones shown struck through) with their totals by service."""
    entries = list(
        LedgerEntry.objects.filter(station=station, day=day)
        .select_related("worker", "partner", "coordinator", "station")
        .order_by("-at", "-id")
    )
    correctable, voidable = services.actions_for(user, station, entries, timezone.localdate())
    return {
        "day": day,
        "entries": entries,
        "totals": by_service(LedgerEntry.objects.filter(station=station, day=day)),
        "correctable": correctable,
        "voidable": voidable,
    }


def _search_workers(user, q: str) -> list[Worker]:
    q = q.strip()
    if len(q) < 2:
        return []
    qs = Worker.objects.served_by(user).exclude(status=WorkerStatus.ERASED).select_related("user")
    if q.isdigit():
        # The last digits of a phone (what people remember) or of the ID number.
        qs = qs.filter(Q(user__phone__endswith=q) | Q(id_masked__endswith=q))
    elif q[-1:].upper() == "X" and q[:-1].isdigit():
        qs = qs.filter(id_masked__endswith=q.upper())
    else:
        qs = qs.filter(real_name__contains=q)
    return list(qs.order_by("-registered_at")[:SEARCH_LIMIT])


def _worker_rows(workers: list[Worker], chosen: str = "") -> list[dict]:
    return [
        {"code": w.code, "name": w.real_name, "phone": mask_phone(w.user.phone), "chosen": w.code == chosen}
        for w in workers
    ]


@login_required
def entry(request):
    """记一笔: tap the services given, optionally pick the worker, save; the day's list updates in place."""
    user = request.user
    require_staff(user)
    station = pick_station(request, request.GET.get("station") or request.POST.get("station"))
    if station is None:
        return choose_station(request, "ledger:entry")
    partners = list(Partner.objects.filter(station=station, active=True))
    form = EntryForm(request.POST or None, user=user, partners=partners)
    saved: list[LedgerEntry] = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            saved = services.record_visit(
                station=station,
                services=d["services"],
                actor=user,
                worker=d["worker"],
                walk_in_count=d["walk_in_count"],
                notes=d["notes"],
                outcome=d["outcome"],
                result=d["result"],
                partner=d["partner"],
            )
        except ValidationError as exc:
            apply_errors(form, exc, FIELD_FOR_ERROR)
        else:
            if not request.htmx:
                messages.success(request, f"已记录 {len(saved)} 项服务")
                return redirect(f"{reverse('ledger:entry')}?station={station.code}")
            form = EntryForm(user=user, partners=partners)
    q = request.GET.get("q", "")
    chosen = request.POST.get("worker", "") if form.is_bound and not saved else ""
    found = _search_workers(user, q) if q else []
    if chosen and not any(w.code == chosen for w in found):
        found += list(Worker.objects.served_by(user).filter(code=chosen).select_related("user"))
    context = {
        "station": station,
        "stations": ledger_stations(user).order_by("town__plan_seq", "name"),
        "form": form,
        "saved": saved,
        "service_choices": ServiceType.choices,
        "partners": partners,
        "q": q,
        "workers": _worker_rows(found, chosen),
        "searched": bool(q),
        **day_context(user, station, timezone.localdate()),
    }
    template = "ledger/_workspace.html" if request.htmx else "ledger/entry.html"
    return render(request, template, context)


@login_required
def worker_search(request):
    """htmx: workers this staff member serves, by the last digits of a phone or a name."""
    require_staff(request.user)
    q = request.GET.get("q", "")
    return render(
        request,
        "ledger/_worker_results.html",
        {"workers": _worker_rows(_search_workers(request.user, q)), "searched": len(q.strip()) >= 2},
    )


def _back(entry: LedgerEntry) -> str:
    return f"{reverse('ledger:entry')}?station={entry.station.code}"


@login_required
def edit(request, code: str):
    entry = entry_for(request.user, code)
    if not services.can_correct(request.user, entry):
        raise PermissionDenied("只能在当天更正自己记录的台账")
    partners = list(Partner.objects.filter(station=entry.station, active=True))
    if entry.partner_id and entry.partner not in partners:
        partners.append(entry.partner)
    initial = {
        "service": entry.service,
        "walk_in_count": entry.walk_in_count,
        "notes": entry.notes,
        "result": entry.result,
        "outcome": entry.outcome,
        "partner": entry.partner.code if entry.partner is not None else "",
    }
    form = CorrectionForm(request.POST or None, entry=entry, partners=partners, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in form.fields}
        try:
            services.correct_entry(entry, actor=request.user, data=data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已更正")
            return redirect(_back(entry))
    return render(request, "ledger/entry_edit.html", {"entry": entry, "form": form, "back": _back(entry)})


@login_required
def void(request, code: str):
    entry = entry_for(request.user, code)
    if not services.can_void(request.user, entry):
        raise PermissionDenied("只能作废自己当天记录的台账；其他记录请联系镇街管理员")
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.void_entry(entry, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已作废，这条记录不再计入合计")
            return redirect(_back(entry))
    return render(request, "ledger/entry_void.html", {"entry": entry, "form": form, "back": _back(entry)})
