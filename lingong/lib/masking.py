"""Masked display of personal data (QUALITY.md: phones as 138****8000)."""


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) == 11 and digits.isdigit():
        return f"{digits[:3]}****{digits[-4:]}"
    # Landlines and others: keep the area code and the last two digits.
    if len(digits) > 6:
        return digits[:4] + "*" * (len(digits) - 6) + digits[-2:]
    return "*" * len(digits)
