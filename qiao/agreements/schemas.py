"""API schemas of the agreements app: separate input and output shapes. Inputs forbid unknown
fields and bound every string; the services then validate values and their ValidationError
becomes a 422 naming the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from qiao.agreements.models import (
    AgreementKind,
    AgreementStatus,
    ContributionKind,
    KpiPeriod,
    PartyRole,
    Recurrence,
)

MAX_ID = 2**63 - 1


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- Agreements -------------------------------------------------------------------------------


class PartyIn(InputSchema):
    organisation_id: int = Field(..., ge=1, le=MAX_ID)
    role: PartyRole


class PartyOut(Schema):
    id: int
    organisation_id: int | None
    person_id: int | None
    name: str
    role: str
    country: str


class AreaOut(Schema):
    code: str
    label_en: str
    label_zh: str
    is_active: bool


class AgreementIn(InputSchema):
    kind: AgreementKind
    title: str = Field(..., min_length=1, max_length=300)
    title_en: str = Field("", max_length=300)
    title_zh: str = Field("", max_length=300)
    summary: str = Field("", max_length=50_000)
    reference: str = Field("", max_length=64)
    parent_id: int | None = Field(None, ge=1, le=MAX_ID, description="The framework agreement")
    areas: list[str] = Field(default_factory=list, max_length=50, description="Area codes")
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    remind_days_before: int | None = Field(None, ge=0, le=365)
    currency: str = Field("CNY", min_length=3, max_length=3)
    parties: list[PartyIn] = Field(..., min_length=2, max_length=20)


class AgreementPatch(InputSchema):
    """Only the fields sent change; `parties` replaces the list (before signature only)."""

    kind: AgreementKind | None = None
    title: str | None = Field(None, min_length=1, max_length=300)
    title_en: str | None = Field(None, max_length=300)
    title_zh: str | None = Field(None, max_length=300)
    summary: str | None = Field(None, max_length=50_000)
    reference: str | None = Field(None, max_length=64)
    parent_id: int | None = Field(None, ge=1, le=MAX_ID)
    areas: list[str] | None = Field(None, max_length=50)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    remind_days_before: int | None = Field(None, ge=0, le=365)
    currency: str | None = Field(None, min_length=3, max_length=3)
    parties: list[PartyIn] | None = Field(None, min_length=2, max_length=20)


class TransitionIn(InputSchema):
    to: AgreementStatus
    on: dt.date | None = Field(None, description="Date signed (signed) or ending (terminated)")
    reason: str = Field("", max_length=5000, description="Required to terminate")


class AgreementOut(Schema):
    id: int
    reference: str
    kind: str
    status: str = Field(..., description="Current status (an ended validity reads expired)")
    title: str
    title_en: str
    title_zh: str
    display_title: str
    parent_id: int | None
    renews_id: int | None
    areas: list[str]
    parties: list[PartyOut]
    signed_on: dt.date | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    terminated_on: dt.date | None
    termination_reason: str
    remind_days_before: int
    currency: str

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return str(obj.effective_status())

    @staticmethod
    def resolve_display_title(obj: Any) -> str:
        return str(obj.display_title())

    @staticmethod
    def resolve_areas(obj: Any) -> list[str]:
        return [a.code for a in obj.areas.all()]

    @staticmethod
    def resolve_parties(obj: Any) -> list[dict[str, Any]]:
        return [
            {
                "id": p.pk,
                "organisation_id": p.organisation_id,
                "person_id": p.person_id,
                "name": str(p.member),
                "role": p.role,
                "country": p.organisation.country.code if p.organisation else "",
            }
            for p in obj.parties.all()
        ]


class SignatoryOut(Schema):
    party_id: int
    person_id: int
    name: str
    title: str


class VersionOut(Schema):
    number: int
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    download_url: str


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    versions: list[VersionOut]


class AgreementDetailOut(AgreementOut):
    """The agreement with what the API view attached to it (`api_*` attributes)."""

    summary: str
    signatories: list[SignatoryOut]
    documents: list[DocumentOut]
    allowed_transitions: list[str]
    renewed_by_id: int | None

    @staticmethod
    def resolve_signatories(obj: Any) -> list[dict[str, Any]]:
        return list(obj.api_signatories)

    @staticmethod
    def resolve_documents(obj: Any) -> list[dict[str, Any]]:
        return list(obj.api_documents)

    @staticmethod
    def resolve_allowed_transitions(obj: Any) -> list[str]:
        return list(obj.api_allowed_transitions)

    @staticmethod
    def resolve_renewed_by_id(obj: Any) -> int | None:
        return obj.api_renewed_by_id


class AgreementPage(Schema):
    items: list[AgreementOut]
    count: int
    page: int
    page_size: int


# --- Commitments and KPIs ---------------------------------------------------------------------


class KpiOut(Schema):
    metric: str
    label: str
    unit: str
    target: float
    actual: float | None
    expected: float | None = Field(None, description="Target pro-rated by elapsed time")
    period: str
    period_start: dt.date | None
    period_end: dt.date | None
    period_label: str
    status: str = Field(..., description="on_track | at_risk | behind | not_started | …")
    status_label: str


class CommitmentOut(Schema):
    id: int
    area: str
    text: str
    owner_party_id: int
    owner: str
    due_date: dt.date | None
    recurrence: str
    kpi: KpiOut | None


class CommitmentIn(InputSchema):
    area: str = Field(..., min_length=1, max_length=50, description="Area code")
    text: str = Field(..., min_length=1, max_length=5000)
    owner_party_id: int = Field(..., ge=1, le=MAX_ID, description="A party id of the agreement")
    due_date: dt.date | None = None
    recurrence: Recurrence = Recurrence.NONE
    kpi_metric: str = Field("", max_length=100, description="A key of GET /agreements/metrics")
    kpi_target: Decimal | None = Field(None, gt=0, max_digits=16, decimal_places=2)
    kpi_period: KpiPeriod | None = None


class MetricOut(Schema):
    key: str
    label: str
    unit: str
    description: str


# --- Contributions ----------------------------------------------------------------------------


class ContributionOut(Schema):
    id: int
    agreement_id: int
    party_id: int
    party: str
    direction: str
    kind: str
    value: float
    currency: str
    unit: str
    date: dt.date
    description: str
    evidence_sha256: str

    @staticmethod
    def resolve_party(obj: Any) -> str:
        return str(obj.party.member)


class ContributionIn(InputSchema):
    party_id: int = Field(..., ge=1, le=MAX_ID)
    kind: ContributionKind
    value: Decimal = Field(..., ge=0, max_digits=15, decimal_places=2)
    currency: str = Field("", max_length=3)
    unit: str = Field("", max_length=32)
    date: dt.date
    description: str = Field("", max_length=5000)
