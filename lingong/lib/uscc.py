"""统一社会信用代码 (GB 32100-2015): 18 characters, check character verified with python-stdnum."""

from __future__ import annotations

import re

from stdnum.cn import uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# First character: the registering authority (1 机构编制, 5 民政, 9 工商, Y 其他 …).
AUTHORITIES = set("123456789ANY")


class CreditCodeError(ValueError):
    """A 统一社会信用代码 problem; the message is in Chinese."""


def normalize_uscc(raw: str) -> str:
    """Return the code in canonical form, or raise CreditCodeError saying what is wrong."""
    code = re.sub(r"[\s-]", "", raw or "").upper()
    code = code.translate(
        str.maketrans(
            "ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ０１２３４５６７８９",
            "ABCDEFGHJKLMNPQRTUWXY0123456789",
        )
    )
    if not code:
        raise CreditCodeError("请填写统一社会信用代码")
    if len(code) != 18:
        raise CreditCodeError(f"统一社会信用代码应为 18 位，现在是 {len(code)} 位")
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        raise CreditCodeError(f"统一社会信用代码不使用字母 I、O、Z、S、V，发现：{'、'.join(bad)}")
    if code[0] not in AUTHORITIES or not code[2:8].isdigit():
        raise CreditCodeError("统一社会信用代码的登记管理部门代码或行政区划码不正确")
    if code[-1] != uscc.calc_check_digit(code):
        raise CreditCodeError("统一社会信用代码校验位不正确，请逐位核对")
    return code


def make_uscc(prefix17: str) -> str:
    """Complete a 17-character body with its check character (demo and test data only)."""
    return prefix17 + uscc.calc_check_digit(prefix17 + "0")
