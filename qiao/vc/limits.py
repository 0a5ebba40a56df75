"""Limits on hostile input, JSON parsing and the structural walk every document gets first.

The walk runs before PyLD sees a document: PyLD is recursive, pure Python and trusting, so depth,
JSON types and ``@context`` values are checked here, where a failure is cheap and clear.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from qiao.vc.contexts import PINNED_CONTEXTS
from qiao.vc.errors import (
    CONTEXT_NOT_ALLOWED,
    INPUT_TOO_LARGE,
    LIMIT_EXCEEDED,
    MALFORMED_DOCUMENT,
    MALFORMED_JSON,
    UNSUPPORTED_CHARACTERS,
    VcError,
)


@dataclass(frozen=True)
class Limits:
    """Bounds applied to every document signed or verified.

    ``max_bytes`` bounds the serialised JSON; ``max_depth`` the nesting of objects and arrays;
    ``max_quads`` and ``max_blank_nodes`` the RDF dataset counted after JSON-LD to RDF and
    before RDFC-1.0 (whose cost grows with blank nodes); ``canonicalization_seconds`` is a
    deadline for the whole JSON-LD pass of one document (expansion, RDF conversion and
    RDFC-1.0), checked inside their recursive steps (see qiao.vc.rdf).
    """

    max_bytes: int = 1_000_000
    max_depth: int = 32
    max_quads: int = 10_000
    max_blank_nodes: int = 256
    canonicalization_seconds: float = 1.0


DEFAULT_LIMITS = Limits()

# Lone surrogates cannot be encoded as UTF-8, so no canonical form (or JSON file) can hold them.
_SURROGATES = re.compile("[\ud800-\udfff]")
# For RDFC also C0 controls other than TAB, LF, CR, and DEL: implementations of canonical N-Quads
# disagree on how to escape them, so a signature over them would not be portable.
_RDF_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def parse_json(data: bytes | str, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Parse JSON text within ``limits.max_bytes``; raise ``VcError`` with a clear code."""
    size = len(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    if size > limits.max_bytes:
        raise VcError(INPUT_TOO_LARGE, f"document is {size} bytes; the limit is {limits.max_bytes}")
    try:
        return json.loads(
            data, parse_constant=_reject_constant, object_pairs_hook=_reject_duplicates
        )
    except RecursionError as exc:
        raise VcError(MALFORMED_JSON, "JSON is nested too deeply") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise VcError(MALFORMED_JSON, f"not valid JSON: {exc}") from exc


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Parsers disagree on which duplicate wins; a signature must not mean two things.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def serialized_size(document: Any) -> int:
    """Size in bytes of ``document`` serialised compactly as UTF-8 JSON."""
    try:
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise VcError(MALFORMED_DOCUMENT, f"not a JSON document: {exc}") from exc
    return len(text.encode("utf-8", "surrogatepass"))


def check_structure(document: Any, limits: Limits = DEFAULT_LIMITS, *, rdf: bool) -> None:
    """Check a parsed document before any processing.

    It must be a JSON object made only of JSON types, nested at most ``limits.max_depth``
    deep. Every ``@context`` value anywhere in it must be a pinned context URL or a list of them
    (inline contexts are refused: they could redefine terms, and PyLD's ``@import`` handling
    mutates cached contexts) and strings must not contain C0 control characters other than TAB,
    LF and CR. Those two rules apply only with ``rdf`` (the document will be processed as
    JSON-LD and canonicalised with RDFC-1.0); JCS signs the JSON as it is.
    """
    if not isinstance(document, dict):
        raise VcError(MALFORMED_DOCUMENT, "the document must be a JSON object")
    if serialized_size(document) > limits.max_bytes:
        raise VcError(INPUT_TOO_LARGE, f"document is larger than {limits.max_bytes} bytes")
    bad_chars = _RDF_BAD_CHARS if rdf else _SURROGATES
    max_depth = limits.max_depth
    # Iterative walk (a recursive one would itself be the stack overflow it guards against).
    # Paths are kept as (parent, key) chains and only spelled out for an error message.
    stack: list[tuple[Any, int, _Trail]] = [(document, 1, None)]
    while stack:
        value, depth, trail = stack.pop()
        if isinstance(value, str):
            if bad_chars.search(value):
                _bad_string(value, trail, "string")
        elif isinstance(value, dict):
            if depth > max_depth:
                raise VcError(LIMIT_EXCEEDED, f"nesting deeper than {max_depth} at {_path(trail)}")
            for key, item in value.items():
                if not isinstance(key, str):
                    raise VcError(MALFORMED_DOCUMENT, f"non-string key {key!r} at {_path(trail)}")
                if bad_chars.search(key):
                    _bad_string(key, trail, "key")
                if key == "@context" and rdf:
                    _check_context_value(item, _path((trail, key)))
                else:
                    stack.append((item, depth + 1, (trail, key)))
        elif isinstance(value, list):
            if depth > max_depth:
                raise VcError(LIMIT_EXCEEDED, f"nesting deeper than {max_depth} at {_path(trail)}")
            stack.extend((item, depth + 1, (trail, i)) for i, item in enumerate(value))
        elif isinstance(value, float):
            if math.isnan(value) or math.isinf(value):
                raise VcError(MALFORMED_DOCUMENT, f"NaN or Infinity at {_path(trail)}")
        elif value is not None and not isinstance(value, bool | int):
            raise VcError(
                MALFORMED_DOCUMENT, f"{type(value).__name__} at {_path(trail)} is not a JSON type"
            )


_Trail = tuple[Any, str | int] | None


def _path(trail: _Trail) -> str:
    parts: list[str] = []
    while trail is not None:
        trail, key = trail
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return "$" + "".join(reversed(parts))


def _bad_string(value: str, trail: _Trail, what: str) -> None:
    if _SURROGATES.search(value):
        raise VcError(MALFORMED_DOCUMENT, f"lone surrogate in a {what} at {_path(trail)}")
    raise VcError(
        UNSUPPORTED_CHARACTERS,
        f"control character in a {what} at {_path(trail)}: canonical N-Quads "
        "implementations escape it differently",
    )


def _check_context_value(value: Any, path: str) -> None:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise VcError(CONTEXT_NOT_ALLOWED, f"empty @context at {path}")
    for item in items:
        if not isinstance(item, str):
            raise VcError(
                CONTEXT_NOT_ALLOWED,
                f"inline context at {path}: only pinned context URLs are accepted",
            )
        if item not in PINNED_CONTEXTS:
            raise VcError(
                CONTEXT_NOT_ALLOWED,
                f"context {item!r} at {path} is not pinned in qiao.vc.contexts; "
                "contexts are never fetched",
            )
