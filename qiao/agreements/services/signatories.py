"""Signatories: who signed for each party, fixed once the agreement is signed."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qiao.agreements.models import (
    PRE_SIGNATURE,
    Agreement,
    Party,
    Signatory,
)
from qiao.agreements.services._common import add_error, audit, errors_or_none, lock
from qiao.core.models import Affiliation, AffiliationKind, Person
from qiao.core.types import Actor

# --- Signatories ------------------------------------------------------------------------------


def signatory_candidates(agreement: Agreement) -> Any:
    """People who may sign for a party: staff, teachers and mentors of the party
    organisations (and the student of an internship agreement)."""
    from django.db.models import Q

    orgs = list(
        agreement.parties.filter(organisation__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )
    people = list(
        agreement.parties.filter(person__isnull=False).values_list("person_id", flat=True)
    )
    working = Affiliation.objects.filter(organisation_id__in=orgs).exclude(
        kind=AffiliationKind.STUDENT
    )
    return Person.objects.filter(Q(pk__in=working.values("person_id")) | Q(pk__in=people)).order_by(
        "family_name", "given_name", "id"
    )


@transaction.atomic
def signatory_add(
    *, actor: Actor, agreement: Agreement, party: Party, person: Person, title: str = ""
) -> Signatory:
    """Record who signed for a party (before the agreement is marked signed). The person must
    work for the party organisation (staff, teacher or mentor), or be the student party."""
    agreement = lock(agreement)
    errors: dict[str, list[str]] = {}
    if agreement.status not in PRE_SIGNATURE:
        add_error(errors, "person", _("Signatories are fixed once the agreement is signed."))
    if party.agreement_id != agreement.pk:
        add_error(errors, "party", _("That party is not party to this agreement."))
    elif party.person_id is not None and party.person_id != person.pk:
        add_error(errors, "person", _("The student signs for themself."))
    elif (
        party.organisation_id is not None
        and not person.affiliations.filter(organisation_id=party.organisation_id)
        .exclude(kind=AffiliationKind.STUDENT)
        .exists()
    ):
        add_error(
            errors,
            "person",
            _("%(person)s does not work for %(org)s.")
            % {"person": person, "org": party.organisation},
        )
    if Signatory.objects.filter(agreement=agreement, person=person).exists():
        add_error(
            errors, "person", _("%(person)s already signed this agreement.") % {"person": person}
        )
    title = (title or "").strip()
    if len(title) > 200:
        add_error(errors, "title", _("At most 200 characters."))
    errors_or_none(errors)
    signatory = Signatory.objects.create(
        agreement=agreement,
        party=party,
        person=person,
        title=title,
        order=Signatory.objects.filter(party=party).count(),
    )
    audit(
        actor=actor,
        action="agreement.signatory_add",
        agreement=agreement,
        instance=signatory,
        changes={"person": [None, person.pk], "party": [None, party.pk], "title": [None, title]},
    )
    return signatory


@transaction.atomic
def signatory_remove(*, actor: Actor, signatory: Signatory) -> None:
    agreement = lock(signatory.agreement)
    if agreement.status not in PRE_SIGNATURE:
        raise ValidationError(_("Signatories are fixed once the agreement is signed."))
    audit(
        actor=actor,
        action="agreement.signatory_remove",
        agreement=agreement,
        instance=signatory,
        changes={"person": [signatory.person_id, None], "title": [signatory.title, None]},
    )
    signatory.delete()
