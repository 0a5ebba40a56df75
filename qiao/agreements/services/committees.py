"""Committees, their members, meetings and meeting attachments.

Rules: members work for a party organisation of one of the committee's agreements; at most one
chair; attendees are members; minutes and charter are Markdown (rendered sanitised, never
trusted raw); attachments are checked by their bytes like agreement documents. Every change is
audited once per party organisation of the committee's agreements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.agreements.models import (
    PENDING,
    Agreement,
    Committee,
    CommitteeMember,
    CommitteeRole,
    Meeting,
    MeetingAttachment,
    Party,
)
from qiao.agreements.services._common import add_error, errors_or_none, user_or_none
from qiao.agreements.services.files import _store, removing_files_on_error
from qiao.agreements.uploads import check_upload
from qiao.core.audit import audit_record, diff, snapshot
from qiao.core.models import Affiliation, AffiliationKind, Organisation, Person
from qiao.core.types import Actor

MAX_TEXT = 50_000


def committee_org_ids(committee: Committee) -> list[int]:
    """The party organisations of the committee's agreements, read fresh."""
    return sorted(
        set(
            Party.objects.filter(
                agreement__committees=committee, organisation__isnull=False
            ).values_list("organisation_id", flat=True)
        )
    )


def committee_audit(
    *,
    actor: Actor,
    action: str,
    committee: Committee,
    instance: Any = None,
    changes: dict[str, Any] | None = None,
) -> None:
    """One entry per party organisation of the committee's agreements (as for agreements:
    each party's administrators see the whole history of what they share)."""
    target = instance if instance is not None else committee
    extra = {"committee": [None, committee.pk]} if target is not committee else {}
    org_ids: list[int | None] = list(committee_org_ids(committee)) or [None]
    for org_id in org_ids:
        audit_record(
            actor=actor,
            action=action,
            instance=target,
            organisation=org_id,
            changes={**extra, **(changes or {})},
        )


def _check_text(errors: dict[str, list[str]], field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        add_error(errors, field, _("At most %(n)s characters.") % {"n": limit})


# --- Committees -------------------------------------------------------------------------------


def _check_committee(name: str, charter: str, agreements: list[Agreement]) -> None:
    errors: dict[str, list[str]] = {}
    if not name:
        add_error(errors, "name", _("Give the committee a name."))
    _check_text(errors, "name", name, 200)
    _check_text(errors, "charter", charter, MAX_TEXT)
    if not agreements:
        add_error(errors, "agreements", _("Choose the agreement (or agreements) it steers."))
    errors_or_none(errors)


@transaction.atomic
def committee_create(
    *, actor: Actor, name: str, agreements: Iterable[Agreement], charter: str = ""
) -> Committee:
    """A committee for one agreement, or shared by several."""
    chosen = list(dict.fromkeys(agreements))
    name, charter = (name or "").strip(), (charter or "").strip()
    _check_committee(name, charter, chosen)
    committee = Committee.objects.create(name=name, charter=charter, created_by=user_or_none(actor))
    committee.agreements.set(chosen)
    committee_audit(
        actor=actor,
        action="committee.create",
        committee=committee,
        changes={"name": [None, name], "agreements": [None, sorted(a.pk for a in chosen)]},
    )
    return committee


@transaction.atomic
def committee_update(
    *,
    actor: Actor,
    committee: Committee,
    name: str | None = None,
    charter: str | None = None,
    agreements: Iterable[Agreement] | None = None,
) -> Committee:
    before = snapshot(committee)
    before_agreements = sorted(committee.agreements.values_list("pk", flat=True))
    if name is not None:
        committee.name = name.strip()
    if charter is not None:
        committee.charter = charter.strip()
    chosen = list(dict.fromkeys(agreements)) if agreements is not None else None
    _check_committee(
        committee.name,
        committee.charter,
        chosen if chosen is not None else [committee],  # type: ignore[list-item]
    )
    if chosen is not None:
        orgs = set(
            Party.objects.filter(agreement__in=chosen, organisation__isnull=False).values_list(
                "organisation_id", flat=True
            )
        )
        stranded = committee.members.exclude(organisation_id__in=orgs)
        if stranded.exists():
            raise ValidationError(
                {
                    "agreements": _(
                        "These members would no longer work for a party: %(names)s. Remove "
                        "them first."
                    )
                    % {"names": ", ".join(str(m.person) for m in stranded.select_related("person"))}
                }
            )
    changes = diff(before, snapshot(committee))
    if changes:
        committee.save()
    if chosen is not None and sorted(a.pk for a in chosen) != before_agreements:
        committee.agreements.set(chosen)
        changes["agreements"] = [before_agreements, sorted(a.pk for a in chosen)]
    if changes:
        committee_audit(
            actor=actor, action="committee.update", committee=committee, changes=changes
        )
    return committee


# --- Members ----------------------------------------------------------------------------------


def member_candidates(committee: Committee) -> Any:
    """People working (staff, teacher, mentor) for a party organisation of the committee's
    agreements."""
    working = (
        Affiliation.objects.current()
        .filter(organisation_id__in=committee_org_ids(committee))
        .exclude(kind=AffiliationKind.STUDENT)
    )
    return Person.objects.filter(pk__in=working.values("person_id")).order_by(
        "family_name", "given_name", "id"
    )


@transaction.atomic
def member_add(
    *,
    actor: Actor,
    committee: Committee,
    person: Person,
    organisation: Organisation,
    role: str,
) -> CommitteeMember:
    """Put a person on the committee for a party organisation, which they must work for."""
    errors: dict[str, list[str]] = {}
    if role not in CommitteeRole.values:
        add_error(errors, "role", _("Choose a role."))
    if organisation.pk not in committee_org_ids(committee):
        add_error(
            errors,
            "organisation",
            _("Not a party to the committee's agreements: %(org)s.") % {"org": organisation},
        )
    elif (
        not Affiliation.objects.current()
        .filter(person=person, organisation=organisation)
        .exclude(kind=AffiliationKind.STUDENT)
        .exists()
    ):
        add_error(
            errors,
            "person",
            _("%(person)s does not work for %(org)s.") % {"person": person, "org": organisation},
        )
    if committee.members.filter(person=person).exists():
        add_error(errors, "person", _("%(person)s is already a member.") % {"person": person})
    if role == CommitteeRole.CHAIR and committee.members.filter(role=CommitteeRole.CHAIR).exists():
        add_error(errors, "role", _("The committee already has a chair."))
    errors_or_none(errors)
    order = committee.members.count()
    try:
        with transaction.atomic():
            member = CommitteeMember.objects.create(
                committee=committee,
                person=person,
                organisation=organisation,
                role=role,
                order=order,
            )
    except IntegrityError:
        raise ValidationError({"role": _("The committee already has a chair.")}) from None
    committee_audit(
        actor=actor,
        action="committee.member_add",
        committee=committee,
        instance=member,
        changes={
            "person": [None, person.pk],
            "organisation": [None, organisation.pk],
            "role": [None, role],
        },
    )
    return member


@transaction.atomic
def member_remove(*, actor: Actor, member: CommitteeMember) -> None:
    """Take someone off the committee; refused while they own pending action items."""
    committee = member.committee
    from qiao.agreements.models import ActionItem

    pending = ActionItem.objects.filter(
        owner=member.person, decision__meeting__committee=committee, status__in=PENDING
    ).count()
    if pending:
        raise ValidationError(
            _("%(person)s still owns %(n)s open action item(s): reassign or close them first.")
            % {"person": member.person, "n": pending}
        )
    committee_audit(
        actor=actor,
        action="committee.member_remove",
        committee=committee,
        instance=member,
        changes={"person": [member.person_id, None], "role": [member.role, None]},
    )
    member.delete()


# --- Meetings ---------------------------------------------------------------------------------

MEETING_FIELDS = ("title", "date", "place", "agenda", "minutes")


def _check_meeting(meeting: Meeting, attendees: list[Person] | None) -> None:
    errors: dict[str, list[str]] = {}
    meeting.title = (meeting.title or "").strip()
    meeting.place = (meeting.place or "").strip()
    meeting.agenda = (meeting.agenda or "").strip()
    meeting.minutes = (meeting.minutes or "").strip()
    if not meeting.title:
        add_error(errors, "title", _("Give the meeting a title."))
    _check_text(errors, "title", meeting.title, 200)
    _check_text(errors, "place", meeting.place, 200)
    _check_text(errors, "agenda", meeting.agenda, MAX_TEXT)
    _check_text(errors, "minutes", meeting.minutes, MAX_TEXT)
    if not isinstance(meeting.date, dt.date):
        add_error(errors, "date", _("Enter the date."))
    if attendees:
        members = set(
            meeting.committee.members.filter(person__in=attendees).values_list(
                "person_id", flat=True
            )
        )
        strangers = [p for p in attendees if p.pk not in members]
        if strangers:
            add_error(
                errors,
                "attendees",
                _("Not members of the committee: %(names)s.")
                % {"names": ", ".join(str(p) for p in strangers)},
            )
    errors_or_none(errors)


@transaction.atomic
def meeting_create(
    *,
    actor: Actor,
    committee: Committee,
    title: str,
    date: dt.date | None,
    place: str = "",
    agenda: str = "",
    minutes: str = "",
    attendees: Iterable[Person] = (),
) -> Meeting:
    people = list(dict.fromkeys(attendees))
    meeting = Meeting(
        committee=committee,
        title=title,
        date=date,  # type: ignore[misc]
        place=place,
        agenda=agenda,
        minutes=minutes,
        created_by=user_or_none(actor),
    )
    _check_meeting(meeting, people)
    meeting.save()
    meeting.attendees.set(people)
    committee_audit(
        actor=actor,
        action="meeting.create",
        committee=committee,
        instance=meeting,
        changes={
            **{k: [None, v] for k, v in snapshot(meeting).items() if k in MEETING_FIELDS and v},
            "attendees": [None, sorted(p.pk for p in people)],
        },
    )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: Actor,
    meeting: Meeting,
    attendees: Iterable[Person] | None = None,
    **fields: Any,
) -> Meeting:
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"meeting_update cannot change {sorted(unknown)}")
    before = snapshot(meeting)
    before_people = sorted(meeting.attendees.values_list("pk", flat=True))
    for name, value in fields.items():
        setattr(meeting, name, value)
    people = list(dict.fromkeys(attendees)) if attendees is not None else None
    _check_meeting(meeting, people)
    if "date" in fields:
        first_due = (
            meeting.decisions.filter(action_items__isnull=False)
            .values_list("action_items__due_date", flat=True)
            .order_by("action_items__due_date")
            .first()
        )
        if first_due is not None and first_due < meeting.date:
            raise ValidationError(
                {"date": _("An action item of this meeting is due before that date.")}
            )
    changes = diff(before, snapshot(meeting))
    if changes:
        meeting.save()
    if people is not None:
        after_people = sorted(p.pk for p in people)
        if after_people != before_people:
            meeting.attendees.set(people)
            changes["attendees"] = [before_people, after_people]
    if changes:
        committee_audit(
            actor=actor,
            action="meeting.update",
            committee=meeting.committee,
            instance=meeting,
            changes=changes,
        )
    return meeting


@transaction.atomic
def meeting_attachment_add(
    *, actor: Actor, meeting: Meeting, file: Any, title: str = ""
) -> MeetingAttachment:
    """Attach a file (PDF, Word, Excel, PNG or JPEG, at most the document size limit), checked
    by its bytes; kept under a random name with its SHA-256."""
    title = (title or "").strip()
    errors: dict[str, list[str]] = {}
    _check_text(errors, "title", title, 200)
    checked = None
    try:
        checked = check_upload(file, field="file")
    except ValidationError as error:
        errors.update(error.message_dict)
    errors_or_none(errors)
    assert checked is not None
    attachment = MeetingAttachment(
        meeting=meeting,
        title=title,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=user_or_none(actor),
    )
    stored: list[str] = []
    with removing_files_on_error(stored):
        _store(attachment.file, file, checked.name, stored)
        attachment.save()
    committee_audit(
        actor=actor,
        action="meeting.attachment_add",
        committee=meeting.committee,
        instance=attachment,
        changes={
            "meeting": [None, meeting.pk],
            "original_name": [None, attachment.original_name],
            "sha256": [None, attachment.sha256],
            "size": [None, attachment.size],
        },
    )
    return attachment


def today_or(day: dt.date | None) -> dt.date:
    return day or timezone.localdate()
