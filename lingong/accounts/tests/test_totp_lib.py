"""lingong.lib.totp against RFC 6238's published vectors, the ±1 step window and replay refusal."""

import base64
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from lingong.lib import totp

RFC_KEY = b"12345678901234567890"
RFC_SECRET = base64.b32encode(RFC_KEY).decode()
# RFC 6238 appendix B, SHA-1 column: Unix time -> 8-digit TOTP.
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
]


@pytest.mark.parametrize(("at", "expected"), RFC_VECTORS)
def test_rfc_6238_vectors(at, expected):
    assert totp.code_at(RFC_SECRET, at, digits=8) == expected
    assert totp.code_at(RFC_SECRET, at) == expected[-6:]  # 6 digits: the last six
    assert totp.hotp(RFC_KEY, at // 30, digits=8) == expected


def test_secret_is_tolerant_of_spaces_case_and_missing_padding():
    assert totp.secret_key(totp.grouped(RFC_SECRET).lower()) == RFC_KEY
    odd = base64.b32encode(b"ten bytes!").decode()  # 16 characters, no padding needed
    assert totp.secret_key(odd.rstrip("=")) == b"ten bytes!"


def test_new_secrets_are_random_base32_of_160_bits():
    a, b = totp.new_secret(), totp.new_secret()
    assert a != b and len(a) == 32 and len(totp.secret_key(a)) == 20


class TestWindow:
    at = 1234567890.0

    def test_one_step_either_side_is_accepted(self):
        now = totp.time_step(self.at)
        for offset in (-30, 0, 30):
            code = totp.code_at(RFC_SECRET, self.at + offset)
            assert totp.matching_step(RFC_SECRET, code, self.at) == now + offset // 30

    def test_two_steps_away_is_refused(self):
        for offset in (-60, 60, 3600):
            assert totp.matching_step(RFC_SECRET, totp.code_at(RFC_SECRET, self.at + offset), self.at) is None

    @pytest.mark.parametrize("bad", ["", "12345", "1234567", "12a456", "١٢٣٤٥٦"])
    def test_malformed_codes_never_match(self, bad):
        assert totp.matching_step(RFC_SECRET, bad, self.at) is None

    def test_spaces_and_full_width_digits_are_accepted(self):
        code = totp.code_at(RFC_SECRET, self.at)
        assert totp.matching_step(RFC_SECRET, f"{code[:3]} {code[3:]}", self.at) is not None
        full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)  # what some Chinese IMEs type
        assert totp.matching_step(RFC_SECRET, full_width, self.at) is not None


class TestReplay:
    at = 1111111111.0

    def test_the_same_step_is_refused_the_second_time(self):
        code = totp.code_at(RFC_SECRET, self.at)
        step = totp.verify(RFC_SECRET, code, self.at)
        assert step == totp.time_step(self.at)
        assert totp.verify(RFC_SECRET, code, self.at, last_step=step) is None
        assert totp.verify(RFC_SECRET, code, self.at + 20, last_step=step) is None

    def test_an_earlier_step_is_refused_after_a_later_one(self):
        later = totp.verify(RFC_SECRET, totp.code_at(RFC_SECRET, self.at + 30), self.at)
        assert later is not None
        earlier = totp.code_at(RFC_SECRET, self.at)
        assert totp.verify(RFC_SECRET, earlier, self.at, last_step=later) is None

    def test_the_next_step_is_accepted(self):
        step = totp.time_step(self.at)
        nxt = totp.code_at(RFC_SECRET, self.at + 30)
        assert totp.verify(RFC_SECRET, nxt, self.at + 30, last_step=step) == step + 1


def test_provisioning_uri_names_the_issuer_and_carries_the_secret():
    uri = totp.provisioning_uri(RFC_SECRET, "town_b", "中山零工市场")
    parts = urlsplit(uri)
    assert parts.scheme == "otpauth" and parts.netloc == "totp"
    assert unquote(parts.path) == "/中山零工市场:town_b"
    query = parse_qs(parts.query)
    assert query["secret"] == [RFC_SECRET] and query["issuer"] == ["中山零工市场"]
    assert query["digits"] == ["6"] and query["period"] == ["30"] and query["algorithm"] == ["SHA1"]
    assert uri.isascii()


def test_grouped_in_fours():
    assert totp.grouped("ABCDEFGHIJ") == "ABCD EFGH IJ"
