"""Resident ID numbers (居民身份证, GB 11643-1999): validation, 15→18 conversion, masking.

The check digit and date parsing come from python-stdnum (`cn.ric`); the messages, the age rules and the
15-digit conversion are ours. The county is not checked against a code table: old county codes are
retired over the years and a real person must never be refused because a table is out of date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from stdnum.cn import ric

MIN_WORK_AGE = 16
ADULT_AGE = 18
MAX_AGE = 120
# 省级行政区划代码 (GB/T 2260): the first two digits of every mainland ID.
PROVINCES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
}
_ID_RE = re.compile(r"^\d{17}[\dX]$|^\d{15}$")


class IdNumberError(ValueError):
    """A resident ID problem a person can fix; the message is in Chinese."""


@dataclass(frozen=True)
class ResidentId:
    number: str  # always the 18-digit form
    birth_date: dt.date
    sex: str  # "M" / "F", from the 17th digit; never shown to employers
    age: int
    is_juvenile: bool  # 16 or 17: may work, with the protections for 未成年工
    converted_from_15: bool


def age_on(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def upgrade_15(number: str) -> str:
    """First-generation 15-digit IDs: insert the century (19) and append the check digit."""
    body = number[:6] + "19" + number[6:]
    return body + ric.calc_check_digit(body + "0")


def parse_resident_id(raw: str, *, today: dt.date | None = None) -> ResidentId:
    """Validate and normalise an ID number, or raise IdNumberError with a clear Chinese message."""
    today = today or dt.date.today()
    number = re.sub(r"[\s-]", "", raw or "").upper().replace("Ｘ", "X").replace("x", "X")
    number = number.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not number:
        raise IdNumberError("请填写身份证号码")
    if not _ID_RE.match(number):
        if len(number) not in (15, 18):
            raise IdNumberError(f"身份证号码应为 18 位（或旧版 15 位），现在是 {len(number)} 位")
        raise IdNumberError("身份证号码只能由数字组成，最后一位可以是 X")
    converted = len(number) == 15
    if converted:
        number = upgrade_15(number)
    if number[:2] not in PROVINCES:
        raise IdNumberError("身份证号码前两位不是有效的省份代码，请核对")
    try:
        birth = ric.get_birth_date(number)
    except Exception:  # stdnum raises its own InvalidComponent
        raise IdNumberError("身份证号码中的出生日期不存在，请核对第 7–14 位") from None
    if birth > today:
        raise IdNumberError("身份证号码中的出生日期晚于今天，请核对")
    if number[-1] != ric.calc_check_digit(number):
        raise IdNumberError("身份证号码校验位不正确，请逐位核对（最后一位可能是 X）")
    age = age_on(birth, today)
    if age < MIN_WORK_AGE:
        raise IdNumberError(f"未满 {MIN_WORK_AGE} 周岁，按照《劳动法》不能登记求职")
    if age > MAX_AGE:
        raise IdNumberError("身份证号码中的出生年份不合理，请核对")
    return ResidentId(
        number=number,
        birth_date=birth,
        sex="M" if int(number[16]) % 2 else "F",
        age=age,
        is_juvenile=age < ADULT_AGE,
        converted_from_15=converted,
    )


def mask_id(number: str | None) -> str:
    """442000********123X: region kept, birth date hidden, last four kept."""
    if not number:
        return ""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def make_id(region: str, birth: dt.date, seq: int) -> str:
    """Build a valid 18-digit number (demo and test data only: the check digit is computed)."""
    body = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")
