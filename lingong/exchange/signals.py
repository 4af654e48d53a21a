"""Gig changes made through the gigs services (publish, review, close, cancel) reach the provincial
platform: a post_save handler, which runs inside the service's transaction, writes the outbox row."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from lingong.gigs.models import Gig, GigStatus

PUSHED_STATUSES = (GigStatus.OPEN, GigStatus.CLOSED, GigStatus.CANCELLED, GigStatus.REVIEW)


@receiver(post_save, sender=Gig, dispatch_uid="exchange_gig_push")
def gig_changed(sender, instance: Gig, raw: bool = False, **kwargs) -> None:
    from .outbox import enqueue_push, push_enabled

    # Only gigs that have been public are the province's business; drafts never leave.
    if raw or not push_enabled() or instance.published_at is None or instance.status not in PUSHED_STATUSES:
        return
    if not transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            _enqueue(instance, enqueue_push)
        return
    _enqueue(instance, enqueue_push)


def _enqueue(gig: Gig, enqueue_push) -> None:
    stamp = gig.updated_at.isoformat() if gig.updated_at else ""
    enqueue_push([gig.code], reason=f"gig.{gig.status}", dedupe_key=f"gig:{gig.code}:{gig.status}:{stamp}")
