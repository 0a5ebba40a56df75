"""W3C Bitstring Status List v1.0: status lists, their credentials, and entry checks.

The list is a bitstring of at least 131,072 entries (16 KiB) where entry 0 is the left-most
(most significant) bit of the first byte; ``encodedList`` is the multibase base64url (``u``)
of its GZIP compression.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from qiao.vc.contexts import VC_V2
from qiao.vc.dates import to_datetime_string
from qiao.vc.errors import (
    STATUS_LIST_LENGTH_ERROR,
    STATUS_VERIFICATION_ERROR,
    VcError,
)
from qiao.vc.keys import decode_base64url, encode_base64url

MIN_ENTRIES = 131_072  # 16 KiB: the herd that hides which credential was looked up
STATUS_PURPOSES = ("revocation", "suspension")
# A gzip bomb is refused: an honest list of a few million entries is well under this.
MAX_DECOMPRESSED_BYTES = 16 * 1024 * 1024


class StatusList:
    """A mutable bitstring of credential statuses."""

    def __init__(self, size: int = MIN_ENTRIES, *, bits: bytes | None = None) -> None:
        """A list of ``size`` entries (at least 131,072, a multiple of 8), all clear, or the
        given ``bits``."""
        if bits is not None:
            size = len(bits) * 8
        if size < MIN_ENTRIES or size % 8:
            raise ValueError(f"a status list has at least {MIN_ENTRIES} entries, a multiple of 8")
        self._bits = bytearray(bits) if bits is not None else bytearray(size // 8)

    @property
    def size(self) -> int:
        """Number of entries."""
        return len(self._bits) * 8

    def _locate(self, index: int) -> tuple[int, int]:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < self.size:
            raise VcError(
                STATUS_LIST_LENGTH_ERROR, f"index {index!r} is outside the list of {self.size}"
            )
        return index // 8, 7 - index % 8

    def get(self, index: int) -> bool:
        """True if the entry at ``index`` is set (revoked / suspended)."""
        byte, bit = self._locate(index)
        return bool(self._bits[byte] >> bit & 1)

    def set(self, index: int, value: bool = True) -> None:
        """Set (or clear, with ``value=False``) the entry at ``index``."""
        byte, bit = self._locate(index)
        if value:
            self._bits[byte] |= 1 << bit
        else:
            self._bits[byte] &= ~(1 << bit) & 0xFF

    def to_bytes(self) -> bytes:
        """The raw bitstring."""
        return bytes(self._bits)

    def encode(self) -> str:
        """``encodedList``: multibase base64url of the GZIP-compressed bitstring."""
        # mtime=0 makes the output depend on the bits only, so equal lists encode equally.
        return encode_base64url(gzip.compress(bytes(self._bits), mtime=0))

    @classmethod
    def decode(cls, encoded: str) -> StatusList:
        """Parse an ``encodedList``; raises ``VcError(STATUS_VERIFICATION_ERROR)``."""
        try:
            compressed = decode_base64url(encoded)
            inflater = zlib.decompressobj(wbits=31)  # 31: expect a gzip header
            bits = inflater.decompress(compressed, MAX_DECOMPRESSED_BYTES)
            if inflater.unconsumed_tail:
                raise VcError(STATUS_VERIFICATION_ERROR, "encodedList expands beyond the limit")
            if not inflater.eof:
                raise VcError(STATUS_VERIFICATION_ERROR, "encodedList is truncated")
        except VcError as exc:
            raise VcError(STATUS_VERIFICATION_ERROR, exc.message) from exc
        except zlib.error as exc:
            raise VcError(STATUS_VERIFICATION_ERROR, f"encodedList is not GZIP: {exc}") from exc
        if len(bits) * 8 < MIN_ENTRIES:
            raise VcError(
                STATUS_VERIFICATION_ERROR,
                f"the bitstring has {len(bits) * 8} entries; the minimum is {MIN_ENTRIES}",
            )
        return cls(bits=bits)


@dataclass(frozen=True)
class CredentialStatus:
    """A ``BitstringStatusListEntry`` pointing into a status list credential."""

    status_list_credential: str
    status_list_index: int
    status_purpose: str = "revocation"

    def __post_init__(self) -> None:
        if self.status_purpose not in STATUS_PURPOSES:
            raise ValueError(f"statusPurpose must be one of {STATUS_PURPOSES}")
        if self.status_list_index < 0:
            raise ValueError("statusListIndex must not be negative")

    def to_json(self) -> dict[str, Any]:
        """The ``credentialStatus`` object (the index is a string, as the spec writes it)."""
        return {
            "id": f"{self.status_list_credential}#{self.status_list_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": self.status_purpose,
            "statusListIndex": str(self.status_list_index),
            "statusListCredential": self.status_list_credential,
        }


def build_status_list_credential(
    *,
    id: str,
    issuer: str,
    status_list: StatusList,
    status_purpose: str = "revocation",
    valid_from: datetime | str | None = None,
    valid_until: datetime | str | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """An unsigned ``BitstringStatusListCredential``; sign it with ``qiao.vc.sign``.

    ``id`` is the URL it will be published at (what entries put in ``statusListCredential``).
    """
    if status_purpose not in STATUS_PURPOSES:
        raise ValueError(f"statusPurpose must be one of {STATUS_PURPOSES}")
    credential: dict[str, Any] = {
        "@context": [VC_V2],
        "id": id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
    }
    if name is not None:
        credential["name"] = name
    if valid_from is not None:
        credential["validFrom"] = to_datetime_string(valid_from)
    if valid_until is not None:
        credential["validUntil"] = to_datetime_string(valid_until)
    credential["credentialSubject"] = {
        "id": f"{id}#list",
        "type": "BitstringStatusList",
        "statusPurpose": status_purpose,
        "encodedList": status_list.encode(),
    }
    return credential


@dataclass(frozen=True)
class StatusResult:
    """Outcome of looking an entry up: ``is_set`` True means revoked / suspended."""

    status_purpose: str
    index: int
    is_set: bool


def _types(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def check_status(entry: Mapping[str, Any], list_credential: Mapping[str, Any]) -> StatusResult:
    """Look a ``BitstringStatusListEntry`` up in a status list credential.

    Checks that the credential is the one the entry names, is a BitstringStatusListCredential
    for the same purpose, and that the index is in range. It does not verify the list
    credential's proof: ``qiao.vc.verify`` does that when given status lists.
    Raises ``VcError`` (``STATUS_VERIFICATION_ERROR``, ``STATUS_LIST_LENGTH_ERROR``).
    """
    if not isinstance(entry, Mapping) or "BitstringStatusListEntry" not in _types(
        entry.get("type")
    ):
        raise VcError(STATUS_VERIFICATION_ERROR, "not a BitstringStatusListEntry")
    purpose = entry.get("statusPurpose")
    if purpose not in STATUS_PURPOSES:
        raise VcError(STATUS_VERIFICATION_ERROR, f"unsupported statusPurpose {purpose!r}")
    raw_index = entry.get("statusListIndex")
    if not isinstance(raw_index, str | int) or isinstance(raw_index, bool):
        raise VcError(STATUS_VERIFICATION_ERROR, "statusListIndex must be an integer string")
    try:
        index = int(raw_index)
    except ValueError as exc:
        raise VcError(STATUS_VERIFICATION_ERROR, "statusListIndex must be an integer") from exc
    if index < 0:
        raise VcError(STATUS_LIST_LENGTH_ERROR, "statusListIndex is negative")
    if not isinstance(list_credential, Mapping):
        raise VcError(STATUS_VERIFICATION_ERROR, "the status list credential is not an object")
    if list_credential.get("id") != entry.get("statusListCredential"):
        raise VcError(
            STATUS_VERIFICATION_ERROR,
            "the status list credential's id is not the entry's statusListCredential",
        )
    if "BitstringStatusListCredential" not in _types(list_credential.get("type")):
        raise VcError(STATUS_VERIFICATION_ERROR, "not a BitstringStatusListCredential")
    subject = list_credential.get("credentialSubject")
    if not isinstance(subject, Mapping) or "BitstringStatusList" not in _types(subject.get("type")):
        raise VcError(STATUS_VERIFICATION_ERROR, "the list's subject is not a BitstringStatusList")
    list_purposes = _types(subject.get("statusPurpose"))
    if purpose not in list_purposes:
        raise VcError(
            STATUS_VERIFICATION_ERROR,
            f"the list is for {list_purposes}, the entry for {purpose!r}",
        )
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise VcError(STATUS_VERIFICATION_ERROR, "encodedList is missing")
    bits = StatusList.decode(encoded)
    return StatusResult(status_purpose=purpose, index=index, is_set=bits.get(index))
