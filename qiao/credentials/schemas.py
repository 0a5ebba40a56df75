"""API schemas of credentials: separate input and output shapes; inputs forbid unknown fields."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Schema

from qiao.core.schemas import InputSchema

MAX_ID = 2**63 - 1


class KeyOut(Schema):
    id: str
    public_key_multibase: str
    active: bool
    created_at: dt.datetime
    retired_at: dt.datetime | None


class IssuerOut(Schema):
    did: str
    name: str
    slug: str
    organisation_id: int | None
    is_alliance: bool
    controller_document_url: str
    keys: list[KeyOut]


class CredentialOut(Schema):
    id: uuid.UUID
    achievement_id: int
    achievement: str
    person_id: int
    organisation_id: int
    issuer: str
    issued_at: dt.datetime
    valid_until: dt.datetime | None
    status: str
    status_reason: str
    sha256: str
    status_list: int
    status_index: int


class CredentialDetailOut(CredentialOut):
    document: dict[str, Any]


class CredentialPage(Schema):
    items: list[CredentialOut]
    count: int
    page: int
    page_size: int


class IssueIn(InputSchema):
    achievement_id: int = Field(..., ge=1, le=MAX_ID)
    person_id: int = Field(..., ge=1, le=MAX_ID)
    valid_until: dt.datetime | None = None


class StatusIn(InputSchema):
    reason: str = Field("", max_length=300)


class VerifyCheckOut(Schema):
    id: str
    state: str
    title: dict[str, str]
    text: dict[str, str]
    details: list[dict[str, Any]]


class VerifyOut(Schema):
    valid: bool
    verdict: str
    verdict_text: dict[str, str]
    checks: list[VerifyCheckOut]
    report: dict[str, Any]
