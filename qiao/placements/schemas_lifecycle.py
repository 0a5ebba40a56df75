"""API schemas of the placement lifecycle: separate input and output shapes; inputs forbid
unknown fields; the services validate values (their ValidationError is a 422 naming the field)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from qiao.placements.schemas import MAX_ID, InputSchema


class PlacementOut(Schema):
    id: int
    state: str
    student: str
    student_id: int
    opening_id: int
    opening: str
    site_id: int | None
    host_id: int
    school_id: int
    round_id: int
    start: dt.date
    end: dt.date
    supervising_teacher_id: int | None
    mentor_id: int | None
    agreement_signed_at: dt.datetime | None
    activated_at: dt.datetime | None
    completed_at: dt.datetime | None
    terminated_at: dt.datetime | None
    termination_reason: str
    credential_id: str | None

    @staticmethod
    def resolve_student(obj: Any) -> str:
        return str(obj.student)

    @staticmethod
    def resolve_opening(obj: Any) -> str:
        return str(obj.opening.title)

    @staticmethod
    def resolve_site_id(obj: Any) -> int | None:
        return obj.opening.site_id

    @staticmethod
    def resolve_start(obj: Any) -> dt.date:
        return obj.opening.start

    @staticmethod
    def resolve_end(obj: Any) -> dt.date:
        return obj.opening.end

    @staticmethod
    def resolve_credential_id(obj: Any) -> str | None:
        return str(obj.credential_id) if obj.credential_id else None


class PlacementPage(Schema):
    items: list[PlacementOut]
    count: int
    page: int
    page_size: int


class AcceptanceOut(Schema):
    party: str
    accepted_at: dt.datetime
    sha256: str


class AgreementOut(Schema):
    version: int
    sha256: str
    acceptances: list[AcceptanceOut]


class AssignIn(InputSchema):
    supervising_teacher_id: int | None = Field(None, ge=1, le=MAX_ID)
    mentor_id: int | None = Field(None, ge=1, le=MAX_ID)


class InsuranceIn(InputSchema):
    insurer: str = Field(..., max_length=200)
    number: str = Field(..., max_length=100)
    starts: dt.date
    ends: dt.date


class AcceptIn(InputSchema):
    party: Literal["school", "host", "student"]
    sha256: str = Field(..., min_length=64, max_length=64)


class TerminateIn(InputSchema):
    reason: str = Field("", max_length=2000)


class CompleteOut(Schema):
    placement: PlacementOut
    credential_id: str | None
    note: str


class DayIn(InputSchema):
    day: dt.date
    hours: Decimal
    activities: str = Field("", max_length=2000)
    night: bool = False
    holiday: bool = Field(
        False,
        description=(
            "A local public holiday the calendar does not know. The statutory public holidays"
            " of the site's country are set by the server whatever is sent here; false cannot"
            " clear them."
        ),
    )


class TimesheetIn(InputSchema):
    week_start: dt.date
    days: list[DayIn] = Field(..., max_length=7)
    submit: bool = False


class DayOut(Schema):
    day: dt.date
    hours: Decimal
    activities: str
    night: bool
    holiday: bool = Field(
        ...,
        description="A public holiday: the site country's calendar, or the student's local tick.",
    )


class TimesheetOut(Schema):
    id: int
    placement_id: int
    week_start: dt.date
    state: str
    total_hours: Decimal
    comment: str
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    days: list[DayOut]

    @staticmethod
    def resolve_days(obj: Any) -> list[Any]:
        return list(obj.days.all())


class ReviewIn(InputSchema):
    decision: Literal["sign", "return"]
    comment: str = Field("", max_length=2000)


class EvaluationIn(InputSchema):
    role: Literal["mentor", "teacher", "student"]
    scores: dict[str, int]
    comments: str = Field("", max_length=4000)


class EvaluationOut(Schema):
    role: str
    scores: dict[str, int]
    mean: Decimal
    comments: str
    submitted_at: dt.datetime
