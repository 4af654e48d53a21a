"""Employer pages: register, my organisations, detail, edit, members, invitations, and staff review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from lingong.accounts.models import Membership, Role
from lingong.lib.masking import mask_phone
from lingong.places.models import Town

from . import services
from .access import employer_for_reviewer, employer_for_user
from .forms import EmployerForm, InviteForm, ResubmitForm, ReviewForm
from .models import INVITATION_DAYS, Employer, EmployerInvitation, EmployerKind, EmployerStatus
from .queries import SHOW_CHOICES, FilterError, QueueFilter, review_queue


def _apply_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        for msg in exc.messages:
            form.add_error(None, msg)
        return
    for field, msgs in exc.message_dict.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def _members(employer: Employer):
    return (
        Membership.objects.filter(employer=employer, role=Role.EMPLOYER_MEMBER, active=True)
        .select_related("user")
        .order_by("-is_manager", "created_at")
    )


@login_required
def register(request):
    """Any signed-in person may register an organisation or household; they become its manager."""
    form = EmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            employer = services.register_employer(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"已提交：{employer.name}。{employer.next_step()}")
            return redirect("employers:detail", code=employer.code)
    return render(request, "employers/form.html", {"form": form, "employer": None})


@login_required
def mine(request):
    """The organisations I belong to, with their status and what to do next."""
    user = request.user
    managed = {m.employer_id for m in user.active_memberships if m.employer_id and m.is_manager}
    employers = Employer.objects.filter(id__in=user.employer_ids).select_related("town")
    rows = [(e, e.pk in managed) for e in employers]
    return render(request, "employers/mine.html", {"rows": rows})


@login_required
def detail(request, code: str):
    employer, can_manage = employer_for_user(request, code)
    is_member = employer.pk in request.user.employer_ids
    context = {
        "employer": employer,
        "can_manage": can_manage,
        "is_member": is_member,
        # Staff see a masked contact phone; the employer's own people see it in full.
        "contact_phone": employer.contact_phone if is_member else mask_phone(employer.contact_phone),
        "can_review": Employer.objects.reviewable_by(request.user).filter(pk=employer.pk).exists()
        and not is_member,
        "can_resubmit": can_manage and employer.status in (EmployerStatus.MORE_INFO, EmployerStatus.REJECTED),
        "credit_reasons": [reason for _, reason in employer.credit_reasons()],
        "today": timezone.localdate(),
    }
    return render(request, "employers/detail.html", context)


@login_required
def edit(request, code: str):
    employer, can_manage = employer_for_user(request, code)
    if not can_manage:
        raise PermissionDenied("只有本单位的管理员可以修改资料")
    form = EmployerForm(request.POST or None, employer=employer)
    if request.method == "POST" and form.is_valid():
        try:
            employer = services.update_employer(employer, actor=request.user, data=form.service_data())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "已保存" + ("，已重新提交审核" if employer.status == "pending" else ""))
            return redirect("employers:detail", code=employer.code)
    return render(request, "employers/form.html", {"form": form, "employer": employer})


@login_required
def resubmit(request, code: str):
    employer, can_manage = employer_for_user(request, code)
    if not can_manage:
        raise PermissionDenied("只有本单位的管理员可以重新提交")
    form = ResubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resubmit(employer, actor=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "已重新提交，请等待审核")
            return redirect("employers:detail", code=employer.code)
    allowed = employer.status in (EmployerStatus.MORE_INFO, EmployerStatus.REJECTED)
    return render(
        request, "employers/resubmit.html", {"form": form, "employer": employer, "allowed": allowed}
    )


@login_required
def members(request, code: str):
    """Everyone who may see the employer sees its members; managers invite and remove.

    Phones are shown in full to the employer's own people and masked for staff.
    """
    employer, can_manage = employer_for_user(request, code)
    user = request.user
    is_member = employer.pk in user.employer_ids
    form = InviteForm()
    invite_link = ""
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("只有本单位的管理员可以管理成员")
        if "remove" in request.POST:
            membership = _members(employer).filter(pk=request.POST.get("remove") or 0).first()
            if membership is None:
                raise Http404("未找到该成员")
            try:
                services.remove_member(employer, actor=user, membership=membership)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, f"已移除 {membership.user}")
            return redirect("employers:members", code=employer.code)
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                result = services.invite_member(
                    employer,
                    actor=user,
                    phone=form.cleaned_data["phone"],
                    as_manager=form.cleaned_data["as_manager"],
                    base_url=request.build_absolute_uri("/"),
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                if result.membership is not None:
                    messages.success(request, f"{result.membership.user} 已加入本单位")
                    return redirect("employers:members", code=employer.code)
                # The link holds the only copy of the token: show it now, on this response.
                invite_link = services.invitation_link(result.token, request.build_absolute_uri("/"))
                form = InviteForm()
    show = (lambda p: p) if is_member else mask_phone
    rows = [(m, show(m.user.phone or "")) for m in _members(employer)]
    now = timezone.now()
    invitations = [
        (inv, show(inv.phone))
        for inv in EmployerInvitation.objects.filter(
            employer=employer, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        )
    ]
    context = {
        "employer": employer,
        "can_manage": can_manage,
        "rows": rows,
        "invitations": invitations,
        "form": form,
        "invite_link": invite_link,
        "invitation_days": INVITATION_DAYS,
    }
    return render(request, "employers/members.html", context)


@login_required
def accept_invite(request, token: str):
    """The invited person opens the link, signed in; joining needs the invited phone."""
    invitation = services.find_invitation(token)
    if invitation is None:
        raise Http404("邀请链接无效")
    error = ""
    if request.method == "POST":
        try:
            services.accept_invitation(actor=request.user, token=token)
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            messages.success(request, f"已加入 {invitation.employer.name}")
            return redirect("employers:detail", code=invitation.employer.code)
    context = {
        "invitation": invitation,
        "masked_phone": mask_phone(invitation.phone),
        "phone_matches": request.user.phone == invitation.phone,
        "is_open": invitation.is_open(),
        "error": error,
    }
    return render(request, "employers/invite.html", context, status=400 if error else 200)


@login_required
def review_list(request):
    """The verification queue for town admins (their towns) and city admins."""
    g = request.GET
    f = QueueFilter(
        show=g.get("show") or "todo", town=g.get("town", ""), kind=g.get("kind", ""), q=g.get("q", "")
    )
    error = ""
    try:
        qs = review_queue(request.user, f)
    except FilterError as exc:
        error, qs = str(exc), Employer.objects.none()
    page = Paginator(qs, 50).get_page(g.get("page"))
    user = request.user
    towns = Town.objects.all() if user.is_city_admin else Town.objects.filter(id__in=user.admin_town_ids)
    today = timezone.localdate()
    rows = [(e, mask_phone(e.contact_phone), e.reverify_soon(today)) for e in page]
    query = g.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "rows": rows,
        "f": f,
        "error": error,
        "towns": towns,
        "kinds": EmployerKind.choices,
        "shows": SHOW_CHOICES,
        "query": query.urlencode(),
    }
    return render(request, "employers/review_list.html", context, status=400 if error else 200)


@login_required
def review(request, code: str):
    """Approve, reject with a reason, or ask for more."""
    employer = employer_for_reviewer(request, code)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_employer(
                employer,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"已审核：{employer.name}")
            return redirect("employers:review_list")
    context = {
        "employer": employer,
        "form": form,
        "contact_phone": mask_phone(employer.contact_phone),
        "members": [(m, mask_phone(m.user.phone or "")) for m in _members(employer)],
        "credit_reasons": [reason for _, reason in employer.credit_reasons()],
    }
    return render(request, "employers/review.html", context)
