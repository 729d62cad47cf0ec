import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.money import (
    MAXIMUM_MINOR,
    amount_error,
    format_minor,
    major_str,
    minimum_minor,
    to_minor,
)


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["usd", "eur", "gbp", "jpy"]))
def test_minor_major_round_trip(amount_minor, currency):
    assert to_minor(major_str(amount_minor, currency), currency) == amount_minor


@given(
    st.integers(min_value=0, max_value=MAXIMUM_MINOR * 2),
    st.sampled_from(["usd", "eur", "gbp", "sek"]),
)
def test_amount_error_matches_the_rules(amount_minor, currency):
    allowed = amount_minor == 0 or minimum_minor(currency) <= amount_minor <= MAXIMUM_MINOR
    assert (amount_error(amount_minor, currency) is None) == allowed


@pytest.mark.parametrize(
    ("currency", "below", "lowest"), [("usd", 49, 50), ("eur", 49, 50), ("gbp", 29, 30)]
)
def test_minimums(currency, below, lowest):
    assert amount_error(below, currency)
    assert amount_error(lowest, currency) is None
    assert amount_error(MAXIMUM_MINOR, currency) is None
    assert amount_error(MAXIMUM_MINOR + 1, currency)


@pytest.mark.parametrize("raw", ["abc", "1.234", "NaN", "Infinity", "", "1e400x"])
def test_to_minor_rejects_nonsense(raw):
    with pytest.raises(ValueError):
        to_minor(raw, "usd")


def test_to_minor_and_format():
    assert to_minor("12.5", "usd") == 1250
    assert to_minor("1,000", "usd") == 100000
    assert to_minor("500", "jpy") == 500
    assert format_minor(1500, "usd") == "$15"
    assert format_minor(1250, "gbp") == "£12.50"
    assert format_minor(100_000_0, "eur") == "€10,000"
    assert format_minor(300, "sek") == "3 SEK"
