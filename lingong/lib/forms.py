"""Showing a service's ValidationError on a Django form.

Services validate (one validation path) and raise ValidationError with Chinese messages, per field when
they can. Pages put each message next to its field, and the rest at the top of the form.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def error_messages(exc: ValidationError) -> dict[str, list[str]]:
    """{field: [message, ...]} for any ValidationError; messages without a field under NON_FIELD_ERRORS."""
    if hasattr(exc, "error_dict"):
        return {field: list(msgs) for field, msgs in exc.message_dict.items()}
    return {NON_FIELD_ERRORS: list(exc.messages)}


def apply_errors(form: forms.Form, exc: ValidationError, field_map: Mapping[str, str] | None = None) -> None:
    """Add the service's messages to the form: next to the field of the same name (or the form field
    that `field_map` names for it), else as a form-wide error."""
    field_map = field_map or {}
    for field, msgs in error_messages(exc).items():
        name = field_map.get(field, field)
        target = name if name in form.fields else None
        for msg in msgs:
            form.add_error(target, msg)
