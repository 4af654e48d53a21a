"""Loading the project's reference data (data/towns.csv) into the database."""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from .models import Town

TOWNS_CSV = Path(settings.BASE_DIR) / "data" / "towns.csv"
REQUIRED_COLUMNS = {
    "plan_seq",
    "code",
    "name",
    "short",
    "kind",
    "name_in_plan",
    "aliases",
    "lat",
    "lng",
    "coord_confidence",
    "population_2021_yearend",
    "area_km2",
    "budget_wan",
    "demo_site",
}


def _optional(value: str, convert):
    value = (value or "").strip()
    return convert(value) if value else None


def _town_fields(row: dict[str, str]) -> dict[str, Any]:
    aliases = [a.strip() for a in (row["aliases"] or "").split("|") if a.strip()]
    try:
        budget = Decimal(row["budget_wan"].strip())
    except InvalidOperation:
        raise ValueError(f"预算“{row['budget_wan']}”不是有效的数字") from None
    return {
        "name": row["name"].strip(),
        "short": row["short"].strip(),
        "kind": row["kind"].strip(),
        "name_in_plan": (row["name_in_plan"] or "").strip(),
        "aliases": aliases,
        "lat": float(row["lat"]),
        "lng": float(row["lng"]),
        "coord_confidence": (row["coord_confidence"] or "").strip(),
        # 中山港 and 民众 were only published together, so their own population is blank.
        "population": _optional(row["population_2021_yearend"], int),
        "area_km2": _optional(row["area_km2"], float),
        "budget_wan": budget,
        "demo_site_kind": (row["demo_site"] or "").strip(),
        "plan_seq": int(row["plan_seq"]),
    }


def read_towns(path: Path | str | None = None) -> list[tuple[str, dict[str, Any]]]:
    """(code, fields) for every row of towns.csv. Raises ValueError in Chinese naming the bad line."""
    path = Path(path) if path is not None else TOWNS_CSV
    # utf-8-sig: the file may have been re-saved by Excel with a BOM.
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path.name} 缺少列：{'、'.join(sorted(missing))}")
        rows = []
        for line, row in enumerate(reader, start=2):
            code = (row["code"] or "").strip()
            if not code:
                raise ValueError(f"{path.name} 第{line}行：缺少区划代码")
            try:
                rows.append((code, _town_fields(row)))
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{path.name} 第{line}行（{code}）：{exc}") from None
    return rows


@transaction.atomic
def load_towns(path: Path | str | None = None) -> tuple[int, int]:
    """Upsert the towns, matching on code. Returns (created, updated); unchanged rows count as neither."""
    created = updated = 0
    for code, fields in read_towns(path):
        town = Town.objects.filter(code=code).first()
        if town is None:
            Town.objects.create(code=code, **fields)
            created += 1
            continue
        changed = [f for f, v in fields.items() if getattr(town, f) != v]
        if changed:
            for f in changed:
                setattr(town, f, fields[f])
            town.save(update_fields=changed)
            updated += 1
    return created, updated
