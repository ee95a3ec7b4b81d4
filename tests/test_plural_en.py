"""English plural forms are chosen without Babel's locale data, exactly as Babel chooses them."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ovm.i18n import _locale, plural_categories, plural_index


def babel_index(count: float | Decimal) -> int:
    return plural_categories("en").index(_locale("en").plural_form(count))


counts = st.one_of(
    st.integers(-5, 5),
    st.floats(-3, 3, allow_nan=False),
    st.sampled_from([1.0, -1.0, 1.0000001, 0.9999999, 1.5, 0.0, -0.0, 2.0]),
    st.decimals(-3, 3, allow_nan=False, allow_infinity=False, places=3),
    st.sampled_from([Decimal(x) for x in ("1", "1.0", "1E0", "10E-1", "0.1E1", "1.00", "-1")]),
)


@given(counts)
def test_english_forms_are_babels(count):
    assert plural_index(count, "en") == babel_index(count)


@pytest.mark.parametrize("count", [float("nan"), float("inf"), Decimal("NaN"), Decimal("-Inf")])
def test_a_count_that_is_no_number_is_refused_as_babel_refuses_it(count):
    with pytest.raises((ValueError, OverflowError)) as ours:
        plural_index(count, "en")
    with pytest.raises((ValueError, OverflowError)) as babels:
        babel_index(count)
    assert ours.type is babels.type


def test_english_messages_with_a_count_load_no_babel():
    code = (
        "import sys\n"
        "from ovm.i18n import gettext\n"
        "one = gettext('finding_too-few-answers', 'en', n=1, needed=5)\n"
        "many = gettext('finding_too-few-answers', 'en', n=3, needed=5)\n"
        "print(one != many, 'babel' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]
