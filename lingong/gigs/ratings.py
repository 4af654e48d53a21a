"""Ratings both ways after completion. A worker's rating of the employer feeds the employer's credit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count

from lingong.accounts import audit
from lingong.accounts.models import User
from lingong.employers.models import Employer

from .models import Application, AppStatus, Gig, Rating, RatingSide


def side_for(actor: User, app: Application) -> str | None:
    if app.worker.user_id == actor.pk:
        return RatingSide.WORKER
    if Gig.objects.managed_by(actor).filter(pk=app.gig_id).exists():
        return RatingSide.EMPLOYER
    return None


def _refresh_employer(employer_id: int) -> None:
    agg = Rating.objects.filter(side=RatingSide.WORKER, application__gig__employer_id=employer_id).aggregate(
        avg=Avg("stars"), n=Count("pk")
    )
    avg = round(agg["avg"], 2) if agg["avg"] is not None else None
    Employer.objects.filter(pk=employer_id).update(rating_avg=avg, rating_count=agg["n"])


@transaction.atomic
def rate(app: Application, *, actor: User, stars, comment: str = "") -> Rating:
    app = Application.objects.select_related("gig", "worker").get(pk=app.pk)
    side = side_for(actor, app)
    if side is None:
        raise PermissionDenied("只有这次用工的双方可以评价")
    if app.status != AppStatus.COMPLETED:
        raise ValidationError("完工后才能评价")
    try:
        stars = int(stars)
        if not 1 <= stars <= 5:
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationError({"stars": ["请选择 1 到 5 颗星"]}) from None
    comment = (comment or "").strip()
    if len(comment) > 200:
        raise ValidationError({"comment": ["评价不能超过 200 个字"]})
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                application=app, side=side, stars=stars, comment=comment, created_by=actor
            )
    except IntegrityError:
        raise ValidationError("已经评价过了") from None
    if side == RatingSide.WORKER:
        _refresh_employer(app.gig.employer_id)
    audit.record(actor, "gig.rate", app, summary=f"{RatingSide(side).label}：{stars} 星")
    return rating
