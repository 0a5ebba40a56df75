"""Resolving verification method ids to public keys, with no network access ever.

did:key identifiers carry their key and are resolved here. Everything else (did:web, https
issuer URLs) is resolved only from what the caller supplies: controller documents, verification
methods, or a trust list (``qiao.vc.trust``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from qiao.vc.errors import INVALID_KEY, UNKNOWN_VERIFICATION_METHOD, InvalidKeyError, VcError
from qiao.vc.keys import VerificationMethod, methods_from_controller_document, resolve_did_key


class KeyResolver:
    """Maps verification method ids to ``VerificationMethod`` from local data only."""

    def __init__(
        self,
        *,
        documents: Mapping[str, Mapping[str, Any]] | Iterable[Mapping[str, Any]] = (),
        methods: Iterable[VerificationMethod] = (),
        did_key: bool = True,
    ) -> None:
        """``documents``: controller (DID) documents, as a list or as a mapping DID -> document;
        ``methods``: verification methods; ``did_key``: resolve did:key by itself."""
        self._methods: dict[str, VerificationMethod] = {}
        self._did_key = did_key
        if isinstance(documents, Mapping):
            for did, document in documents.items():
                if not isinstance(document, Mapping) or document.get("id") != did:
                    raise InvalidKeyError(
                        INVALID_KEY, f"the controller document given for {did!r} has another id"
                    )
                self.add_document(document)
        else:
            for document in documents:
                self.add_document(document)
        for method in methods:
            self.add_method(method)

    def add_document(self, document: Mapping[str, Any]) -> None:
        """Add every Multikey method of a controller document (with its purposes)."""
        for method in methods_from_controller_document(document):
            self.add_method(method)

    def add_method(self, method: VerificationMethod) -> None:
        """Add one verification method."""
        self._methods[method.id] = method

    def methods(self) -> list[VerificationMethod]:
        """The methods added explicitly (did:key ones are resolved on demand)."""
        return list(self._methods.values())

    def resolve(self, method_id: str) -> VerificationMethod:
        """Return the method for ``method_id`` or raise ``VcError(UNKNOWN_VERIFICATION_METHOD)``
        (``INVALID_KEY``/``INVALID_MULTIBASE`` for a malformed did:key)."""
        if not isinstance(method_id, str):
            raise VcError(UNKNOWN_VERIFICATION_METHOD, "verificationMethod is not a string")
        known = self._methods.get(method_id)
        if known is not None:
            return known
        if self._did_key and method_id.startswith("did:key:"):
            return resolve_did_key(method_id)
        hint = (
            " (did:web keys come from a trust list or a controller document given by the "
            "caller; nothing is fetched)"
            if method_id.startswith("did:web:")
            else ""
        )
        raise VcError(UNKNOWN_VERIFICATION_METHOD, f"cannot resolve {method_id!r}{hint}")
