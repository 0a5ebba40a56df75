"""API schemas of placements: separate input and output shapes. Inputs forbid unknown fields;
the services validate values and their ValidationError becomes a 422 naming the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

MAX_ID = 2**63 - 1
MAX_RANKED = 10_000  # applicants in one host's order: far above any opening's


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SiteOut(Schema):
    id: int
    name: str
    name_en: str
    kind: str
    host_id: int
    school_id: int
    agreement_id: int | None
    city: str
    country: str
    capacity: int

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.code or "")


class SitePage(Schema):
    items: list[SiteOut]
    count: int
    page: int
    page_size: int


class OpeningOut(Schema):
    id: int
    title: str
    kind: str
    status: str
    school_id: int
    host_id: int
    site_id: int | None
    start: dt.date
    end: dt.date
    seats: int
    hours_per_day: Decimal
    days_per_week: int
    night_work: bool
    forbidden_for_minors: bool
    heavy_labour: bool
    entertainment_venue: bool
    pay_amount: Decimal
    pay_currency: str
    accommodation: bool
    insurer: str
    published_at: dt.datetime | None


class OpeningPage(Schema):
    items: list[OpeningOut]
    count: int
    page: int
    page_size: int


class ViolationOut(Schema):
    rule: str
    severity: str
    message_en: str
    message_zh: str
    clause: str
    opening_id: int | None = None


class PublishOut(Schema):
    opening: OpeningOut
    warnings: list[ViolationOut]


class RoundOut(Schema):
    id: int
    name: str
    school_id: int
    status: str
    previous_id: int | None
    cohort_years: list[int]
    ranking_opens: dt.datetime
    ranking_closes: dt.datetime
    respond_by: dt.datetime
    max_choices: int
    priority_mode: str
    published_run_id: int | None


class RankingIn(InputSchema):
    opening_id: int = Field(..., ge=1, le=MAX_ID)
    action: Literal["add", "up", "down", "remove"]


class RankingOut(Schema):
    round_id: int
    max_choices: int
    open: bool
    openings: list[int]


class ApplicantOut(Schema):
    """Only what a host needs to score an applicant."""

    candidate_id: int
    opening_id: int
    name: str
    student_number: str
    major: str
    cohort_year: int | None
    choice: int
    score: Decimal | None
    interview_score: Decimal | None


class ApplicantPage(Schema):
    items: list[ApplicantOut]
    count: int
    page: int
    page_size: int


class ScoreIn(InputSchema):
    candidate_id: int = Field(..., ge=1, le=MAX_ID)
    opening_id: int = Field(..., ge=1, le=MAX_ID)
    score: Decimal = Field(..., ge=0, le=100, max_digits=6, decimal_places=2)
    interview_score: Decimal | None = Field(None, ge=0, le=100, max_digits=6, decimal_places=2)


class RunIn(InputSchema):
    proposing: Literal["students", "openings"] = "students"
    objective: Literal["stable", "welfare"] = "stable"
    tie_breaking: Literal["single", "multiple"] = "single"
    seed: int | None = Field(None, ge=0, le=MAX_ID)


class RunOut(Schema):
    id: int
    number: int
    state: str
    options: dict[str, Any]
    seed: int
    input_sha256: str
    metrics: dict[str, Any]
    verification: dict[str, Any]
    job_id: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_job_id(obj: Any) -> str | None:
        return str(obj.job_id) if obj.job_id else None


class PublishRunOut(Schema):
    offers: int


class ResultOut(Schema):
    round_id: int
    published: bool
    opening_id: int | None
    choice: int | None
    explanation: list[str]
    placement_state: str | None
    respond_by: dt.datetime | None


class AnswerIn(InputSchema):
    answer: Literal["accept", "decline"]


class HostRankingIn(InputSchema):
    """A host's whole order of an opening's applicants: candidate ids, best first, each once;
    applicants left out are unranked (an empty list clears the order)."""

    candidate_ids: list[Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]] = Field(
        ..., max_length=MAX_RANKED
    )


class HostRankingOut(Schema):
    round_id: int
    opening_id: int
    candidate_ids: list[int]
