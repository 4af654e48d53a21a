"""Money in 元 as Decimal with 2 places; the plan speaks in 万元, so pages and the API show both."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .models import YUAN_PER_WAN

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("10000000")  # 1,000 万元: far above any station budget; larger is a typo


def parse_yuan(
    value: object, *, allow_negative: bool = False, allow_zero: bool = False, label: str = "金额"
) -> Decimal:
    """A positive (or, for adjustments, non-zero) amount in 元 with at most 2 decimals; Chinese errors."""
    text = (
        str(value if value is not None else "").strip().replace(",", "").replace("，", "").removesuffix("元")
    )
    if not text:
        raise ValueError(f"请填写{label}")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{label}必须是数字，单位为元，例如 12800.50") from None
    if not amount.is_finite():
        raise ValueError(f"{label}必须是数字，单位为元，例如 12800.50")
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValueError(f"{label}最多保留两位小数（精确到分）")
    if (amount == 0 and not allow_zero) or (amount < 0 and not allow_negative):
        raise ValueError(f"{label}必须大于 0" if not allow_negative else f"{label}不能为 0")
    if abs(amount) > MAX_AMOUNT:
        raise ValueError(f"{label}不能超过 {MAX_AMOUNT:,.0f} 元，请核对单位（元，不是万元）")
    return amount.quantize(CENT)


def to_wan(yuan: Decimal | int | None) -> Decimal:
    """元 → 万元, exact (1 元 = 0.0001 万元)."""
    return (Decimal(yuan or 0) / YUAN_PER_WAN).quantize(Decimal("0.000001"))


def wan_text(yuan: Decimal | int | None) -> str:
    """11.75 / 3.5 / 0.1234: 万元 without trailing zeros, at most 4 decimals (to the 元)."""
    value = (Decimal(yuan or 0) / YUAN_PER_WAN).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def wan_float(yuan: Decimal | int | None) -> float:
    """For JSON: 万元 rounded to the 元 (4 decimals)."""
    return float((Decimal(yuan or 0) / YUAN_PER_WAN).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
