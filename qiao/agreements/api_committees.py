"""JSON API of committees, meetings, decisions and action items, mounted under
/api/v1/agreements by qiao/agreements/api.py. Same selectors, services and permissions as the
pages: committees the viewer may not see answer 404, seen but not managed 403, bad input 422.

Paths have two segments or more, so that none is taken for the agreement's `/{pk}`.

No `from __future__ import annotations` here: django-ninja resolves the annotations at import.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.errors import HttpError

from qiao.agreements import permissions as agreement_perms
from qiao.agreements import selectors, services
from qiao.agreements.filters import ActionItemFilter
from qiao.agreements.models import ActionItem, ActionItemStatus, Commitment, Committee, Meeting
from qiao.agreements.schemas import MAX_ID
from qiao.agreements.schemas_committees import (
    ActionItemIn,
    ActionItemOut,
    ActionItemPage,
    CommitteeIn,
    CommitteeOut,
    DecisionIn,
    DecisionOut,
    MeetingIn,
    MeetingOut,
    MeetingPatch,
    MemberIn,
    MemberOut,
    StatusIn,
)
from qiao.agreements.selectors import committees as committee_selectors
from qiao.core import permissions as perms
from qiao.core.models import Organisation, Person
from qiao.core.schemas import ErrorOut

router = Router(tags=["committees"])
ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 422), ErrorOut)
ID = Path(..., ge=1, le=MAX_ID)


def _committee(request: HttpRequest, pk: int, *, manage: bool = False) -> Committee:
    committee = committee_selectors.committee_get(viewer=request.user, pk=pk)
    if committee is None:
        raise Http404
    if manage:
        perms.require(agreement_perms.can_manage_committee(request.user, committee))
    return committee


def _meeting(request: HttpRequest, pk: int, *, manage: bool = False) -> Meeting:
    meeting = committee_selectors.meeting_get(viewer=request.user, pk=pk)
    if meeting is None:
        raise Http404
    if manage:
        perms.require(agreement_perms.can_manage_committee(request.user, meeting.committee))
    return meeting


def _item_out(item: ActionItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "decision_id": item.decision_id,
        "text": item.text,
        "owner_id": item.owner_id,
        "owner": str(item.owner),
        "due_date": item.due_date,
        "status": item.status,
        "done_on": item.done_on,
        "overdue": item.is_overdue(),
        "committee_id": item.decision.meeting.committee_id,
        "meeting_id": item.decision.meeting_id,
    }


def _committee_out(committee: Committee) -> dict[str, Any]:
    return {
        "id": committee.pk,
        "name": committee.name,
        "charter": committee.charter,
        "agreement_ids": sorted(committee.agreements.values_list("pk", flat=True)),
        "members": [
            {
                "id": m.pk,
                "person_id": m.person_id,
                "name": str(m.person),
                "organisation_id": m.organisation_id,
                "organisation": str(m.organisation),
                "role": m.role,
            }
            for m in committee.members.select_related("person", "organisation")
        ],
    }


def _meeting_out(request: HttpRequest, pk: int) -> dict[str, Any]:
    meeting = _meeting(request, pk)
    return {
        "id": meeting.pk,
        "committee_id": meeting.committee_id,
        "title": meeting.title,
        "date": meeting.date,
        "place": meeting.place,
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "attendee_ids": sorted(p.pk for p in meeting.attendees.all()),
        "decisions": [
            {
                "id": d.pk,
                "text": d.text,
                "commitment_ids": sorted(c.pk for c in d.commitments.all()),
                "action_items": [
                    _item_out(i)
                    for i in d.action_items.select_related("owner", "decision__meeting")
                ],
            }
            for d in meeting.decisions.all()
        ],
    }


def _people(ids: list[int], field: str) -> list[Person]:
    found = Person.objects.in_bulk(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({field: [_("No person has the id %(id)s.") % {"id": missing[0]}]})
    return [found[i] for i in ids]


# --- Committees -------------------------------------------------------------------------------


@router.get("/{pk}/committees", response={200: list[CommitteeOut], **ERRORS})
def committee_list(request: HttpRequest, pk: int = ID) -> Any:
    """The agreement's committees that the viewer may see (members and coordinators)."""
    agreement = selectors.agreement_get(viewer=request.user, pk=pk)
    if agreement is None:
        raise Http404
    return [
        _committee_out(c)
        for c in committee_selectors.committees_for_agreement(
            viewer=request.user, agreement=agreement
        )
    ]


@router.post("/{pk}/committees", response={201: CommitteeOut, **ERRORS})
def committee_create(request: HttpRequest, payload: CommitteeIn, pk: int = ID) -> Status:
    """Set up a committee for this agreement (and `also_agreement_ids`): coordinators of the
    parties of every one of them."""
    visible = selectors.agreement_list(viewer=request.user)
    agreement = visible.filter(pk=pk).first()
    if agreement is None:
        raise Http404
    ids = set(payload.also_agreement_ids) - {pk}
    others = list(visible.filter(pk__in=ids))
    if len(others) != len(ids):
        raise ValidationError({"also_agreement_ids": [_("No agreement has one of these ids.")]})
    chosen = [agreement, *others]
    perms.require(agreement_perms.can_create_committee(request.user, chosen))
    committee = services.committee_create(
        actor=request.user, name=payload.name, charter=payload.charter, agreements=chosen
    )
    return Status(201, _committee_out(committee))


@router.get("/committees/{pk}", response={200: CommitteeOut, **ERRORS})
def committee_get(request: HttpRequest, pk: int = ID) -> Any:
    return _committee_out(_committee(request, pk))


@router.post("/committees/{pk}/members", response={201: MemberOut, **ERRORS})
def member_add(request: HttpRequest, payload: MemberIn, pk: int = ID) -> Status:
    committee = _committee(request, pk, manage=True)
    person = _people([payload.person_id], "person_id")[0]
    organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
    if organisation is None:
        raise ValidationError({"organisation_id": [_("No organisation has this id.")]})
    m = services.member_add(
        actor=request.user,
        committee=committee,
        person=person,
        organisation=organisation,
        role=payload.role.value,
    )
    return Status(
        201,
        {
            "id": m.pk,
            "person_id": m.person_id,
            "name": str(m.person),
            "organisation_id": m.organisation_id,
            "organisation": str(m.organisation),
            "role": m.role,
        },
    )


# --- Meetings ---------------------------------------------------------------------------------


@router.get("/committees/{pk}/meetings", response={200: list[MeetingOut], **ERRORS})
def meeting_list(request: HttpRequest, pk: int = ID) -> Any:
    committee = _committee(request, pk)
    return [_meeting_out(request, m.pk) for m in committee.meetings.order_by("-date", "-id")]


@router.post("/committees/{pk}/meetings", response={201: MeetingOut, **ERRORS})
def meeting_create(request: HttpRequest, payload: MeetingIn, pk: int = ID) -> Status:
    committee = _committee(request, pk, manage=True)
    data = payload.model_dump(exclude={"attendee_ids"})
    meeting = services.meeting_create(
        actor=request.user,
        committee=committee,
        attendees=_people(payload.attendee_ids, "attendee_ids"),
        **data,
    )
    return Status(201, _meeting_out(request, meeting.pk))


@router.get("/meetings/{pk}", response={200: MeetingOut, **ERRORS})
def meeting_get(request: HttpRequest, pk: int = ID) -> Any:
    return _meeting_out(request, pk)


@router.patch("/meetings/{pk}", response={200: MeetingOut, **ERRORS})
def meeting_update(request: HttpRequest, payload: MeetingPatch, pk: int = ID) -> Any:
    meeting = _meeting(request, pk, manage=True)
    data = payload.model_dump(exclude_unset=True)
    for name in ("title", "date"):
        if name in data and data[name] is None:
            raise ValidationError({name: [_("This field cannot be null.")]})
    data = {k: ("" if v is None else v) for k, v in data.items()}
    attendees = None
    if "attendee_ids" in data:
        attendees = _people(data.pop("attendee_ids") or [], "attendee_ids")
    services.meeting_update(actor=request.user, meeting=meeting, attendees=attendees, **data)
    return _meeting_out(request, pk)


@router.post("/meetings/{pk}/decisions", response={201: DecisionOut, **ERRORS})
def decision_create(request: HttpRequest, payload: DecisionIn, pk: int = ID) -> Status:
    meeting = _meeting(request, pk, manage=True)
    found = Commitment.objects.in_bulk(payload.commitment_ids)
    if len(found) != len(set(payload.commitment_ids)):
        raise ValidationError({"commitment_ids": [_("No commitment has one of these ids.")]})
    decision = services.decision_create(
        actor=request.user, meeting=meeting, text=payload.text, commitments=found.values()
    )
    return Status(
        201,
        {
            "id": decision.pk,
            "text": decision.text,
            "commitment_ids": sorted(found),
            "action_items": [],
        },
    )


# --- Action items -----------------------------------------------------------------------------


@router.get("/action-items/mine", response={200: ActionItemPage, **ERRORS})
def my_action_items(
    request: HttpRequest,
    status: ActionItemStatus | None = None,
    overdue: bool | None = None,
    page: int = Query(1, ge=1, le=1_000_000),
    page_size: int = Query(50, ge=1, le=100),
) -> dict[str, Any]:
    """The authenticated person's own action items, by due date."""
    unknown = sorted(set(request.GET) - {"status", "overdue", "page", "page_size"})
    if unknown:
        raise HttpError(400, f"Unknown query parameter: {', '.join(unknown)}.")
    data = {}
    if status is not None:
        data["status"] = status.value
    if overdue is not None:
        data["overdue"] = "yes" if overdue else "no"
    fs = ActionItemFilter(
        data, queryset=committee_selectors.my_action_items(viewer=request.user), request=request
    )
    qs = fs.qs.order_by("due_date", "pk")
    offset = (page - 1) * page_size
    return {
        "items": [_item_out(i) for i in qs[offset : offset + page_size]],
        "count": qs.count(),
        "page": page,
        "page_size": page_size,
    }


@router.post("/decisions/{pk}/action-items", response={201: ActionItemOut, **ERRORS})
def action_item_create(request: HttpRequest, payload: ActionItemIn, pk: int = ID) -> Status:
    decision = committee_selectors.decision_get(viewer=request.user, pk=pk)
    if decision is None:
        raise Http404
    perms.require(agreement_perms.can_manage_committee(request.user, decision.meeting.committee))
    item = services.action_item_create(
        actor=request.user,
        decision=decision,
        text=payload.text,
        owner=_people([payload.owner_id], "owner_id")[0],
        due_date=payload.due_date,
    )
    return Status(201, _item_out(item))


@router.post("/action-items/{pk}/status", response={200: ActionItemOut, **ERRORS})
def action_item_status(request: HttpRequest, payload: StatusIn, pk: int = ID) -> Any:
    """Move an action item along (its owner, or the committee's managers); a 422 says why a
    step is refused."""
    item = committee_selectors.action_item_get(viewer=request.user, pk=pk)
    if item is None:
        raise Http404
    perms.require(
        agreement_perms.can_update_action_item(request.user, item, item.decision.meeting.committee)
    )
    item = services.action_item_set_status(
        actor=request.user, item=item, status=payload.status.value, on=payload.on
    )
    return _item_out(committee_selectors.action_item_get(viewer=request.user, pk=item.pk))  # type: ignore[arg-type]
