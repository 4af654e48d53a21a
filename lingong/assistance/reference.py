"""The subsidy kinds the project ships (data/subsidy_kinds.json), loaded by a data migration.

Loading adds the kinds that are missing and leaves existing ones alone: once the city office has edited
a rule, its version is the one that counts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "subsidy_kinds.json"


def shipped_kinds() -> list[dict[str, Any]]:
    with open(DATA, encoding="utf-8") as fh:
        return json.load(fh)


def load_subsidy_kinds(model: Any = None) -> int:
    """Create the shipped kinds that do not exist yet; returns how many were created."""
    if model is None:
        from .models import SubsidyKind

        model = SubsidyKind
    existing = set(model.objects.values_list("code", flat=True))
    new = [model(**row) for row in shipped_kinds() if row["code"] not in existing]
    model.objects.bulk_create(new)
    return len(new)
