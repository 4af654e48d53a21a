"""Property tests: whatever arrives, the inventory scorer and the rule checker answer with a Chinese
ValidationError or a clean result, never another exception."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lingong.assistance.inventory import interest_items, score_interest
from lingong.assistance.rules import FACTS, OP_LABELS, clean_conditions, evaluate

CODES = [i.code for i in interest_items()]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.text(max_size=12))
values = st.one_of(scalars, st.lists(scalars, max_size=4))


@given(
    st.dictionaries(
        st.one_of(st.sampled_from(CODES), st.text(max_size=4)),
        st.one_of(st.sampled_from(["like", "ok", "dislike"]), st.text(max_size=6)),
        max_size=34,
    )
)
def test_scoring_any_answers(answers):
    try:
        result = score_interest(answers)
    except ValidationError as exc:
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in exc.messages)
    else:
        assert len(result.code) == 3 and all(0 <= s <= 10 for s in result.scores.values())


conditions = st.lists(
    st.one_of(
        st.fixed_dictionaries(
            {
                "group": st.one_of(st.integers(-3, 12), st.text(max_size=3)),
                "fact": st.one_of(st.sampled_from(list(FACTS)), st.text(max_size=6)),
                "op": st.one_of(st.sampled_from(list(OP_LABELS)), st.text(max_size=6)),
                "value": values,
            }
        ),
        scalars,
    ),
    max_size=6,
)


@pytest.mark.django_db
@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(conditions)
def test_rule_checker_any_input(catalog, raw):
    try:
        cleaned = clean_conditions(raw)
    except ValidationError as exc:
        assert exc.message_dict["conditions"]
    else:
        facts = {"age": 40, "sex": "F", "tier": 2, "waiting_days": 10, "hardship": ["disabled"]}
        eligible, groups = evaluate(cleaned, facts)
        assert isinstance(eligible, bool) and all(g.texts for g in groups)
