"""Agreements: create, update, lifecycle transitions, renewals, expiry, signatories.

Every function is keyword-only, atomic and audited (one entry per party organisation). Bad input
raises ValidationError naming the field, and nothing is changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qiao.agreements import conf
from qiao.agreements.currencies import is_currency
from qiao.agreements.models import (
    CLOSED,
    PRE_SIGNATURE,
    Agreement,
    AgreementKind,
    AgreementStatus,
    CooperationArea,
    Party,
    PartyRole,
)
from qiao.agreements.services._common import (
    add_error,
    audit,
    errors_or_none,
    fmt_date,
    lock,
    user_or_none,
)
from qiao.core.audit import diff, snapshot
from qiao.core.models import Organisation, Person
from qiao.core.services._base import assign
from qiao.core.types import Actor

S = AgreementStatus  # shorthand, also used by the lifecycle module

UPDATABLE = (
    "kind",
    "reference",
    "title",
    "title_en",
    "title_zh",
    "summary",
    "parent",
    "valid_from",
    "valid_to",
    "remind_days_before",
    "currency",
)
# Fields that make up what was agreed: fixed once the agreement is signed.
FIXED_AFTER_SIGNATURE = ("kind", "parent")


@dataclass(frozen=True)
class PartySpec:
    """A party as given to the services: an organisation with a role, or (internship
    agreements) the student as a person."""

    role: str
    organisation: Organisation | None = None
    person: Person | None = None

    @property
    def key(self) -> tuple[str, int]:
        if self.organisation is not None:
            return ("o", self.organisation.pk)
        assert self.person is not None
        return ("p", self.person.pk)

    def describe(self) -> str:
        return f"{self.key[0]}{self.key[1]}:{self.role}"


# --- Validation -----------------------------------------------------------------------------


def _check_parties(kind: str, parties: Sequence[PartySpec], errors: dict[str, list[str]]) -> None:
    seen: set[tuple[str, int]] = set()
    for spec in parties:
        if (spec.organisation is None) == (spec.person is None):
            add_error(errors, "parties", _("Each party is either an organisation or a person."))
            return
        if spec.role not in PartyRole.values:
            add_error(errors, "parties", _("Unknown party role “%(role)s”.") % {"role": spec.role})
            return
        if spec.key in seen:
            add_error(
                errors,
                "parties",
                _("%(party)s is listed twice: a party appears once per agreement.")
                % {"party": spec.organisation or spec.person},
            )
            return
        seen.add(spec.key)
        if spec.person is not None and spec.role != PartyRole.STUDENT:
            add_error(errors, "parties", _("A person can only be a party as the student."))
        if spec.organisation is not None and spec.role == PartyRole.STUDENT:
            add_error(errors, "parties", _("The student party is a person, not an organisation."))
        if (
            spec.organisation is not None
            and spec.role == PartyRole.SCHOOL
            and not spec.organisation.is_school
        ):
            add_error(
                errors,
                "parties",
                _("%(org)s is not a school; give it another role.") % {"org": spec.organisation},
            )
    if errors.get("parties"):
        return
    org_parties = [p for p in parties if p.organisation is not None]
    if kind == AgreementKind.INTERNSHIP:
        roles = sorted(p.role for p in parties)
        if (
            len(parties) != 3
            or roles.count(PartyRole.STUDENT) != 1
            or PartyRole.SCHOOL not in roles
        ):
            add_error(
                errors,
                "parties",
                _("A three-party internship agreement has a school, a host and the student."),
            )
    elif any(p.person is not None for p in parties):
        add_error(errors, "parties", _("Only internship agreements have a student as a party."))
    elif len(org_parties) < 2:
        add_error(errors, "parties", _("An agreement has at least two parties."))


def _check_parent(
    agreement: Agreement, parties: Sequence[PartySpec], errors: dict[str, list[str]]
) -> None:
    parent = agreement.parent
    if agreement.kind == AgreementKind.FRAMEWORK:
        if parent is not None:
            add_error(errors, "parent", _("A framework agreement is not under another agreement."))
        return
    if parent is None:
        if agreement.kind == AgreementKind.SPECIFIC:
            add_error(
                errors, "parent", _("A specific agreement is made under a framework agreement.")
            )
        return
    if agreement.pk is not None and parent.pk == agreement.pk:
        add_error(errors, "parent", _("An agreement cannot be under itself."))
        return
    if parent.kind != AgreementKind.FRAMEWORK:
        add_error(errors, "parent", _("The agreement above must be a framework agreement."))
        return
    if parent.status == S.TERMINATED:
        add_error(errors, "parent", _("That framework agreement was terminated."))
        return
    framework_orgs = set(
        parent.parties.filter(organisation__isnull=False).values_list("organisation_id", flat=True)
    )
    outside = [p.organisation for p in parties if p.organisation is not None]
    outside = [o for o in outside if o is not None and o.pk not in framework_orgs]
    if outside:
        add_error(
            errors,
            "parent",
            _("%(orgs)s not party to the framework agreement “%(framework)s”.")
            % {"orgs": ", ".join(str(o) for o in outside), "framework": parent},
        )


def _check_renewal_overlap(
    *, original: Agreement, valid_from: dt.date | None, errors: dict[str, list[str]]
) -> None:
    if original.valid_to is None or valid_from is None:
        return
    if original.valid_from is not None and valid_from <= original.valid_from:
        add_error(
            errors,
            "valid_from",
            _("A renewal starts after the agreement it renews (which started on %(day)s).")
            % {"day": fmt_date(original.valid_from)},
        )
        return
    overlap = (original.valid_to - valid_from).days + 1
    grace = conf.AGREEMENT_RENEWAL_GRACE_DAYS
    if overlap > grace:
        add_error(
            errors,
            "valid_from",
            _(
                "The renewal would overlap the agreement it renews by %(days)s days (it runs "
                "until %(end)s); at most %(grace)s days of overlap are allowed."
            )
            % {"days": overlap, "end": fmt_date(original.valid_to), "grace": grace},
        )


def _check_terms(agreement: Agreement, errors: dict[str, list[str]]) -> None:
    """Field rules, checked before the model's constraints so that messages name the field."""
    try:
        agreement.clean_fields(exclude=["parent", "renews", "created_by"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                add_error(errors, field, message)
    if errors:
        return
    if agreement.kind not in AgreementKind.values:
        add_error(errors, "kind", _("Unknown kind of agreement."))
    vf, vt = agreement.valid_from, agreement.valid_to
    if vf is not None and vt is not None and vt < vf:
        add_error(errors, "valid_to", _("The validity ends before it starts."))
    agreement.currency = (agreement.currency or "").strip().upper()
    if not is_currency(agreement.currency):
        add_error(errors, "currency", _("Use an ISO 4217 currency code, such as CNY, USD or KES."))
    agreement.reference = (agreement.reference or "").strip()
    if (
        agreement.reference
        and Agreement.objects.filter(reference=agreement.reference)
        .exclude(pk=agreement.pk)
        .exists()
    ):
        add_error(errors, "reference", _("Another agreement has this reference."))
    if agreement.status in (S.ACTIVE, S.EXPIRED) and (vf is None or vt is None):
        add_error(errors, "valid_to", _("An active agreement keeps its validity period."))


def _check_areas(areas: Iterable[CooperationArea], errors: dict[str, list[str]]) -> None:
    retired = [a for a in areas if not a.is_active]
    if retired:
        add_error(
            errors,
            "areas",
            _("These areas are no longer in use: %(areas)s.")
            % {"areas": ", ".join(str(a) for a in retired)},
        )


# --- Parties ----------------------------------------------------------------------------------


def party_key(party: Party) -> tuple[str, int]:
    if party.organisation_id is not None:
        return ("o", party.organisation_id)
    assert party.person_id is not None
    return ("p", party.person_id)


def _describe_parties(agreement: Agreement) -> list[str]:
    return [
        f"{party_key(p)[0]}{party_key(p)[1]}:{p.role}"
        for p in agreement.parties.order_by("order", "id")
    ]


def _write_parties(agreement: Agreement, parties: Sequence[PartySpec]) -> None:
    """Make the agreement's parties exactly `parties` (in order), keeping existing rows."""
    existing = {party_key(p): p for p in agreement.parties.all()}
    wanted = {spec.key for spec in parties}
    for key, party in existing.items():
        if key in wanted:
            continue
        if party.commitments.exists() or party.contributions.exists():
            raise ValidationError(
                {
                    "parties": _(
                        "%(party)s owns commitments or contributions; move or delete them "
                        "before removing the party."
                    )
                    % {"party": party.member}
                }
            )
        party.delete()  # its signatories go with it (only before signature)
    for order, spec in enumerate(parties):
        kept = existing.get(spec.key)
        if kept is None:
            Party.objects.create(
                agreement=agreement,
                organisation=spec.organisation,
                person=spec.person,
                role=spec.role,
                order=order,
            )
        elif kept.role != spec.role or kept.order != order:
            kept.role, kept.order = spec.role, order
            kept.save(update_fields=["role", "order"])


def _check_children_within(agreement: Agreement, parties: Sequence[PartySpec]) -> None:
    """A framework's parties cannot shrink below those of the agreements under it."""
    if agreement.pk is None or agreement.kind != AgreementKind.FRAMEWORK:
        return
    orgs = {p.organisation.pk for p in parties if p.organisation is not None}
    child_orgs = set(
        Party.objects.filter(agreement__parent=agreement, organisation__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )
    if child_orgs - orgs:
        raise ValidationError(
            {"parties": _("Agreements under this framework involve a party you removed.")}
        )


# --- Create and update ------------------------------------------------------------------------


@transaction.atomic
def agreement_create(
    *,
    actor: Actor,
    kind: str,
    title: str,
    parties: Sequence[PartySpec],
    areas: Iterable[CooperationArea] = (),
    renews: Agreement | None = None,
    **fields: Any,
) -> Agreement:
    """Create an agreement (a draft) with its parties and areas.

    `fields` are any of UPDATABLE. Raises ValidationError naming the field: fewer than two
    parties, a party twice, a specific agreement without a framework (or with parties outside
    it), validity ending before it starts, an unknown currency, a reference already used."""
    unknown = set(fields) - set(UPDATABLE)
    if unknown:
        raise TypeError(f"agreement_create cannot set {sorted(unknown)}")
    areas = list(areas)
    agreement = Agreement(kind=kind, title=(title or "").strip(), renews=renews)
    assign(agreement, fields)
    agreement.created_by = user_or_none(actor)
    errors: dict[str, list[str]] = {}
    _check_terms(agreement, errors)
    _check_parties(kind, parties, errors)
    if not errors:
        _check_parent(agreement, parties, errors)
    _check_areas(areas, errors)
    if renews is not None:
        _check_renewal_overlap(original=renews, valid_from=agreement.valid_from, errors=errors)
    errors_or_none(errors)
    try:
        with transaction.atomic():
            agreement.save()
    except IntegrityError:
        raise ValidationError(
            {"renews": _("This agreement has already been renewed.")}
            if renews is not None
            else {"reference": _("Another agreement has this reference.")}
        ) from None
    _write_parties(agreement, parties)
    agreement.areas.set(areas)
    audit(
        actor=actor,
        action="agreement.create",
        agreement=agreement,
        changes={
            **{k: [None, v] for k, v in snapshot(agreement).items() if v not in (None, "")},
            "parties": [None, [p.describe() for p in parties]],
            "areas": [None, sorted(a.code for a in areas)],
        },
    )
    return agreement


@transaction.atomic
def agreement_update(
    *,
    actor: Actor,
    agreement: Agreement,
    parties: Sequence[PartySpec] | None = None,
    areas: Iterable[CooperationArea] | None = None,
    **fields: Any,
) -> Agreement:
    """Change an agreement's terms, parties (before signature only) and areas. Nothing is
    written or audited when nothing changed. A closed agreement cannot be changed."""
    unknown = set(fields) - set(UPDATABLE)
    if unknown:
        raise TypeError(f"agreement_update cannot change {sorted(unknown)}")
    agreement = lock(agreement)
    if agreement.effective_status() in CLOSED:
        raise ValidationError(
            _("This agreement is %(status)s: it can no longer be changed. Renew it instead.")
            % {"status": agreement.effective_status_label()}
        )
    before = snapshot(agreement)
    before_parties = _describe_parties(agreement)
    before_areas = sorted(agreement.areas.values_list("code", flat=True))
    assign(agreement, fields)
    errors: dict[str, list[str]] = {}
    signed = agreement.status not in PRE_SIGNATURE
    if signed:
        after = snapshot(agreement)
        for name in FIXED_AFTER_SIGNATURE:
            attname = getattr(Agreement._meta.get_field(name), "attname", name)
            if after[attname] != before[attname]:
                add_error(errors, name, _("This cannot change once the agreement is signed."))
    current_parties = parties
    if current_parties is None:
        current_parties = [
            PartySpec(role=p.role, organisation=p.organisation, person=p.person)
            for p in agreement.parties.select_related("organisation", "person")
        ]
    elif signed and [p.describe() for p in current_parties] != before_parties:
        add_error(errors, "parties", _("The parties cannot change once the agreement is signed."))
    _check_terms(agreement, errors)
    if parties is not None:
        _check_parties(agreement.kind, parties, errors)
    if not errors:
        _check_parent(agreement, current_parties, errors)
    area_list = list(areas) if areas is not None else None
    if area_list is not None:
        # Keeping a retired area is fine; adding one is not.
        _check_areas([a for a in area_list if a.code not in before_areas], errors)
    if (
        agreement.renews_id is not None
        and snapshot(agreement, ["valid_from"])["valid_from"] != before["valid_from"]
    ):
        assert agreement.renews is not None
        _check_renewal_overlap(
            original=agreement.renews, valid_from=agreement.valid_from, errors=errors
        )
    errors_or_none(errors)
    if parties is not None:
        _check_children_within(agreement, parties)
    changes = diff(before, snapshot(agreement))
    if changes:
        agreement.save()
    if parties is not None:
        _write_parties(agreement, parties)
        after_parties = _describe_parties(agreement)
        if after_parties != before_parties:
            changes["parties"] = [before_parties, after_parties]
    if area_list is not None:
        after_areas = sorted(a.code for a in area_list)
        if after_areas != before_areas:
            agreement.areas.set(area_list)
            changes["areas"] = [before_areas, after_areas]
    if changes:
        audit(actor=actor, action="agreement.update", agreement=agreement, changes=changes)
    return agreement
