"""Partners and volunteers (P-19): lists per station, registering, editing, and their ledger activity."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render

from lingong.lib.masking import mask_phone

from . import partners as partner_services
from .access import ledger_stations, partner_for, pick_station, require_staff, station_for
from .forms import PartnerForm
from .models import LedgerEntry, Partner
from .reports import by_service
from .services import may_keep_ledger
from .views import apply_errors

RECENT = 50


@login_required
def partner_list(request):
    user = request.user
    require_staff(user)
    code = request.GET.get("station", "")
    station = station_for(user, code) if code else None
    partners = (
        Partner.objects.visible_to(user)
        .select_related("station__town")
        .annotate(served=Count("ledger_entries", filter=Q(ledger_entries__voided_at__isnull=True)))
        .order_by("station__town__plan_seq", "station__name", "-active", "kind", "name")
    )
    if station is not None:
        partners = partners.filter(station=station)
    rows = [(p, mask_phone(p.phone)) for p in partners]
    return render(
        request,
        "ledger/partners.html",
        {
            "rows": rows,
            "station": station,
            "stations": ledger_stations(user).order_by("town__plan_seq", "name"),
        },
    )


@login_required
def partner_new(request):
    user = request.user
    require_staff(user)
    stations = list(ledger_stations(user).order_by("town__plan_seq", "name"))
    if not stations:
        raise PermissionDenied("只有站点工作人员可以登记合作伙伴")
    default = pick_station(request, request.GET.get("station"))
    form = PartnerForm(
        request.POST or None,
        stations=stations,
        initial={"station": default.code if default else stations[0].code, "kind": "volunteer"},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        station = data.pop("station")
        try:
            partner = partner_services.create_partner(actor=user, station=station, data=data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记 {partner.name}")
            return redirect("ledger:partner_detail", code=partner.code)
    return render(request, "ledger/partner_form.html", {"form": form, "partner": None})


@login_required
def partner_detail(request, code: str):
    partner = partner_for(request.user, code)
    entries = LedgerEntry.objects.filter(partner=partner)
    recent = entries.valid().select_related("worker", "coordinator").order_by("-at", "-id")[:RECENT]
    return render(
        request,
        "ledger/partner_detail.html",
        {
            "partner": partner,
            "recent": recent,
            "totals": by_service(entries),
            "can_edit": may_keep_ledger(request.user, partner.station),
        },
    )


@login_required
def partner_edit(request, code: str):
    partner = partner_for(request.user, code)
    if not may_keep_ledger(request.user, partner.station):
        raise PermissionDenied("只能维护本站点的合作伙伴")
    initial = {f: getattr(partner, f) for f in partner_services.FIELDS}
    form = PartnerForm(request.POST or None, stations=[], editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            partner_services.update_partner(partner, actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("ledger:partner_detail", code=partner.code)
    return render(request, "ledger/partner_form.html", {"form": form, "partner": partner})
