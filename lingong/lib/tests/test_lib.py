"""Property tests for the plain helpers: parsing never crashes with anything but a Chinese ValueError."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lingong.lib.geo import haversine_m, parse_point
from lingong.lib.masking import mask_phone
from lingong.lib.phone import normalize_contact_phone, normalize_mobile
from lingong.places.hours import parse_exceptions, parse_intervals


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@given(st.text(max_size=40))
def test_parse_point_accepts_or_explains(raw):
    try:
        lat, lng = parse_point(raw)
    except ValueError as exc:
        assert _is_chinese(str(exc))
    else:
        assert -90 <= lat <= 90 and -180 <= lng <= 180 and math.isfinite(lat)


@given(st.floats(-89, 89), st.floats(-179, 179), st.floats(-89, 89), st.floats(-179, 179))
def test_haversine_is_a_metric(a, b, c, d):
    assert haversine_m(a, b, c, d) == pytest.approx(haversine_m(c, d, a, b))
    assert haversine_m(a, b, a, b) == 0
    assert 0 <= haversine_m(a, b, c, d) <= math.pi * 6_371_008.8 + 1


@given(st.text(max_size=60))
def test_parse_intervals_accepts_or_explains(raw):
    try:
        intervals = parse_intervals(raw)
    except ValueError as exc:
        assert _is_chinese(str(exc))
    else:
        assert all(o < c for o, c in intervals)
        assert all(c1 <= o2 for (_, c1), (o2, _) in zip(intervals, intervals[1:], strict=False))


@given(st.text(max_size=80))
def test_parse_exceptions_accepts_or_explains(raw):
    try:
        parse_exceptions(raw)
    except ValueError as exc:
        assert _is_chinese(str(exc))


@given(st.text(max_size=20))
def test_phone_normalisers_accept_or_explain(raw):
    for fn in (normalize_mobile, normalize_contact_phone):
        try:
            fn(raw)
        except ValueError as exc:
            assert _is_chinese(str(exc))


def test_known_phones():
    assert normalize_mobile("+86 138-0013-8000") == "13800138000"
    assert normalize_contact_phone("88888888") == "0760-88888888"
    assert normalize_contact_phone("0760 8888 8888") == "0760-88888888"
    assert mask_phone("13800138000") == "138****8000"
    with pytest.raises(ValueError):
        normalize_mobile("23800138000")
