"""Writes shared by the rights app: suspending an employer's posting, and small text helpers.

The domain services live next to this module: arrears.py (the scan and the staff actions on cases),
complaints.py, insurance.py and referrals.py (部门转介). Each writes inside one transaction with an
audit entry.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from django.db import transaction

from lingong.accounts import audit
from lingong.employers.models import Employer, EmployerStatus

from . import notices

if TYPE_CHECKING:
    from lingong.accounts.models import User


def clean_text(value: object, *, max_length: int) -> str:
    """Trimmed, NFC-normalised text without control characters (except newlines), cut to length."""
    text = unicodedata.normalize("NFC", str(value or "")).strip()
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text[:max_length]


@transaction.atomic
def suspend_employer(employer: Employer, *, actor: User | None, reason: str, cause: str) -> bool:
    """Stop an employer from posting (its gigs leave the public lists, which show approved employers
    only) because of wage arrears. Returns False when it was already suspended.

    Called by the arrears rules, never directly from a page: the rule is the authority, the actor
    (None for the scan) is who triggered it. `cause` names the trigger (a case code and step) so the
    employer's SMS is sent once per trigger. Staff lift a suspension through the employer review
    (approving it again), which is audited there.
    """
    employer = Employer.objects.select_for_update(of=("self",)).select_related("town").get(pk=employer.pk)
    if employer.status == EmployerStatus.SUSPENDED:
        return False
    reason = clean_text(reason, max_length=500)
    before = {"status": employer.status, "status_reason": employer.status_reason}
    employer.status = EmployerStatus.SUSPENDED
    employer.status_reason = reason
    employer.save(update_fields=["status", "status_reason", "updated_at"])
    audit.record(
        actor,
        "employer.suspend",
        employer,
        summary=f"暂停发布：{reason}",
        before=before,
        after={"status": employer.status, "status_reason": reason},
    )
    notices.sms(
        phone=employer.contact_phone,
        template=notices.EMPLOYER_SUSPENDED,
        params={"employer": employer.name, "reason": reason, "town": employer.town.short},
        key=f"employer-suspended:{employer.code}:{cause}",
    )
    return True
