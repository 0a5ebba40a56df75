"""API schemas of committees, meetings, decisions and action items (input and output apart;
inputs forbid unknown fields and bound every string)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from qiao.agreements.models import ActionItemStatus, CommitteeRole
from qiao.agreements.schemas import MAX_ID, InputSchema


class MemberOut(Schema):
    id: int
    person_id: int
    name: str
    organisation_id: int
    organisation: str
    role: str


class CommitteeOut(Schema):
    id: int
    name: str
    charter: str
    agreement_ids: list[int]
    members: list[MemberOut]


class CommitteeIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    charter: str = Field("", max_length=50_000)
    also_agreement_ids: list[int] = Field(default_factory=list, max_length=20)


class MemberIn(InputSchema):
    person_id: int = Field(..., ge=1, le=MAX_ID)
    organisation_id: int = Field(..., ge=1, le=MAX_ID)
    role: CommitteeRole


class ActionItemOut(Schema):
    id: int
    decision_id: int
    text: str
    owner_id: int
    owner: str
    due_date: dt.date
    status: str
    done_on: dt.date | None
    overdue: bool
    committee_id: int
    meeting_id: int


class DecisionOut(Schema):
    id: int
    text: str
    commitment_ids: list[int]
    action_items: list[ActionItemOut]


class MeetingOut(Schema):
    id: int
    committee_id: int
    title: str
    date: dt.date
    place: str
    agenda: str
    minutes: str
    attendee_ids: list[int]
    decisions: list[DecisionOut]


class MeetingIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    date: dt.date
    place: str = Field("", max_length=200)
    agenda: str = Field("", max_length=50_000)
    minutes: str = Field("", max_length=50_000)
    attendee_ids: list[int] = Field(default_factory=list, max_length=200)


class MeetingPatch(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=200)
    date: dt.date | None = None
    place: str | None = Field(None, max_length=200)
    agenda: str | None = Field(None, max_length=50_000)
    minutes: str | None = Field(None, max_length=50_000)
    attendee_ids: list[int] | None = Field(None, max_length=200)


class DecisionIn(InputSchema):
    text: str = Field(..., min_length=1, max_length=10_000)
    commitment_ids: list[int] = Field(default_factory=list, max_length=100)


class ActionItemIn(InputSchema):
    text: str = Field(..., min_length=1, max_length=500)
    owner_id: int = Field(..., ge=1, le=MAX_ID)
    due_date: dt.date


class StatusIn(InputSchema):
    status: ActionItemStatus
    on: dt.date | None = None


class ActionItemPage(Schema):
    items: list[ActionItemOut]
    count: int
    page: int
    page_size: int
