"""Phone numbers: mainland mobiles for accounts, mobiles or landlines for stations."""

import phonenumbers


def normalize_mobile(raw: str) -> str:
    """Return an 11-digit mainland mobile number or raise ValueError with a Chinese message."""
    text = (raw or "").strip().replace(" ", "").replace("-", "")
    if text.startswith("+86"):
        text = text[3:]
    if not (len(text) == 11 and text.isdigit() and text.startswith("1")):
        raise ValueError("手机号应为 11 位数字，以 1 开头")
    number = phonenumbers.parse(text, "CN")
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValueError("这不是有效的手机号码，请核对")
    return text


def normalize_contact_phone(raw: str) -> str:
    """A mobile or a landline (中山 area code 0760); stored in a readable national format."""
    text = (raw or "").strip()
    if not text:
        raise ValueError("请填写联系电话")
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise ValueError("联系电话格式不正确，例如 0760-88888888 或 13800138000") from None
    if not phonenumbers.is_valid_number(number):
        # Local landlines are often written without the area code.
        if text.isdigit() and len(text) == 8:
            return normalize_contact_phone("0760" + text)
        raise ValueError("联系电话格式不正确，例如 0760-88888888 或 13800138000")
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    if national.startswith("0"):  # landline: area code, a dash, then the local number
        area, _, local = national.partition(" ")
        return f"{area}-{local.replace(' ', '')}"
    return national.replace(" ", "")
