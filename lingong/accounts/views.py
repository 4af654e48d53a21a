"""Sign in and out, password change, the large-text preference, API tokens, and the audit log."""

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from lingong.lib.excel import xlsx_response
from lingong.lib.phone import normalize_mobile
from lingong.notify.services import check_code, send_code
from lingong.places.models import Station, Town

from . import services
from .context import A11Y_COOKIE
from .forms import LoginForm, SignupForm, SmsLoginForm
from .models import ApiToken, AuditEntry, User


def home(request):
    context = {"towns": Town.objects.all(), "station_count": Station.objects.public().count()}
    return render(request, "home.html", context)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        services.note_login(user=form.get_user(), via="网页")
        return response


@require_POST
def toggle_large_text(request):
    """Large text and high contrast; kept in a year-long cookie so it persists without an account."""
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.COOKIES.get(A11Y_COOKIE) == "large":
        response.delete_cookie(A11Y_COOKIE)
    else:
        response.set_cookie(A11Y_COOKIE, "large", max_age=365 * 24 * 3600, samesite="Lax")
    return response


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.change_password(
            actor=request.user, user=request.user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, "密码已修改")
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def tokens(request):
    """A person's own API tokens: issue one (shown once) and revoke any."""
    new_key = None
    if request.method == "POST":
        if "revoke" in request.POST:
            token = get_object_or_404(ApiToken, pk=request.POST.get("revoke"), user=request.user)
            services.revoke_token(actor=request.user, token=token)
            messages.success(request, f"令牌 {token.prefix}… 已撤销")
            return redirect("accounts:tokens")
        _, new_key = services.issue_token(actor=request.user, name=request.POST.get("name", "").strip())
    rows = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "accounts/tokens.html", {"tokens": rows, "new_key": new_key})


AUDIT_HEADERS = ["时间", "操作人", "操作", "对象类型", "对象", "摘要", "变更前", "变更后"]


@login_required
def audit_log(request):
    """City admins read and export the whole log; it is the record every office answers to."""
    if not request.user.is_city_admin:
        raise PermissionDenied("只有市级管理员可以查看审计日志")
    entries = AuditEntry.objects.select_related("actor").order_by("-id")
    if request.GET.get("q"):
        entries = entries.filter(object_label__icontains=request.GET["q"])
    if request.GET.get("format") == "xlsx":
        rows = (
            [
                e.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_label,
                e.action,
                e.object_type,
                e.object_label,
                e.summary,
                str(e.before or ""),
                str(e.after or ""),
            ]
            for e in entries[:50000]
        )
        return xlsx_response("审计日志.xlsx", "审计日志", AUDIT_HEADERS, rows)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit.html", {"page": page, "q": request.GET.get("q", "")})


LOCKED_MESSAGE = "登录失败次数过多，账号已暂时锁定，请 30 分钟后再试"


def locked_out(request, original_response=None, credentials=None):
    """Lockout answer: JSON for API clients, a page for people (called by django-axes)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": LOCKED_MESSAGE}, status=429)
    return render(request, "accounts/locked_out.html", status=429)


def login_sms(request):
    """Sign in with a code sent by SMS: for workers who never set a password."""
    form = SmsLoginForm(request.POST or None)
    sent = request.POST.get("action") == "send"
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            if sent:
                send_code(phone=phone, purpose="login", request_ip=request.META.get("REMOTE_ADDR", ""))
                messages.success(request, "验证码已发送，请查看短信")
            else:
                mobile = normalize_mobile(phone)
                user = User.objects.filter(phone=mobile, is_active=True).first()
                if user is None:
                    raise ValidationError({"phone": ["该手机号还没有注册，请先求职登记"]})
                check_code(phone=mobile, purpose="login", code=form.cleaned_data.get("code") or "")
                login(request, user, backend="lingong.accounts.backends.PhoneOrUsernameBackend")
                services.note_login(user=user, via="短信验证码")
                target = request.GET.get("next") or ""
                safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
                return redirect(target if safe and target else "home")
        except (ValidationError, ValueError) as exc:
            msgs = (
                exc.message_dict if isinstance(exc, ValidationError) and hasattr(exc, "error_dict") else None
            )
            if msgs:
                for field, errs in msgs.items():
                    for e in errs:
                        form.add_error(field if field in form.fields else None, e)
            else:
                form.add_error("phone", str(exc) if isinstance(exc, ValueError) else "；".join(exc.messages))
    return render(request, "accounts/login_sms.html", {"form": form, "sent": sent})


SIGNUP_PHONE = "signup_phone"


def _form_errors(form, exc: ValidationError) -> None:
    for field, errs in exc.message_dict.items():
        for e in errs:
            form.add_error(field if field in form.fields else None, e)


def signup(request):
    """Create an account with a phone confirmed by SMS (employers and staff; workers use 求职登记)."""
    target = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    if request.GET.get("restart"):
        request.session.pop(SIGNUP_PHONE, None)
    phone = request.session.get(SIGNUP_PHONE)
    if request.POST.get("step") == "phone" or not phone:
        return _signup_phone(request, target)
    return _signup_details(request, phone, target)


def _signup_phone(request, target: str):
    form = SmsLoginForm(request.POST if request.POST.get("step") == "phone" else None)
    if form.is_bound and form.is_valid():
        try:
            send_code(
                phone=form.cleaned_data["phone"],
                purpose="register",
                request_ip=request.META.get("REMOTE_ADDR", ""),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            request.session[SIGNUP_PHONE] = normalize_mobile(form.cleaned_data["phone"])
            messages.success(request, "验证码已发送，请查看短信")
            return redirect(f"{request.path}?next={target}" if target else request.path)
    return render(request, "accounts/signup_phone.html", {"form": form, "next": target})


def _signup_details(request, phone: str, target: str):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if User.objects.filter(phone=phone).exists():
                raise ValidationError({"code": ["该手机号已注册，请直接登录"]})
            try:  # before spending the code on a password that would be refused
                validate_password(d["password"])
            except ValidationError as exc:
                raise ValidationError({"password": exc.messages}) from None
            check_code(phone=phone, purpose="register", code=d["code"])
            user = services.create_user(
                actor=None,
                username=f"u{phone}",
                password=d["password"],
                phone=phone,
                display_name=d["display_name"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            request.session.pop(SIGNUP_PHONE, None)
            login(request, user, backend="lingong.accounts.backends.PhoneOrUsernameBackend")
            services.note_login(user=user, via="注册")
            messages.success(request, "注册成功")
            return redirect(target or "home")
    return render(request, "accounts/signup_details.html", {"form": form, "phone": phone, "next": target})
