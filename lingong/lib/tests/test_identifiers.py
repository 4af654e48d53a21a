"""Resident ID, credit code, masking and encryption: known cases and properties."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lingong.lib.crypto import blind_index, decrypt, encrypt
from lingong.lib.idcard import IdNumberError, make_id, mask_id, parse_resident_id, upgrade_15
from lingong.lib.uscc import CreditCodeError, make_uscc, normalize_uscc

TODAY = dt.date(2026, 11, 28)
births = st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2010, 11, 28))


class TestResidentId:
    def test_published_example(self):
        parsed = parse_resident_id("11010519491231002X", today=TODAY)
        assert parsed.birth_date == dt.date(1949, 12, 31) and parsed.sex == "F" and parsed.age == 76

    def test_fifteen_digit_ids_are_converted(self):
        assert upgrade_15("130503670401001") == "130503196704010016"
        parsed = parse_resident_id("130503670401001", today=TODAY)
        assert parsed.number == "130503196704010016" and parsed.converted_from_15

    def test_lower_case_x_and_spaces(self):
        assert parse_resident_id(" 110105 19491231 002x ", today=TODAY).number == "11010519491231002X"

    @pytest.mark.parametrize(
        ("raw", "fragment"),
        [
            ("", "请填写"),
            ("4420001970050112", "18 位"),
            ("44200019700501123A", "只能由数字组成"),
            ("442000197002301238", "出生日期不存在"),
            ("992000197005011231", "省份代码"),
            ("442000197005011239", "校验位不正确"),
        ],
    )
    def test_errors_say_what_to_fix(self, raw, fragment):
        with pytest.raises(IdNumberError, match=fragment):
            parse_resident_id(raw, today=TODAY)

    def test_age_rules(self):
        with pytest.raises(IdNumberError, match="未满 16 周岁"):
            parse_resident_id(make_id("442000", dt.date(2011, 1, 1), 1), today=TODAY)
        juvenile = parse_resident_id(make_id("442000", dt.date(2009, 6, 1), 1), today=TODAY)
        assert juvenile.age == 17 and juvenile.is_juvenile
        with pytest.raises(IdNumberError, match="晚于今天"):
            parse_resident_id(make_id("442000", dt.date(2027, 1, 1), 1), today=TODAY)

    @given(births, st.integers(0, 999))
    def test_every_generated_id_parses_back(self, birth, seq):
        number = make_id("442000", birth, seq)
        parsed = parse_resident_id(number, today=TODAY)
        assert parsed.birth_date == birth and parsed.number == number
        assert parsed.is_juvenile == (parsed.age < 18)

    @given(births, st.integers(0, 999), st.integers(0, 16), st.sampled_from("0123456789"))
    def test_any_single_digit_change_is_caught(self, birth, seq, pos, digit):
        number = make_id("442000", birth, seq)
        if number[pos] == digit:
            return
        changed = number[:pos] + digit + number[pos + 1 :]
        with pytest.raises(IdNumberError):
            parse_resident_id(changed, today=TODAY)

    @given(st.text(max_size=30))
    def test_never_crashes(self, raw):
        try:
            parse_resident_id(raw, today=TODAY)
        except IdNumberError as exc:
            assert str(exc)


class TestMasking:
    @given(births, st.integers(0, 999))
    def test_birth_date_never_shows(self, birth, seq):
        number = make_id("442000", birth, seq)
        masked = mask_id(number)
        assert masked.startswith("442000") and masked.endswith(number[-4:]) and len(masked) == 18
        assert masked[6:14] == "********"  # the eight birth-date digits are exactly what is hidden

    def test_example(self):
        assert mask_id("44200019700501123X") == "442000********123X"


class TestCreditCode:
    def test_valid_code(self):
        assert normalize_uscc("91350100M000100Y43") == "91350100M000100Y43"
        assert normalize_uscc("9135 0100-m000100y43") == "91350100M000100Y43"

    @pytest.mark.parametrize(
        ("raw", "fragment"),
        [
            ("", "请填写"),
            ("9135010", "18 位"),
            ("91350100M000100Y4O", "不使用字母"),
            ("91350100M000100Y44", "校验位"),
        ],
    )
    def test_errors(self, raw, fragment):
        with pytest.raises(CreditCodeError, match=fragment):
            normalize_uscc(raw)

    @given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=9, max_size=9))
    def test_generated_codes_validate_and_single_changes_fail(self, tail):
        code = make_uscc("91442000" + tail)
        assert normalize_uscc(code) == code
        flipped = code[:-1] + ("0" if code[-1] != "0" else "1")
        with pytest.raises(CreditCodeError):
            normalize_uscc(flipped)

    @given(st.text(max_size=25))
    def test_never_crashes(self, raw):
        try:
            normalize_uscc(raw)
        except CreditCodeError as exc:
            assert str(exc)


class TestCrypto:
    def test_round_trip_and_context_binding(self):
        token = encrypt("44200019700501123X", context="worker.id_number")
        assert "44200019700501123X" not in token and token.startswith("v1:")
        assert decrypt(token, context="worker.id_number") == "44200019700501123X"
        with pytest.raises(Exception):  # noqa: B017 (the AEAD tag fails; the exact class is the library's)
            decrypt(token, context="other")
        assert encrypt("x", context="c") != encrypt("x", context="c")  # fresh nonce each time

    def test_blind_index_is_stable_and_keyed(self):
        a = blind_index("44200019700501123X", context="worker.id_number")
        assert a == blind_index("44200019700501123X", context="worker.id_number")
        assert a != blind_index("44200019700501123X", context="other")
        assert len(a) == 64
