"""The credentials module's settings, in one place.

Each reads an optional Django setting of the same name (the lead adds them to settings.py from
the environment; see docs/credentials.md). Until a setting exists, the environment variable of
the same name is read directly, so an operator's `.env` works either way.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings


def setting(name: str, default: Any) -> Any:
    """The Django setting `name`, else the environment variable `name`, else `default`."""
    value = getattr(settings, name, None)
    if value is None or value == "":
        value = os.environ.get(name, "")
    return value if value not in (None, "") else default


def site_url() -> str:
    """The public address of this instance (settings.SITE_URL), without a trailing slash."""
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def site_host() -> str:
    """host[:port] of SITE_URL: the domain of every did:web identifier this instance mints."""
    return urlsplit(site_url()).netloc or "127.0.0.1:8000"


def development_mode() -> bool:
    """DEBUG or the test suite: the only modes in which a development KEK may be derived."""
    return bool(getattr(settings, "DEBUG", False) or getattr(settings, "TESTING", False))


# Base64 of 32 random bytes: the key-encryption key that wraps every issuer's private key.
def kek_setting() -> str:
    return str(setting("CREDENTIALS_KEK", ""))


# Name of the alliance that signs the trust list (shown in it and on the verification page).
def alliance_name() -> str:
    return str(setting("CREDENTIALS_ALLIANCE_NAME", "Qiao school–enterprise cooperation alliance"))


# How long a published trust list is valid, and when the cached one is re-signed.
TRUST_LIST_VALID_DAYS: int = int(setting("CREDENTIALS_TRUST_LIST_VALID_DAYS", 365))
TRUST_LIST_REFRESH_DAYS: int = 30
# Status lists and trust list: how long browsers and verifiers may cache them (seconds).
PUBLISHED_MAX_AGE: int = int(setting("CREDENTIALS_PUBLISHED_MAX_AGE", 300))
# Batch issuance: credentials signed and stored per transaction (and per progress update).
BATCH_CHUNK: int = int(setting("CREDENTIALS_BATCH_CHUNK", 50))
# The public verification page refuses pastes and uploads larger than this (bytes).
VERIFY_MAX_BYTES: int = int(setting("CREDENTIALS_VERIFY_MAX_BYTES", 1_000_000))
