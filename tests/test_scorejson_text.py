"""The scores file's encoders write exactly what json.dumps writes with the same arguments."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ovm.scoring import scorejson

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([-0.0, 0.0, 1e16, 1e-7, 0.1]),
    st.text(),
    st.sampled_from(["é", '"', "\\", "\u2028", "\x00", "😀"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(values)
def test_a_line_is_the_compact_json_text(value):
    want = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    assert scorejson._line(value) == want


@given(st.one_of(values, st.sampled_from([math.nan, [math.inf, -math.inf]])))
def test_a_key_is_the_default_json_text(value):
    assert scorejson._key(value) == json.dumps(value)


@pytest.mark.parametrize("value", [math.nan, [1.0, math.inf], {"a": -math.inf}])
def test_a_line_refuses_what_json_has_not(value):
    with pytest.raises(ValueError, match="not JSON compliant"):
        scorejson._line(value)
