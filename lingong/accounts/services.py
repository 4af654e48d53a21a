"""Writes to accounts: users, memberships, tokens, passwords. Each is audited in its transaction."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lingong.lib.phone import normalize_mobile

from . import audit
from .models import ApiToken, Membership, Role, User

TOKEN_PREFIX = "lg_"


@transaction.atomic
def create_user(
    *, actor: User | None, username: str, password: str, phone: str = "", display_name: str = ""
) -> User:
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    if not username:
        errors["username"] = ["请填写用户名"]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["该用户名已被使用"]
    normalized_phone = None
    if phone:
        try:
            normalized_phone = normalize_mobile(phone)
        except ValueError as exc:
            errors["phone"] = [str(exc)]
        else:
            if User.objects.filter(phone=normalized_phone).exists():
                errors["phone"] = ["该手机号已注册"]
    if errors:
        raise ValidationError(errors)
    user = User(username=username, phone=normalized_phone, display_name=display_name.strip())
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save()
    audit.record(actor, "user.create", user, summary=f"创建用户 {user.username}")
    return user


def _check_scope(role: str, town, station, employer=None) -> None:
    """The scope must fit the role (also enforced by a database constraint)."""
    needs = {Role.COORDINATOR: "station", Role.TOWN_ADMIN: "town", Role.EMPLOYER_MEMBER: "employer"}.get(
        Role(role)
    )
    if needs == "station" and (station is None or town is not None or employer is not None):
        raise ValidationError({"station": ["零工协理员必须指定所在站点"]})
    if needs == "town" and (town is None or station is not None or employer is not None):
        raise ValidationError({"town": ["镇街管理员必须指定镇街"]})
    if needs == "employer" and (employer is None or town is not None or station is not None):
        raise ValidationError({"employer": ["用工主体成员必须指定所属用工主体"]})
    if needs is None and (town is not None or station is not None or employer is not None):
        raise ValidationError({"role": ["该角色不按镇街、站点或用工主体划分"]})


def _check_may_grant(actor: User | None, role: str, station, employer=None) -> None:
    """City admins grant anything; town admins grant coordinators of their own town's stations;
    managers of an employer grant membership of that employer.

    actor=None is the system itself (reference and demo data, management commands, and an accepted
    employer invitation, whose service checks the invitation instead).
    """
    if actor is None or actor.is_city_admin:
        return
    if role == Role.COORDINATOR and station is not None and station.town_id in actor.admin_town_ids:
        return
    if (
        role == Role.EMPLOYER_MEMBER
        and employer is not None
        and any(
            m.role == Role.EMPLOYER_MEMBER and m.employer_id == employer.pk and m.is_manager
            for m in actor.active_memberships
        )
    ):
        return
    raise PermissionDenied("没有授予该角色的权限")


@transaction.atomic
def grant_membership(
    *,
    actor: User | None,
    user: User,
    role: str,
    town=None,
    station=None,
    employer=None,
    is_manager: bool = False,
) -> Membership:
    """Grant a role in a scope. is_manager only applies to employer members; granting never demotes
    an active manager (a reactivated membership takes the is_manager given here)."""
    if role not in Role.values:
        raise ValidationError({"role": ["未知的角色"]})
    _check_scope(role, town, station, employer)
    _check_may_grant(actor, role, station, employer)
    is_manager = bool(is_manager) and role == Role.EMPLOYER_MEMBER
    membership, created = Membership.objects.get_or_create(
        user=user,
        role=role,
        town=town,
        station=station,
        employer=employer,
        defaults={"active": True, "is_manager": is_manager},
    )
    changed = []
    if not created and not membership.active:
        membership.active, membership.is_manager = True, is_manager
        changed = ["active", "is_manager"]
    elif not created and is_manager and not membership.is_manager:
        membership.is_manager = True
        changed = ["is_manager"]
    if changed:
        membership.save(update_fields=changed)
    if created or changed:
        # Membership.__str__ names stations and towns; an employer scope is named here.
        scope = f" {employer}" if employer is not None else ""
        manager = "（管理员）" if membership.is_manager else ""
        audit.record(
            actor, "membership.grant", membership, summary=f"授予 {user} 角色：{membership}{scope}{manager}"
        )
    user.__dict__.pop("active_memberships", None)
    return membership


@transaction.atomic
def revoke_membership(*, actor: User, membership: Membership) -> None:
    _check_may_grant(actor, membership.role, membership.station, membership.employer)
    if not membership.active:
        return
    membership.active = False
    membership.save(update_fields=["active"])
    audit.record(
        actor, "membership.revoke", membership, summary=f"撤销 {membership.user} 的角色：{membership}"
    )
    membership.user.__dict__.pop("active_memberships", None)


@transaction.atomic
def change_password(*, actor: User, user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit.record(actor, "user.password_change", user, summary="修改密码")


@transaction.atomic
def note_login(*, user: User, via: str) -> None:
    audit.record(user, "user.login", user, summary=f"登录（{via}）")


@transaction.atomic
def issue_token(*, actor: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token; the plain key is returned once and never stored."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name[:60], prefix=key[:8], key_hash=ApiToken.hash_key(key)
    )
    audit.record(actor, "token.issue", token, summary=f"签发接口令牌 {token.prefix}… {token.name}".strip())
    return token, key


@transaction.atomic
def revoke_token(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.id:
        raise PermissionError("只能撤销自己的令牌")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "token.revoke", token, summary=f"撤销接口令牌 {token.prefix}…")


def user_for_token(key: str) -> tuple[User, ApiToken] | None:
    """The active user behind a bearer key, or None. Touches last_used_at at most once a minute."""
    if not key or not key.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token
