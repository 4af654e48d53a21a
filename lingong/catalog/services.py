"""Writes to the catalog. City admins extend the synonyms; every change is checked, saved whole or not at
all, and audited in the same transaction. The classifier index follows (see autocode.py).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from lingong.accounts import audit
from lingong.accounts.models import User

from . import autocode
from .classifier import normalize
from .models import OCCUPATION_CODE_RE, Occupation, OccupationLevel, OccupationSynonym

TERM_MIN, TERM_MAX = 2, 20
_LETTERS_RE = re.compile(r"[a-z\u3400-\u4dbf\u4e00-\u9fff]")


def can_manage_synonyms(user: User | Any) -> bool:
    """The one rule for who may change synonyms: city admins (市人力资源管理办公室)."""
    return bool(user is not None and user.is_authenticated and user.is_city_admin)


def _check(actor: User) -> None:
    if not can_manage_synonyms(actor):
        raise PermissionDenied("只有市级管理员可以维护职业同义词")


def normalize_term(term: str) -> str:
    """The stored form of a term: full-width folded, lower case, no spaces or punctuation."""
    return normalize(term or "").replace(" ", "")


def resolve_occupation(code: str) -> Occupation:
    """A level-4 occupation by code, or ValidationError in Chinese for the occupation_code field."""
    code = (code or "").strip()
    if not code:
        raise ValidationError({"occupation_code": ["请选择对应的职业"]})
    if not re.match(OCCUPATION_CODE_RE, code):
        raise ValidationError({"occupation_code": ["职业代码格式应为 D-DD-DD-DD，如 4-10-01-06"]})
    occupation = Occupation.objects.filter(code=code).first()
    if occupation is None:
        raise ValidationError({"occupation_code": [f"找不到职业代码 {code}"]})
    if occupation.level != OccupationLevel.DETAIL:
        raise ValidationError(
            {"occupation_code": [f"{occupation} 不是细类，请选择第4层的具体职业，如 4-10-01-06 家政服务员"]}
        )
    return occupation


def clean_synonym_data(data: dict[str, Any]) -> dict[str, Any]:
    """The one validation path for a new synonym (form and any future API). Raises ValidationError."""
    errors: dict[str, list[str]] = {}
    term = normalize_term(data.get("term", ""))
    if not term:
        errors["term"] = ["请填写词语，如“住家保姆”"]
    elif not TERM_MIN <= len(term) <= TERM_MAX:
        errors["term"] = [f"词语应为{TERM_MIN}到{TERM_MAX}个字"]
    elif not _LETTERS_RE.search(term):
        errors["term"] = ["词语应包含汉字或字母"]
    else:
        existing = OccupationSynonym.objects.select_related("occupation").filter(term=term).first()
        if existing is not None and existing.active:
            errors["term"] = [f"“{term}”已是“{existing.occupation.name}”的同义词"]
        elif existing is not None:
            errors["term"] = [f"“{term}”已存在但已停用，可在下方列表中重新启用"]
    occupation = None
    try:
        occupation = resolve_occupation(data.get("occupation_code", ""))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    note = (data.get("note") or "").strip()
    if len(note) > 200:
        errors["note"] = ["说明不能超过200个字"]
    if errors:
        raise ValidationError(errors)
    return {"term": term, "occupation": occupation, "note": note}


def _snapshot(s: OccupationSynonym) -> dict[str, Any]:
    return {
        "term": s.term,
        "occupation": f"{s.occupation.code} {s.occupation.name}",
        "note": s.note,
        "active": s.active,
    }


def _refresh_index() -> None:
    # This process rechecks the catalog version on its next classify (so this request sees the change at
    # once) and again after commit; other processes follow the version within a couple of seconds.
    autocode.invalidate()
    transaction.on_commit(autocode.invalidate)


@transaction.atomic
def add_synonym(*, actor: User, data: dict[str, Any]) -> OccupationSynonym:
    """Add an everyday word for an occupation (term, occupation_code, note)."""
    _check(actor)
    cleaned = clean_synonym_data(data)
    synonym = OccupationSynonym(
        term=cleaned["term"], occupation=cleaned["occupation"], note=cleaned["note"], created_by=actor
    )
    try:
        with transaction.atomic():
            synonym.save()
    except IntegrityError:
        # The unique term is the one thing clean_synonym_data cannot see: another admin at the same time.
        raise ValidationError({"term": [f"“{synonym.term}”刚刚已被添加"]}) from None
    audit.record(
        actor,
        "catalog.synonym.add",
        synonym,
        summary=f"新增职业同义词：{synonym.term} → {synonym.occupation.code} {synonym.occupation.name}",
        after=_snapshot(synonym),
    )
    _refresh_index()
    return synonym


@transaction.atomic
def set_synonym_active(*, actor: User, term: str, active: bool) -> OccupationSynonym:
    """Switch a synonym off (the classifier stops using it) or on again. Rows are never deleted."""
    _check(actor)
    synonym = (
        OccupationSynonym.objects.select_for_update(of=("self",))
        .select_related("occupation")
        .filter(term=normalize_term(term))
        .first()
    )
    if synonym is None:
        raise ValidationError({"term": [f"找不到同义词“{term}”"]})
    if synonym.active == active:
        return synonym
    before = _snapshot(synonym)
    synonym.active = active
    synonym.save(update_fields=["active", "updated_at"])
    audit.record(
        actor,
        "catalog.synonym.activate" if active else "catalog.synonym.deactivate",
        synonym,
        summary=f"{'启用' if active else '停用'}职业同义词：{synonym.term} → {synonym.occupation.name}",
        before={"active": before["active"]},
        after={"active": active},
    )
    _refresh_index()
    return synonym
