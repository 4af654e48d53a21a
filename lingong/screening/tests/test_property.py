"""Property tests: screening any text never raises, and `ok` is False exactly when a finding blocks."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lingong.screening.engine import screen
from lingong.screening.normalise import normalise

# Text drawn from everything, plus the characters the rules care about, so matches actually happen.
RULE_CHARS = "限男女招只仅优先勿扰乙肝押金身份证微信加岁以下上1456789-/.* 　，。、：（）婚育汉族本地人不收费"
texts = st.one_of(st.text(max_size=300), st.text(alphabet=RULE_CHARS, max_size=120))
units = st.sampled_from([None, "hour", "day", "shift", "piece", "order", "month", "bogus"])
amounts = st.one_of(
    st.none(),
    st.decimals(min_value=-10, max_value=100_000, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal("NaN"), Decimal("Infinity"), "abc", "", 0, 3.5]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=texts, description=texts, pay=amounts, unit=units)
def test_screening_never_raises_and_ok_means_no_block(file_rules, title, description, pay, unit):
    result = screen(title=title, description=description, pay_amount=pay, pay_unit=unit, rules=file_rules)
    assert result.ok is (not any(f.severity == "block" for f in result.findings))
    assert result.blocked + result.warned == sorted(result.findings, key=lambda f: f.severity != "block")
    for f in result.findings:
        assert f.severity in {"block", "warn"} and f.message and f.law
        if f.field in ("title", "description") and f.text:
            source = title if f.field == "title" else description
            assert f.text in source or f.text.strip() in f"{title}\n{description}"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_normalised_positions_always_point_into_the_original(text):
    norm = normalise(text)
    assert len(norm.positions) == len(norm.text)
    assert list(norm.positions) == sorted(norm.positions)
    assert all(0 <= p < len(text) for p in norm.positions)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts)
def test_first_character_scan_finds_exactly_what_finditer_finds(file_rules, text):
    from lingong.screening.scan import scan

    norm = normalise(text).text
    for rule in file_rules.rules:
        assert rule.first is not None, rule.code  # every built-in rule gets the fast scan
        expected = [m.span() for m in rule.regex.finditer(norm) if m.end() > m.start()]
        assert [m.span() for m in scan(rule.regex, rule.first, norm)] == expected, rule.code
