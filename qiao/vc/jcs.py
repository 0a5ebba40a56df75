"""JSON Canonicalization Scheme (RFC 8785), used by the ``eddsa-jcs-2022`` cryptosuite.

Written here rather than taken from PyPI: it is ~60 lines, the only subtle part (ECMAScript number
formatting) reduces to Python's shortest round-trip ``repr``, and the test suite checks it against
the RFC's examples and, property-based, against the reference implementation that PyLD bundles
(``c14n``). See docs/credentials-library.md.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

from qiao.vc.errors import JCS_ERROR, VcError

# RFC 8785 §3.2.2.3: numbers are IEEE 754 doubles; up to this, every integer is exact.
MAX_SAFE_INTEGER = 2**53 - 1


def canonicalize(value: Any) -> bytes:
    """Return the RFC 8785 canonical UTF-8 serialisation of a JSON value.

    Raises ``VcError(JCS_ERROR)`` for values JSON cannot carry exactly: NaN/Infinity, integers
    that no double represents exactly, non-string keys, lone surrogates, non-JSON Python types.
    """
    parts: list[str] = []
    _serialize(value, parts)
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise VcError(JCS_ERROR, "string contains a lone surrogate") from exc


def _serialize(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, int):
        out.append(str(value) if abs(value) <= MAX_SAFE_INTEGER else _large_integer(value))
    elif isinstance(value, float):
        out.append(format_number(value))
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _serialize(item, out)
        out.append("]")
    elif isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise VcError(JCS_ERROR, f"object key {key!r} is not a string")
        # RFC 8785 §3.2.3: sort by UTF-16 code units, which is what UTF-16-BE bytes compare as.
        keys = sorted(value, key=lambda k: k.encode("utf-16-be", "surrogatepass"))
        out.append("{")
        for i, key in enumerate(keys):
            if i:
                out.append(",")
            out.append(json.dumps(key, ensure_ascii=False))
            out.append(":")
            _serialize(value[key], out)
        out.append("}")
    else:
        raise VcError(JCS_ERROR, f"{type(value).__name__} is not a JSON type")


def _large_integer(value: int) -> str:
    # JSON numbers are doubles. A big integer is accepted when the double nearest to it is
    # the integer itself (2**53, 10**21) or prints as the same digits (what a JSON parser read
    # from "63559679107776170"); it is then written as ECMAScript would. Otherwise signing it
    # would sign a different number than the one the document shows.
    try:
        as_float = float(value)
    except OverflowError:
        as_float = math.inf
    if math.isinf(as_float):
        raise VcError(JCS_ERROR, f"integer {value} is too large for a double")
    text = format_number(as_float)
    if int(as_float) != value and text != str(value):
        raise VcError(JCS_ERROR, f"integer {value} cannot be represented exactly as a double")
    return text


def format_number(value: float) -> str:
    """Format a double the way ECMAScript's Number.prototype.toString does (RFC 8785 §3.2.2.3)."""
    if math.isnan(value) or math.isinf(value):
        raise VcError(JCS_ERROR, "NaN and Infinity are not JSON numbers")
    if value == 0:
        return "0"  # also for -0.0
    sign = "-" if value < 0 else ""
    # repr() gives the shortest digit string that round-trips, as ECMAScript requires.
    _, digit_tuple, exponent = Decimal(repr(abs(value))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    assert isinstance(exponent, int)
    exponent += len("".join(map(str, digit_tuple))) - len(digits)
    k = len(digits)
    n = k + exponent  # value = 0.digits * 10**n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
        e = n - 1
        text = f"{mantissa}e{'+' if e > 0 else '-'}{abs(e)}"
    return sign + text
