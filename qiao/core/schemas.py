"""API schemas for core: separate input and output shapes.

Input schemas forbid unknown fields (a typo must not be silently ignored) and bound every
string; the services then validate the values against the models (country codes, URLs,
uniqueness) and their ValidationError becomes a 422 naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from qiao.core.models import AffiliationKind, OrganisationKind


class ErrorBody(Schema):
    code: str
    message: str
    details: Any = None


class ErrorOut(Schema):
    """Every API error: {"error": {"code", "message", "details"}}."""

    error: ErrorBody


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _country(value: str | None) -> str | None:
    return value.upper() if isinstance(value, str) else value


# --- Organisations ----------------------------------------------------------------------------


class OrganisationOut(Schema):
    id: int
    kind: str
    name: str
    name_en: str
    name_local: str
    short_name: str
    country: str
    city: str
    website: str
    description: str
    is_active: bool

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.code or "")


class OrganisationIn(InputSchema):
    kind: OrganisationKind
    name: str = Field(..., min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    name_local: str = Field("", max_length=200)
    short_name: str = Field("", max_length=40)
    country: str = Field(..., min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    city: str = Field("", max_length=120)
    website: str = Field("", max_length=200)
    description: str = Field("", max_length=5000)

    _upper_country = field_validator("country")(_country)


class OrganisationPatch(InputSchema):
    """Only the fields sent are changed; null is not a value any of them accepts."""

    kind: OrganisationKind | None = None
    name: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    name_local: str | None = Field(None, max_length=200)
    short_name: str | None = Field(None, max_length=40)
    country: str | None = Field(None, min_length=2, max_length=2)
    city: str | None = Field(None, max_length=120)
    website: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    is_active: bool | None = None

    _upper_country = field_validator("country")(_country)


class OrganisationPage(Schema):
    items: list[OrganisationOut]
    count: int
    page: int
    page_size: int


# --- Departments ------------------------------------------------------------------------------


class DepartmentOut(Schema):
    id: int
    organisation_id: int
    name: str
    name_en: str
    name_local: str
    code: str


class DepartmentIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    name_local: str = Field("", max_length=200)
    code: str = Field("", max_length=40)


class DepartmentPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    name_local: str | None = Field(None, max_length=200)
    code: str | None = Field(None, max_length=40)


# --- People -----------------------------------------------------------------------------------


class AffiliationOut(Schema):
    id: int
    organisation_id: int
    kind: AffiliationKind
    start: dt.date | None
    end: dt.date | None
    department_id: int | None
    student_number: str
    major_id: int | None
    cohort_year: int | None
    title: str


class PersonOut(Schema):
    id: int
    family_name: str
    given_name: str
    native_name: str
    email: str
    nationality: str
    affiliations: list[AffiliationOut]

    @staticmethod
    def resolve_nationality(obj: Any) -> str:
        return str(obj.nationality.code or "")

    @staticmethod
    def resolve_affiliations(obj: Any) -> list[Any]:
        # Only the affiliations the viewer may see, prefetched by the selector.
        return list(getattr(obj, "visible_affiliations", []))


class PersonPage(Schema):
    items: list[PersonOut]
    count: int
    page: int
    page_size: int


# --- Accounts ---------------------------------------------------------------------------------


class MembershipOut(Schema):
    organisation_id: int
    organisation_name: str
    role: str


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    language: str
    is_platform_admin: bool
    person_id: int | None
    memberships: list[MembershipOut]


# --- Notifications ----------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(Schema):
    items: list[NotificationOut]
    count: int
    unread: int
    page: int
    page_size: int


class MarkedOut(Schema):
    marked: int
