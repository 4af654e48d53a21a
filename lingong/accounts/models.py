"""Users, scoped role memberships, API tokens and the append-only audit log."""

from __future__ import annotations

import hashlib
import json
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    WORKER = "worker", "零工/求职者"
    EMPLOYER_MEMBER = "employer_member", "用工主体成员"
    COORDINATOR = "coordinator", "零工协理员"
    TOWN_ADMIN = "town_admin", "镇街分局管理员"
    CITY_ADMIN = "city_admin", "市人力资源管理办公室"


STAFF_ROLES = {Role.COORDINATOR, Role.TOWN_ADMIN, Role.CITY_ADMIN}


class User(AbstractUser):
    """A person who signs in. Roles come from memberships, never from is_staff flags."""

    phone = models.CharField("手机号", max_length=11, unique=True, null=True, blank=True)
    display_name = models.CharField("姓名/称呼", max_length=50, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @cached_property
    def active_memberships(self) -> list[Membership]:
        return list(self.memberships.filter(active=True).select_related("town", "station__town"))

    @property
    def roles(self) -> set[str]:
        return {m.role for m in self.active_memberships}

    @property
    def is_city_admin(self) -> bool:
        return Role.CITY_ADMIN in self.roles

    @property
    def admin_town_ids(self) -> set[int]:
        return {m.town_id for m in self.active_memberships if m.role == Role.TOWN_ADMIN and m.town_id}

    @property
    def coordinator_station_ids(self) -> set[int]:
        return {m.station_id for m in self.active_memberships if m.role == Role.COORDINATOR and m.station_id}

    @property
    def employer_ids(self) -> set[int]:
        return {
            m.employer_id for m in self.active_memberships if m.role == Role.EMPLOYER_MEMBER and m.employer_id
        }

    @property
    def is_back_office(self) -> bool:
        return bool(self.roles & STAFF_ROLES)


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Membership(models.Model):
    """A role held within a scope: a station, a town, an employer, or the whole city."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    town = models.ForeignKey("places.Town", null=True, blank=True, on_delete=models.PROTECT)
    station = models.ForeignKey("places.Station", null=True, blank=True, on_delete=models.PROTECT)
    employer = models.ForeignKey("employers.Employer", null=True, blank=True, on_delete=models.PROTECT)
    # Managers of an employer edit its record and add or remove its members.
    is_manager = models.BooleanField("管理员", default=False)
    active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "角色"
        constraints = [
            # The scope must match the role: a coordinator has a station, a town admin a town,
            # an employer member an employer; city admins and workers have no scope.
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(role="coordinator", station__isnull=False, town__isnull=True, employer__isnull=True)
                    | Q(role="town_admin", town__isnull=False, station__isnull=True, employer__isnull=True)
                    | Q(
                        role="employer_member",
                        employer__isnull=False,
                        town__isnull=True,
                        station__isnull=True,
                    )
                    | Q(
                        role__in=["city_admin", "worker"],
                        town__isnull=True,
                        station__isnull=True,
                        employer__isnull=True,
                    )
                ),
            ),
            models.UniqueConstraint(fields=["user", "role", "town", "station"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        scope = self.station or self.town or ""
        return f"{self.get_role_display()} {scope}".strip()


class ApiToken(models.Model):
    """A bearer token for the mini-program, kiosks and partners. Only a hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=60, blank=True)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}".strip()

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class TotpDevice(models.Model):
    """A town or city admin's authenticator app (TOTP, RFC 6238), the second factor at sign-in.

    The secret is held only encrypted (lingong.lib.crypto, bound to the user). A device is usable once
    confirmed with a first code; `last_step` is the last 30-second step accepted, so no code is accepted
    twice. Wrong codes are counted per device and lock it for a while (see accounts/otp.py).
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret_cipher = models.TextField("密钥（加密）")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField("启用时间", null=True, blank=True)
    last_step = models.BigIntegerField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    failures_since = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "动态验证码设备"

    def __str__(self) -> str:
        return f"{self.user} 的动态验证码"


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise PermissionError("审计日志只能追加，不能修改")

    def delete(self):  # type: ignore[override]
        raise PermissionError("审计日志只能追加，不能删除")


class AuditEntry(models.Model):
    """Append-only, hash-chained record of who did what to which record."""

    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    object_label = models.CharField(max_length=200, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除")

    def compute_hash(self) -> str:
        body = json.dumps(
            [
                self.prev_hash,
                self.created_at.isoformat(),
                self.actor_id,
                self.action,
                self.object_type,
                self.object_id,
                self.summary,
                self.before,
                self.after,
            ],
            ensure_ascii=False,
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(body.encode()).hexdigest()
