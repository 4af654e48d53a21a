"""Complaint pages (file, list, detail with trail and evidence) and the insurance records page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from lingong.accounts.models import User
from lingong.employers.models import Employer, managed_employer_ids
from lingong.gigs.models import Gig
from lingong.workers.models import Worker, WorkerStatus

from . import complaints, insurance
from .access import complaint_for_user
from .forms import (
    AssignForm,
    ComplaintCloseForm,
    ComplaintForm,
    ComplaintNoteForm,
    ComplaintStatusForm,
    CoverageForm,
    EvidenceForm,
)
from .models import Complaint, ComplaintKind, ComplaintStatus, InsuranceCoverage
from .views import apply_errors
from .views_referrals import referral_action, referral_section


def _worker_gigs(worker: Worker):
    return (
        Gig.objects.filter(applications__worker=worker)
        .select_related("employer")
        .distinct()
        .order_by("-id")[:50]
    )


@login_required
def complaint_new(request):
    """A worker files for themself; staff file for a worker they serve (?worker=<code>)."""
    user = request.user
    code = request.GET.get("worker") or request.POST.get("worker") or ""
    if code:
        worker = Worker.objects.served_by(user).exclude(status=WorkerStatus.ERASED).filter(code=code).first()
        if worker is None:
            raise Http404("未找到该求职者")
    else:
        worker = Worker.objects.filter(user=user).exclude(status=WorkerStatus.ERASED).first()
        if worker is None:
            if user.is_back_office:
                return render(request, "rights/complaint_pick.html", {})
            raise Http404("您还没有求职登记")
    staff = worker.user_id != user.pk
    gigs = list(_worker_gigs(worker))
    posted = request.method == "POST"
    form = ComplaintForm(
        request.POST if posted else None, request.FILES if posted else None, gigs=gigs, staff=staff
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        gig = next((g for g in gigs if g.code == data["gig"]), None)
        employer = None
        if staff and data.get("employer_code"):
            employer = Employer.objects.filter(code=data["employer_code"].strip().upper()).first()
            if employer is None:
                form.add_error("employer_code", "未找到该用工主体编号")
        if not form.errors:
            try:
                complaint = complaints.file_complaint(
                    actor=user,
                    worker=worker,
                    kind=data["kind"],
                    description=data["description"],
                    employer=employer,
                    gig=gig,
                    files=data["evidence"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"投诉已受理，编号 {complaint.code}。办理进展会以短信告知。")
                return redirect("rights:complaint_detail", code=complaint.code)
    context = {"form": form, "worker": worker, "staff": staff}
    return render(request, "rights/complaint_form.html", context, status=400 if form.errors else 200)


@login_required
def complaint_list(request):
    """Staff: complaints in their scope. A worker: their own. Nobody else has complaints to see."""
    user = request.user
    if not user.is_back_office and not Worker.objects.filter(user=user).exists():
        raise PermissionDenied("投诉信息只有投诉人和负责的工作人员可以查看")
    g = request.GET
    qs = Complaint.objects.visible_to(user).select_related("worker", "employer", "owner")
    status, kind, mine = g.get("status", ""), g.get("kind", ""), g.get("mine", "")
    if status == "open":
        qs = qs.filter(status__in=[ComplaintStatus.ACCEPTED, ComplaintStatus.IN_PROGRESS])
    elif status in ComplaintStatus.values:
        qs = qs.filter(status=status)
    if kind in ComplaintKind.values:
        qs = qs.filter(kind=kind)
    if mine:
        qs = qs.filter(owner=user)
    page = Paginator(qs, 50).get_page(g.get("page"))
    query = g.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "staff": user.is_back_office,
        "status": status,
        "kind": kind,
        "mine": mine,
        "statuses": [("open", "未办结"), *ComplaintStatus.choices],
        "kinds": ComplaintKind.choices,
        "query": query.urlencode(),
    }
    return render(request, "rights/complaint_list.html", context)


COMPLAINT_ACTIONS = {
    "note": (ComplaintNoteForm, "已记录"),
    "status": (ComplaintStatusForm, "状态已更新"),
    "close": (ComplaintCloseForm, "投诉已办结"),
    "assign": (AssignForm, "已更换承办人"),
    "evidence": (EvidenceForm, "证据已上传"),
}


def _complaint_action(action: str, complaint: Complaint, user: User, data: dict, people: list[User]) -> None:
    if action == "note":
        complaints.add_note(complaint, actor=user, note=data["note"], internal=data["internal"])
    elif action == "status":
        complaints.change_status(complaint, actor=user, status=data["status"], note=data["note"])
    elif action == "close":
        complaints.close(complaint, actor=user, outcome=data["outcome"], status=data["status"])
    elif action == "assign":
        owner = next(u for u in people if str(u.pk) == data["owner"])
        complaints.assign(complaint, actor=user, owner=owner)
    else:
        complaints.add_evidence(complaint, actor=user, files=data["evidence"])


@login_required
def complaint_detail(request, code: str):
    """The complaint, its evidence and trail. The worker follows progress and adds evidence; staff
    handling it note, change status, reassign and close."""
    complaint, can_handle = complaint_for_user(request, code)
    user = request.user
    is_worker = complaint.worker.user_id == user.pk
    section = referral_section(
        request,
        complaint,
        can_handle=can_handle,
        page_url=reverse("rights:complaint_detail", args=[complaint.code]),
    )
    if section.response is not None:
        return section.response
    people = complaints.owner_choices(complaint) if can_handle else []
    if can_handle and complaint.owner and complaint.owner not in people:
        people.insert(0, complaint.owner)

    def blank(name: str):
        form_class = COMPLAINT_ACTIONS[name][0]
        return form_class(prefix=name, people=people) if form_class is AssignForm else form_class(prefix=name)

    forms = {name: blank(name) for name in COMPLAINT_ACTIONS}
    status, error = section.status, ""
    if request.method == "POST" and not referral_action(request):
        if not can_handle and not is_worker:
            raise PermissionDenied("只有负责该投诉的工作人员可以处理")
        status = 400
        action = request.POST.get("action", "")
        if action not in COMPLAINT_ACTIONS:
            error = "请选择要进行的操作"
        elif not can_handle and action != "evidence":
            raise PermissionDenied("只有负责该投诉的工作人员可以处理")
        else:
            form_class, done = COMPLAINT_ACTIONS[action]
            kwargs = {"people": people} if form_class is AssignForm else {}
            form = form_class(request.POST, request.FILES, prefix=action, **kwargs)
            forms[action] = form
            if form.is_valid():
                try:
                    _complaint_action(action, complaint, user, form.cleaned_data, people)
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, done)
                    return redirect("rights:complaint_detail", code=complaint.code)
    events = complaint.events.select_related("actor")
    if not can_handle:
        events = events.filter(internal=False)
    context = {
        "complaint": complaint,
        "can_handle": can_handle,
        "is_worker": is_worker,
        "events": events,
        "evidence": complaint.evidence.all(),
        "forms": forms,
        "worker_name": complaint.worker.real_name,
        "error": error,
        **section.context,
    }
    return render(request, "rights/complaint_detail.html", context, status=status)


@login_required
def evidence(request, code: str, evidence_code: str):
    """One evidence file, for the people who may see the complaint. Never a public URL."""
    complaint, _ = complaint_for_user(request, code)
    item = get_object_or_404(complaint.evidence.all(), code=evidence_code)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在") from None
    ext = item.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        handle, content_type=item.content_type, as_attachment=not item.is_image, filename=f"{item.code}.{ext}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def insurance_page(request):
    """Staff and employer managers record accident insurance; everyone here sees what they may."""
    user = request.user
    if not (user.is_back_office or managed_employer_ids(user)):
        raise PermissionDenied("只有工作人员和用工主体管理员可以登记保险")
    # An empty POST is a bound form too: it answers with what is missing, not with a blank page.
    form = CoverageForm(
        request.POST if request.method == "POST" else None, initial={"valid_from": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        gig = worker = None
        if data["gig_code"]:
            gig = Gig.objects.filter(code=data["gig_code"].strip().upper()).first()
            if gig is None:
                form.add_error("gig_code", "未找到该岗位编号")
        if data["worker_code"]:
            worker = Worker.objects.visible_to(user).filter(code=data["worker_code"].strip().upper()).first()
            if worker is None:
                form.add_error("worker_code", "未找到该零工编号")
        if not form.errors:
            try:
                coverage = insurance.record_coverage(
                    actor=user, data=form.service_data(), gig=gig, worker=worker
                )
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已登记保险 {coverage.insurer} {coverage.policy_number}")
                return redirect("rights:insurance")
    records = InsuranceCoverage.objects.visible_to(user).select_related("gig", "worker", "recorded_by")
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "today": timezone.localdate()}
    return render(request, "rights/insurance.html", context, status=400 if form.errors else 200)
