"""Private keys encrypted at rest: AES-256-GCM under a key-encryption key (KEK).

The KEK comes from the environment (CREDENTIALS_KEK, base64 of 32 random bytes). With DEBUG on,
or in the test suite, and no KEK configured, a development KEK is derived from SECRET_KEY with
HKDF-SHA256; that is convenient and NOT safe (anyone with SECRET_KEY can unwrap the keys), so a
warning is logged and production refuses: without CREDENTIALS_KEK, nothing is signed and no key
is created.

Each wrapped key stores the id of the KEK that wrapped it (the first 16 hex digits of the
SHA-256 of the KEK), so a wrong or rotated KEK is reported plainly instead of as a failed
decryption. The verification method id is bound as associated data: a wrapped secret copied to
another key's row does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from qiao.credentials import conf

logger = logging.getLogger(__name__)

NONCE_BYTES = 12
_warned = False


class KeyEncryptionError(Exception):
    """No usable KEK (production without CREDENTIALS_KEK, a malformed one, the wrong one)."""


def _configured_kek() -> bytes | None:
    text = conf.kek_setting().strip()
    if not text:
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyEncryptionError("CREDENTIALS_KEK is not valid base64.") from exc
    if len(raw) != 32:
        raise KeyEncryptionError(
            f"CREDENTIALS_KEK must be 32 bytes (base64 of 32 random bytes), not {len(raw)}."
        )
    return raw


def _development_kek() -> bytes:
    global _warned  # noqa: PLW0603 - warn once per process
    if not _warned:
        logger.warning(
            "CREDENTIALS_KEK is not set: issuer keys are encrypted with a DEVELOPMENT key "
            "derived from SECRET_KEY. Never run like this in production."
        )
        _warned = True
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"qiao-credentials-development-kek",
        info=b"qiao credentials key-encryption key v1",
    ).derive(str(settings.SECRET_KEY).encode("utf-8"))


def current_kek() -> bytes:
    """The KEK in force; raises KeyEncryptionError in production when none is configured."""
    kek = _configured_kek()
    if kek is not None:
        return kek
    if conf.development_mode():
        return _development_kek()
    raise KeyEncryptionError(
        'CREDENTIALS_KEK is not set. Generate one with `python -c "import os, base64; '
        'print(base64.b64encode(os.urandom(32)).decode())"` and keep it apart from the database '
        "backups; without it nothing can be signed."
    )


def kek_id(kek: bytes) -> str:
    """A short public fingerprint of a KEK (never the KEK itself)."""
    return hashlib.sha256(kek).hexdigest()[:16]


def wrap_secret(secret: bytes, *, key_id: str) -> tuple[str, str]:
    """Encrypt a private key: (base64 nonce‖ciphertext, id of the KEK used)."""
    kek = current_kek()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(kek).encrypt(nonce, secret, key_id.encode("utf-8"))
    return base64.b64encode(nonce + sealed).decode("ascii"), kek_id(kek)


def unwrap_secret(wrapped: str, *, key_id: str, wrapped_with: str) -> bytes:
    """Decrypt a private key wrapped by `wrap_secret`; KeyEncryptionError if it cannot be."""
    kek = current_kek()
    if kek_id(kek) != wrapped_with:
        raise KeyEncryptionError(
            f"The key {key_id} was encrypted with KEK {wrapped_with}, but the configured "
            f"CREDENTIALS_KEK is {kek_id(kek)}. Restore the KEK that wrapped it."
        )
    try:
        raw = base64.b64decode(wrapped, validate=True)
        return AESGCM(kek).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], key_id.encode("utf-8"))
    except (InvalidTag, binascii.Error, ValueError) as exc:
        raise KeyEncryptionError(f"The private key of {key_id} cannot be decrypted.") from exc
