"""RFC 8785 JSON Canonicalization Scheme."""

from __future__ import annotations

import json
import math
import struct
from typing import Any

import pytest
from c14n.Canonicalize import canonicalize as reference_canonicalize  # bundled with PyLD
from hypothesis import given, settings
from hypothesis import strategies as st

from qiao.vc import VcError, jcs_canonicalize
from qiao.vc.jcs import format_number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # RFC 8785 appendix B and §3.2.2.3 examples
        (0.0, "0"),
        (-0.0, "0"),
        (1e30, "1e+30"),
        (4.50, "4.5"),
        (2e-3, "0.002"),
        (0.000001, "0.000001"),
        (1e-7, "1e-7"),
        (333333333.33333329, "333333333.3333333"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (9007199254740992.0, "9007199254740992"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (-1.5e-9, "-1.5e-9"),
        (295147905179352830000.0, "295147905179352830000"),
    ],
)
def test_numbers(value: float, expected: str) -> None:
    assert format_number(value) == expected


def test_rfc8785_section_3_2_2_example() -> None:
    value = {
        "numbers": [333333333.33333329, 1e30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": "\u20ac$\u000f\u000aA'\u0042\u0022\u005c\\\"/",
        "literals": [None, True, False],
    }
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert jcs_canonicalize(value).decode("utf-8") == expected


def test_keys_sort_by_utf16_code_units() -> None:
    # RFC 8785 §3.2.3's example: U+1F600 (surrogates D83D…) sorts before U+FB01 in UTF-16.
    value = {
        "\u20ac": "Euro",
        "\r": "CR",
        "\ufb01": "ligature",
        "1": "One",
        "\U0001f600": "x",
        "\u0080": "ctrl",
        "\u00f6": "o",
    }
    keys = list(json.loads(jcs_canonicalize(value)))
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb01"]


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), 2**53 + 1, -(2**60) - 1, 10**400, {1: "x"}, object(), "\ud800"],
)
def test_unrepresentable_values_are_refused(value: Any) -> None:
    with pytest.raises(VcError) as raised:
        jcs_canonicalize(value)
    assert raised.value.code == "JCS_ERROR"


def test_large_integers_that_doubles_hold_are_written_like_ecmascript() -> None:
    assert jcs_canonicalize(2**53) == b"9007199254740992"
    assert jcs_canonicalize(10**21) == b"1e+21"
    assert jcs_canonicalize(-(2**60)) == b"-1152921504606847000"
    # what json.loads makes of the JCS text of the double 6.355967910777617e16
    assert jcs_canonicalize(63559679107776170) == b"63559679107776170"


def test_random_doubles_match_reference() -> None:
    import random

    rng = random.Random(8785)
    checked = 0
    while checked < 20_000:
        value = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
        if math.isnan(value) or math.isinf(value):
            continue
        assert format_number(value) == reference_canonicalize(value).decode()
        checked += 1


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_matches_reference_implementation(value: Any) -> None:
    assert jcs_canonicalize(value) == reference_canonicalize(value)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_is_idempotent_through_json(value: Any) -> None:
    once = jcs_canonicalize(value)
    assert jcs_canonicalize(json.loads(once)) == once
