from decimal import Decimal

from django import template

from lingong.programme.money import wan_text

register = template.Library()


@register.filter
def wan(yuan: Decimal | int | None) -> str:
    """元 → 万元 text as the plan writes it (11.75, 3.5)."""
    return wan_text(yuan)


@register.filter
def yuan(value: Decimal | int | None) -> str:
    """12,800.50: 元 with thousands separators and fen."""
    return f"{Decimal(value or 0):,.2f}"


@register.filter
def percent(value: float | Decimal | None) -> str:
    return "—" if value is None else f"{float(value):.0%}"


@register.filter
def get(mapping: dict, key: str):
    return mapping.get(key) if mapping else None
