"""Pay: the employer records what was paid for a completed booking; the worker confirms or disputes.

Until the worker confirms, pay counts as unconfirmed, and the arrears scan (rights.arrears) opens a
case when the settlement cycle has passed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lingong.accounts import audit
from lingong.accounts.models import User

from . import notices
from .models import Application, AppStatus, Gig, PayMethod, PayRecord, PayStatus


def _lock(app: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("gig", "worker", "worker__user")
        .get(pk=app.pk)
    )


def clean_amount(raw) -> Decimal:
    try:
        amount = Decimal(str(raw).strip())
        if not amount.is_finite() or amount <= 0 or amount >= Decimal("1000000"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": ["请填写实际支付的金额（大于 0 的数字）"]}) from None
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def record_pay(
    app: Application, *, actor: User, amount, method: str, paid_at: dt.datetime | None = None
) -> PayRecord:
    app = _lock(app)
    if not Gig.objects.managed_by(actor).filter(pk=app.gig_id).exists():
        raise PermissionDenied("只有用工方或负责的工作人员可以登记工资支付")
    if app.status != AppStatus.COMPLETED:
        raise ValidationError("完工后才能登记工资支付")
    amount = clean_amount(amount)
    if method not in PayMethod.values:
        raise ValidationError({"method": ["请选择支付方式：现金、微信、支付宝或银行转账"]})
    now = timezone.now()
    paid_at = paid_at or now
    if paid_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"paid_at": ["支付时间不能晚于现在"]})
    existing = PayRecord.objects.filter(application=app).first()
    if existing is not None and existing.status != PayStatus.DISPUTED:
        raise ValidationError("这笔工资已经登记过了")
    if existing is not None:
        # The worker disputed the first record: the employer records the corrected payment.
        existing.amount, existing.method, existing.paid_at = amount, method, paid_at
        existing.recorded_by, existing.status, existing.dispute_reason = actor, PayStatus.RECORDED, ""
        existing.save()
        record = existing
    else:
        try:
            with transaction.atomic():
                record = PayRecord.objects.create(
                    application=app, amount=amount, method=method, paid_at=paid_at, recorded_by=actor
                )
        except IntegrityError:
            raise ValidationError("这笔工资已经登记过了") from None
    notices.send(
        template="gig_pay_recorded",
        phone=notices.worker_phone(app),
        params={"title": app.gig.title, "amount": f"{amount}", "method": PayMethod(method).label},
        key=f"pay:{app.code}:{record.pk}:{amount}:{method}",
    )
    audit.record(
        actor, "gig.pay_record", record, summary=f"登记支付 {amount} 元（{PayMethod(method).label}）"
    )
    return record


def _own_record(app: Application, actor: User) -> PayRecord:
    if app.worker.user_id != actor.pk:
        raise PermissionDenied("只能确认自己的工资")
    record = PayRecord.objects.select_for_update(of=("self",)).filter(application=app).first()
    if record is None:
        raise ValidationError("用工方还没有登记支付；如超过约定时间未收到工资，可以投诉")
    return record


@transaction.atomic
def confirm_pay(app: Application, *, actor: User) -> PayRecord:
    app = _lock(app)
    record = _own_record(app, actor)
    if record.status == PayStatus.CONFIRMED:
        return record
    record.status, record.confirmed_at = PayStatus.CONFIRMED, timezone.now()
    record.save(update_fields=["status", "confirmed_at"])
    audit.record(actor, "gig.pay_confirm", record, summary=f"确认收到 {record.amount} 元")
    return record


@transaction.atomic
def dispute_pay(app: Application, *, actor: User, reason: str) -> PayRecord:
    app = _lock(app)
    record = _own_record(app, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请说明哪里不对，如“约定 200 元只收到 150 元”"]})
    if len(reason) > 300:
        raise ValidationError({"reason": ["说明不能超过 300 个字"]})
    if record.status == PayStatus.CONFIRMED:
        raise ValidationError("已确认收款，不能再提出异议；如有问题请投诉")
    record.status, record.dispute_reason = PayStatus.DISPUTED, reason
    record.save(update_fields=["status", "dispute_reason"])
    notices.send(
        template="gig_pay_disputed",
        phone=app.gig.contact_phone,
        params={"worker": app.worker.masked_name, "title": app.gig.title, "reason": reason},
        key=f"dispute:{app.code}:{record.pk}:{reason[:40]}",
    )
    audit.record(actor, "gig.pay_dispute", record, summary=f"对支付有异议：{reason}"[:300])
    return record
