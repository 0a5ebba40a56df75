"""JSON-LD processing for ``eddsa-rdfc-2022``: pinned contexts, data-loss detection, RDFC-1.0.

Everything PyLD does in this library goes through ``canonicalize_rdfc`` (or ``expand``), which
always passes PyLD an explicit document loader and context resolver, so PyLD's global default
loader (which would fetch over HTTP) is never reached.

Speed. PyLD re-processes every type-scoped context (``Achievement``, ``Profile``, …) on every
node that uses it, because it clones the active context without its cache key. Contexts here are
pinned and immutable, so ``_CachingProcessor`` memoises context processing keyed by the identity
of the (frozen) active context and of the pinned local context. That and the resolver cache take
an Open Badge from ~6 ms to ~1.5 ms; see docs/performance.md.

Time limit. One deadline covers the whole pass over a document. RDFC-1.0 is the step whose
cost can explode (Hash N-Degree Quads over permutations of blank nodes): the deadline is checked
inside that recursion and on every canonical identifier lookup of the permutation loop, so a
poison graph stops within milliseconds of the limit. Expansion and node mapping are linear in the
(size-limited) input but a 1 MB document still takes seconds in pure Python, so the deadline is
also checked on every element expanded and every node mapped. No threads, signals or
subprocesses are involved, so it works in any thread of a web server.
"""

from __future__ import annotations

import copy
import hashlib
import inspect
import json
import re
import threading
import time
from collections.abc import Callable
from importlib import resources
from typing import Any

from frozendict import frozendict
from pyld import jsonld as pyld_jsonld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer

from qiao.vc.contexts import PINNED_CONTEXTS
from qiao.vc.errors import (
    CANONICALIZATION_TIMEOUT,
    CONTEXT_NOT_ALLOWED,
    DATA_LOSS_DETECTION_ERROR,
    JSONLD_ERROR,
    LIMIT_EXCEEDED,
    VcError,
)
from qiao.vc.limits import DEFAULT_LIMITS, Limits, check_structure

_PROCESSING_MODE = "json-ld-1.1"

# --------------------------------------------------------------------------- pinned contexts

_CONTEXT_DOCUMENTS: dict[str, Any] = {}
# id() of every dict/list inside a pinned context -> the object (keeps ids from being reused)
_PINNED_OBJECTS: dict[int, Any] = {}
_LOAD_LOCK = threading.Lock()


def pinned_context(url: str) -> Any:
    """Return the parsed pinned context for ``url`` (shared object: do not mutate).

    Raises ``VcError(CONTEXT_NOT_ALLOWED)`` for any URL that is not pinned, and
    ``VcError(JSONLD_ERROR)`` if a shipped file does not match its recorded SHA-256.
    """
    document = _CONTEXT_DOCUMENTS.get(url)
    if document is not None:
        return document
    if url not in PINNED_CONTEXTS:
        raise VcError(
            CONTEXT_NOT_ALLOWED,
            f"refusing to load {url!r}: not a pinned context, and nothing is fetched",
        )
    with _LOAD_LOCK:
        if url not in _CONTEXT_DOCUMENTS:
            filename, expected = PINNED_CONTEXTS[url]
            raw = resources.files("qiao.vc.contexts").joinpath(filename).read_bytes()
            if hashlib.sha256(raw).hexdigest() != expected:
                raise VcError(JSONLD_ERROR, f"pinned context {filename} does not match its hash")
            parsed = json.loads(raw)
            _register_pinned(parsed)
            _CONTEXT_DOCUMENTS[url] = parsed
    return _CONTEXT_DOCUMENTS[url]


def _register_pinned(value: Any) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            _PINNED_OBJECTS[id(item)] = item
            stack.extend(item.values())
        elif isinstance(item, list):
            _PINNED_OBJECTS[id(item)] = item
            stack.extend(item)


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """PyLD document loader that serves pinned contexts and refuses every other URL.

    For callers that use PyLD directly: it returns a copy, so their processing cannot alter
    the contexts this library shares between calls.
    """
    remote = _shared_loader(url, options)
    remote["document"] = copy.deepcopy(remote["document"])
    return remote


def _shared_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    # The shared objects themselves: the context memo below is keyed by their identity.
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": pinned_context(url),
        # "static" lets PyLD's resolver keep the context across operations.
        "tag": "static",
    }


# URL or canonical JSON of a static context -> ResolvedContext; only pinned content reaches it
# because check_structure refuses inline contexts in documents.
_RESOLVED_CONTEXTS: dict[str, Any] = {}


def _context_resolver() -> ContextResolver:
    return ContextResolver(_RESOLVED_CONTEXTS, _shared_loader)


def _options() -> dict[str, Any]:
    # base None: relative IRIs stay relative (and are then reported as data loss) instead of
    # being resolved against PyLD's placeholder base http://example.org/base/.
    return {
        "documentLoader": _shared_loader,
        "contextResolver": _context_resolver(),
        "base": None,
        "processingMode": _PROCESSING_MODE,
        "extractAllScripts": False,
    }


# --------------------------------------------------------------------------- deadline


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise VcError(
                CANONICALIZATION_TIMEOUT,
                f"canonicalisation took longer than {self.seconds:g} s",
            )


# --------------------------------------------------------------------------- context memo

_MEMO: dict[tuple[Any, ...], tuple[Any, Any]] = {}
_MEMO_MAX = 4096


def _memo_key(active_ctx: Any, local_ctx: Any, *flags: bool) -> tuple[Any, ...] | None:
    if not isinstance(active_ctx, frozendict):
        return None
    if isinstance(local_ctx, str):
        local_key: Any = local_ctx
    elif isinstance(local_ctx, list) and all(isinstance(item, str) for item in local_ctx):
        local_key = tuple(local_ctx)
    elif _PINNED_OBJECTS.get(id(local_ctx)) is local_ctx:
        local_key = ("pinned", id(local_ctx))
    else:
        return None
    return (id(active_ctx), local_key, *flags)


class _CachingProcessor(pyld_jsonld.JsonLdProcessor):
    """PyLD processor that memoises pinned context processing and honours a deadline.

    The deadline is checked on every element expanded and every node mapped, so a large
    document stops at the time limit instead of after the whole (size-bounded) pass.
    """

    def __init__(self, on_dropped: Callable[[str | None], Any], deadline: _Deadline) -> None:
        super().__init__(on_property_dropped=on_dropped)
        self._deadline = deadline

    def _expand(self, *args: Any, **kwargs: Any) -> Any:
        self._deadline.check()
        return super()._expand(*args, **kwargs)

    def _create_node_map(self, *args: Any, **kwargs: Any) -> Any:
        self._deadline.check()
        return super()._create_node_map(*args, **kwargs)

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        key = _memo_key(active_ctx, local_ctx, override_protected, propagate, validate_scoped)
        if key is not None:
            hit = _MEMO.get(key)
            # The entry holds the active context itself, so its id cannot have been reused.
            if hit is not None and hit[0] is active_ctx:
                return hit[1]
        result = super()._process_context(
            active_ctx,
            local_ctx,
            options,
            override_protected=override_protected,
            propagate=propagate,
            validate_scoped=validate_scoped,
            cycles=cycles,
        )
        if key is not None and isinstance(result, frozendict):
            if len(_MEMO) >= _MEMO_MAX:
                _MEMO.clear()
            _MEMO[key] = (active_ctx, result)
        return result


def _pyld_internals_match() -> bool:
    # The memo and the direct node-map path use PyLD internals; check they are as expected
    # (PyLD 3.3) and fall back to the plain public API otherwise.
    base = pyld_jsonld.JsonLdProcessor
    try:
        params = list(inspect.signature(base._process_context).parameters)
        node_map = list(inspect.signature(base._create_node_map).parameters)
        graph = list(inspect.signature(base._graph_to_rdf).parameters)
        expand = list(inspect.signature(base._expand).parameters)
    except (AttributeError, TypeError, ValueError):
        return False
    return (
        params[:8]
        == [
            "self",
            "active_ctx",
            "local_ctx",
            "options",
            "override_protected",
            "propagate",
            "validate_scoped",
            "cycles",
        ]
        and node_map[:5] == ["self", "input_", "graph_map", "active_graph", "issuer"]
        and graph == ["self", "graph", "issuer", "options"]
        and expand[:5] == ["self", "active_ctx", "active_property", "element", "options"]
    )


_FAST_PATH = _pyld_internals_match()


def _processor(on_dropped: Callable[[str | None], Any], deadline: _Deadline) -> Any:
    if _FAST_PATH:
        return _CachingProcessor(on_dropped, deadline)
    return pyld_jsonld.JsonLdProcessor(on_property_dropped=on_dropped)


# --------------------------------------------------------------------------- deadline RDFC-1.0


class _DeadlineIssuer(IdentifierIssuer):
    # has_id() on the canonical issuer is called for every node of every permutation tried by
    # Hash N-Degree Quads, so checking the clock here bounds even the non-recursive loops.
    def __init__(self, prefix: str, deadline: _Deadline) -> None:
        super().__init__(prefix)
        self._deadline = deadline

    def has_id(self, old: str) -> bool:
        self._deadline.check()
        return bool(super().has_id(old))


class _DeadlineURDNA2015(URDNA2015):
    """RDFC-1.0 (PyLD's URDNA2015) that gives up when its deadline passes."""

    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline
        self.canonical_issuer = _DeadlineIssuer("_:c14n", deadline)

    def hash_first_degree_quads(self, id_: str) -> Any:
        self._deadline.check()
        return super().hash_first_degree_quads(id_)

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> Any:
        self._deadline.check()
        return super().hash_n_degree_quads(id_, issuer)

    def modify_first_degree_component(self, id_: str, component: Any, key: str) -> Any:
        # PyLD deep-copies here; a term is a flat {type, value} dict, so a shallow copy is the
        # same thing at a fraction of the cost (this runs for every blank node of every quad).
        if component["type"] != "blank node":
            return component
        return {**component, "value": "_:a" if component["value"] == id_ else "_:z"}


# --------------------------------------------------------------------------- data loss

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# Characters N-Quads does not allow in an IRI: implementations would drop or reject them.
_BAD_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _iri_problem(value: Any, what: str) -> str | None:
    if not isinstance(value, str):
        return f"{what} {value!r} is not a string"
    if value.startswith("_:"):
        return None
    if not _SCHEME.match(value):
        return f"{what} {value!r} is not an absolute IRI (relative IRIs are dropped from RDF)"
    if _BAD_IRI_CHARS.search(value):
        return f"{what} {value!r} contains characters not allowed in an IRI"
    return None


def find_data_loss(expanded: Any, dropped: list[str | None]) -> list[str]:
    """Describe everything the expanded document would lose on its way to RDF.

    ``dropped`` holds what PyLD's expansion dropped (terms no context defines); the walk finds
    what RDF conversion would drop later: relative or malformed IRIs in ``@id``, ``@type`` and
    datatypes, and free-floating values.
    """
    problems: list[str] = []
    for term in dropped:
        if term is None:
            problems.append("a key that is not a term, IRI or keyword (e.g. '@foo') was dropped")
        else:
            problems.append(f"term {term!r} is not defined by any context")
    stack: list[tuple[Any, bool]] = [(expanded, True)]
    while stack:
        node, top = stack.pop()
        if isinstance(node, list):
            stack.extend((item, top) for item in node)
            continue
        if not isinstance(node, dict):
            continue
        if "@value" in node:
            if top:
                problems.append(f"free-floating value {node['@value']!r} is not attached to a node")
            datatype = node.get("@type")
            if datatype is not None and datatype != "@json":
                problem = _iri_problem(datatype, "datatype")
                if problem:
                    problems.append(problem)
            continue
        for key, value in node.items():
            if key == "@id":
                problem = _iri_problem(value, "@id")
                if problem:
                    problems.append(problem)
            elif key == "@type":
                for type_ in value if isinstance(value, list) else [value]:
                    problem = _iri_problem(type_, "type")
                    if problem:
                        problems.append(problem)
            elif key in ("@graph", "@included"):
                stack.append((value, True))
            elif key in ("@list", "@set"):
                stack.append((value, False))
            elif key == "@reverse" and isinstance(value, dict):
                for prop, objects in value.items():
                    problem = _iri_problem(prop, "reverse property")
                    if problem:
                        problems.append(problem)
                    stack.append((objects, False))
            elif not key.startswith("@"):
                problem = _iri_problem(key, "property")
                if problem:
                    problems.append(problem)
                stack.append((value, False))
    return problems


# --------------------------------------------------------------------------- public API

_PYLD_LOCK = threading.Lock()


def _unwrap_jsonld_error(exc: BaseException) -> VcError:
    # PyLD wraps loader errors several levels deep; surface ours (e.g. CONTEXT_NOT_ALLOWED).
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, VcError):
            return cause
        cause = cause.__cause__ or cause.__context__
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    code = getattr(exc, "code", None)
    return VcError(
        JSONLD_ERROR, f"JSON-LD processing failed: {message}" + (f" ({code})" if code else "")
    )


def expand(document: dict[str, Any], limits: Limits = DEFAULT_LIMITS) -> list[Any]:
    """Expand a JSON-LD document with pinned contexts only, refusing any data loss.

    Raises ``VcError`` with ``DATA_LOSS_DETECTION_ERROR`` when a term is undefined or an IRI
    would be dropped, ``CONTEXT_NOT_ALLOWED`` for unpinned contexts.
    """
    check_structure(document, limits, rdf=True)
    with _PYLD_LOCK:
        expanded, _ = _expand_checked(document, _Deadline(limits.canonicalization_seconds))
    return expanded


def _expand_checked(document: dict[str, Any], deadline: _Deadline) -> tuple[list[Any], Any]:
    dropped: list[str | None] = []
    processor = _processor(dropped.append, deadline)
    try:
        expanded = processor.expand(document, _options())
    except VcError:
        raise
    except RecursionError as exc:
        raise VcError(LIMIT_EXCEEDED, "document is nested too deeply for JSON-LD") from exc
    except Exception as exc:  # PyLD raises JsonLdError, but also KeyError/TypeError on odd input
        raise _unwrap_jsonld_error(exc) from exc
    problems = find_data_loss(expanded, dropped)
    if problems:
        shown = "; ".join(problems[:5]) + (
            f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        )
        raise VcError(DATA_LOSS_DETECTION_ERROR, shown)
    return expanded, processor


def _to_dataset(processor: Any, expanded: list[Any]) -> dict[str, list[Any]]:
    if not _FAST_PATH:
        options = _options()
        return dict(processor.to_rdf(expanded, options))
    # PyLD's to_rdf() would expand the already expanded document a second time (slow).
    issuer = IdentifierIssuer("_:b")
    node_map: dict[str, Any] = {"@default": {}}
    processor._create_node_map(expanded, node_map, "@default", issuer)
    options = {
        "produceGeneralizedRdf": False,
        "rdfDirection": None,
        "processingMode": _PROCESSING_MODE,
    }
    dataset: dict[str, list[Any]] = {}
    for graph_name, graph in sorted(node_map.items()):
        if graph_name == "@default" or _SCHEME.match(graph_name) or graph_name.startswith("_:"):
            dataset[graph_name] = processor._graph_to_rdf(graph, issuer, options)
    return dataset


def canonicalize_rdfc(document: dict[str, Any], limits: Limits = DEFAULT_LIMITS) -> str:
    """Return the RDFC-1.0 canonical N-Quads of a JSON-LD document.

    The document is checked (``check_structure``), expanded with pinned contexts only, refused
    on any data loss, converted to RDF, counted against ``limits.max_quads`` and
    ``limits.max_blank_nodes``, then canonicalised under ``limits.canonicalization_seconds``.
    Raises ``VcError`` with a specific code on every failure.
    """
    check_structure(document, limits, rdf=True)
    deadline = _Deadline(limits.canonicalization_seconds)
    with _PYLD_LOCK:
        expanded, processor = _expand_checked(document, deadline)
        deadline.check()
        try:
            dataset = _to_dataset(processor, expanded)
        except VcError:
            raise
        except Exception as exc:
            raise _unwrap_jsonld_error(exc) from exc
    deadline.check()
    quads = 0
    blank_nodes: set[str] = set()
    for graph_name, triples in dataset.items():
        quads += len(triples)
        if graph_name.startswith("_:"):
            blank_nodes.add(graph_name)
        for triple in triples:
            for position in ("subject", "object"):
                term = triple[position]
                if term["type"] == "blank node":
                    blank_nodes.add(term["value"])
    if quads > limits.max_quads:
        raise VcError(LIMIT_EXCEEDED, f"{quads} RDF statements; the limit is {limits.max_quads}")
    if len(blank_nodes) > limits.max_blank_nodes:
        raise VcError(
            LIMIT_EXCEEDED,
            f"{len(blank_nodes)} blank nodes; the limit is {limits.max_blank_nodes}",
        )
    try:
        result = _DeadlineURDNA2015(deadline).main(dataset, {"format": "application/n-quads"})
    except VcError:
        raise
    except RecursionError as exc:
        raise VcError(LIMIT_EXCEEDED, "blank node structure is too deep to canonicalise") from exc
    assert isinstance(result, str)
    return result
