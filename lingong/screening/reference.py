"""Loading the built-in rules from data/rules.toml into the ScreeningRule table.

Called by migration 0002 (with the historical model) and by `manage.py load_reference` on every deploy.
Built-in rows are matched by code: their wording follows the file, their active flag stays as a city
admin set it, and a built-in rule no longer in the file is switched off. Rows an admin added are never
touched.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

RULES_FILE = Path(__file__).resolve().parent / "data" / "rules.toml"
FIELDS = ("name", "category", "severity", "kind", "pattern", "allow", "message", "law", "sort")


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    retired: int = 0

    def summary(self) -> str:
        return (
            f"审查规则：新建 {self.created} 条，更新 {self.updated} 条，"
            f"停用已移除的内置规则 {self.retired} 条"
        )


def builtin_rules(path: Path = RULES_FILE) -> list[dict[str, Any]]:
    """The rules in the data file, each a dict with code and FIELDS (patterns without surrounding blanks)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    rules = []
    for raw in data["rule"]:
        rule = {"code": raw["code"], **{f: raw.get(f, "") for f in FIELDS}}
        rule["pattern"] = rule["pattern"].strip()
        rule["allow"] = (rule["allow"] or "").strip()
        rule["sort"] = int(rule["sort"] or 100)
        rules.append(rule)
    return rules


def load_rules(model: Any = None, path: Path = RULES_FILE) -> LoadResult:
    """Upsert the built-in rules. `model` is the ScreeningRule class (a migration passes its own)."""
    if model is None:
        from .models import ScreeningRule as model
    result = LoadResult()
    wanted = builtin_rules(path)
    with transaction.atomic():
        existing = {r.code: r for r in model.objects.filter(built_in=True)}
        for rule in wanted:
            row = existing.pop(rule["code"], None)
            if row is None:
                model.objects.create(code=rule["code"], built_in=True, **{f: rule[f] for f in FIELDS})
                result.created += 1
                continue
            changed = [f for f in FIELDS if getattr(row, f) != rule[f]]
            if changed:
                for f in changed:
                    setattr(row, f, rule[f])
                row.save(update_fields=[*changed, "updated_at"])
                result.updated += 1
        for row in existing.values():
            if row.active:
                row.active = False
                row.save(update_fields=["active", "updated_at"])
                result.retired += 1
    if model.__module__ == "lingong.screening.models":
        from .ruleset import invalidate

        invalidate()
    return result
