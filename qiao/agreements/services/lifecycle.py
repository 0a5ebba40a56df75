"""The lifecycle of agreements: transitions with what each step needs, nightly expiry,
renewals. Keyword-only, atomic, audited for every party."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.agreements.models import (
    IN_FORCE,
    Agreement,
    AgreementStatus,
    Commitment,
    DocumentKind,
)
from qiao.agreements.services._common import add_error, audit, errors_or_none, fmt_date, lock
from qiao.agreements.services.agreements import (
    PartySpec,
    S,
    agreement_create,
    party_key,
)
from qiao.core.audit import diff, snapshot
from qiao.core.types import Actor

# The lifecycle. Going back is allowed only from negotiating to draft; a closed agreement
# (expired, terminated) is renewed, never reopened.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.NEGOTIATING, S.TERMINATED),
    S.NEGOTIATING: (S.DRAFT, S.SIGNED, S.TERMINATED),
    S.SIGNED: (S.ACTIVE, S.EXPIRED, S.TERMINATED),
    S.ACTIVE: (S.EXPIRED, S.TERMINATED),
    S.EXPIRED: (),
    S.TERMINATED: (),
}


# --- Lifecycle --------------------------------------------------------------------------------


def allowed_next(agreement: Agreement, today: dt.date | None = None) -> tuple[str, ...]:
    """The statuses reachable from here. An agreement in force whose validity has ended can
    only be recorded as expired."""
    today = today or timezone.localdate()
    if agreement.status in IN_FORCE and agreement.valid_to and agreement.valid_to < today:
        return (S.EXPIRED,)
    return TRANSITIONS[agreement.status]


def transition_problems(
    agreement: Agreement,
    to: str,
    *,
    today: dt.date | None = None,
    on: dt.date | None = None,
    reason: str | None = None,
) -> dict[str, list[str]]:
    """What stands in the way of moving `agreement` to `to`, by field; empty when nothing does.
    `reason=None` skips the reason check (the page asks for it in the same form)."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if to not in S.values:
        add_error(errors, "to", _("Unknown status “%(status)s”.") % {"status": to})
        return errors
    nexts = allowed_next(agreement, today)
    if to not in nexts:
        current = AgreementStatus(agreement.effective_status(today)).label
        if nexts:
            add_error(
                errors,
                "to",
                _(
                    "This agreement is %(current)s: it cannot become %(to)s. "
                    "Next it can be: %(next)s."
                )
                % {
                    "current": str(current).lower(),
                    "to": str(S(to).label).lower(),
                    "next": ", ".join(str(S(n).label).lower() for n in nexts),
                },
            )
        else:
            add_error(
                errors,
                "to",
                _("This agreement is %(current)s: it cannot change any more. Renew it instead.")
                % {"current": str(current).lower()},
            )
        return errors
    if on is not None and on > today:
        add_error(errors, "on", _("The date cannot be in the future."))
    if to == S.SIGNED:
        parties = list(agreement.parties.select_related("organisation", "person"))
        signed_parties = set(agreement.signatories.values_list("party_id", flat=True))
        for party in parties:
            if party.pk not in signed_parties:
                add_error(
                    errors,
                    "signatories",
                    _("Add who signed for %(party)s.") % {"party": party.member},
                )
        has_copy = agreement.documents.filter(
            kind=DocumentKind.SIGNED, versions__isnull=False
        ).exists()
        if not has_copy:
            add_error(
                errors,
                "documents",
                _("Upload the signed agreement (a document of kind “%(kind)s”).")
                % {"kind": DocumentKind.SIGNED.label},
            )
    elif to == S.ACTIVE:
        if agreement.valid_from is None or agreement.valid_to is None:
            add_error(errors, "valid_to", _("Set the validity period (valid from and to) first."))
        elif agreement.valid_to < today:
            add_error(
                errors,
                "valid_to",
                _(
                    "Its validity ended on %(day)s: an expired agreement cannot be activated. "
                    "Renew it instead."
                )
                % {"day": fmt_date(agreement.valid_to)},
            )
    elif to == S.EXPIRED:
        if agreement.valid_to is None or agreement.valid_to >= today:
            add_error(
                errors,
                "valid_to",
                _("It is valid until %(day)s.") % {"day": fmt_date(agreement.valid_to)}
                if agreement.valid_to
                else _("It has no end date."),
            )
    elif to == S.TERMINATED:
        if reason is not None and len(reason.strip()) < 3:
            add_error(errors, "reason", _("Say why the agreement is terminated."))
        when = on or today
        if agreement.signed_on is not None and when < agreement.signed_on:
            add_error(errors, "on", _("It cannot end before it was signed."))
    return errors


@transaction.atomic
def agreement_transition(
    *,
    actor: Actor,
    agreement: Agreement,
    to: str,
    reason: str = "",
    on: dt.date | None = None,
    today: dt.date | None = None,
) -> Agreement:
    """Move an agreement along its lifecycle, checking what the step needs:

    - signed: a signatory for every party and an uploaded signed copy; `on` is the signing date
      (default today, never in the future);
    - active: a validity period that has not ended;
    - expired: a validity period that has ended;
    - terminated: a reason; `on` is the date it ends (default today).
    Skipping a step (draft → signed) or leaving a closed agreement is refused."""
    today = today or timezone.localdate()
    agreement = lock(agreement)
    errors = transition_problems(agreement, to, today=today, on=on, reason=reason)
    errors_or_none(errors)
    before = snapshot(agreement, ["status", "signed_on", "terminated_on", "termination_reason"])
    agreement.status = to
    if to == S.SIGNED:
        agreement.signed_on = on or today
    elif to == S.TERMINATED:
        agreement.terminated_on = on or today
        agreement.termination_reason = reason.strip()
    agreement.full_clean(exclude=["parent", "renews", "created_by"])
    agreement.save()
    changes = diff(
        before, snapshot(agreement, ["status", "signed_on", "terminated_on", "termination_reason"])
    )
    audit(actor=actor, action=f"agreement.{to}", agreement=agreement, changes=changes)
    return agreement


def agreements_expire_due(*, today: dt.date | None = None) -> list[Agreement]:
    """Record as expired every agreement in force whose validity has ended (the nightly
    `qiao agreements_expire`). Each in its own transaction; running it twice changes nothing."""
    today = today or timezone.localdate()
    expired = []
    for agreement in Agreement.objects.filter(status__in=IN_FORCE, valid_to__lt=today):
        expired.append(
            agreement_transition(actor=None, agreement=agreement, to=S.EXPIRED, today=today)
        )
    return expired


# --- Renewal ----------------------------------------------------------------------------------


@transaction.atomic
def agreement_renew(
    *,
    actor: Actor,
    agreement: Agreement,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    title: str = "",
    reference: str = "",
) -> Agreement:
    """Create the renewal of an agreement: a new draft linked to it (`renews`), with the same
    kind, framework, parties, areas and commitments (due dates moved by the same span as the
    validity). Refused when the agreement is not signed, active or expired, when it already has
    a renewal, or when the new period overlaps the old one by more than the grace period."""
    agreement = lock(agreement)
    errors: dict[str, list[str]] = {}
    if agreement.effective_status() not in (S.SIGNED, S.ACTIVE, S.EXPIRED):
        add_error(errors, "renews", _("Only a signed, active or expired agreement can be renewed."))
    existing = Agreement.objects.filter(renews=agreement).exclude(status=S.TERMINATED).first()
    if existing is not None:
        add_error(
            errors,
            "renews",
            _("It has already been renewed by “%(renewal)s”.") % {"renewal": existing},
        )
    if valid_from is None:
        add_error(errors, "valid_from", _("When does the renewal start?"))
    if valid_to is None:
        add_error(errors, "valid_to", _("When does the renewal end?"))
    errors_or_none(errors)
    parties = [
        PartySpec(role=p.role, organisation=p.organisation, person=p.person)
        for p in agreement.parties.select_related("organisation", "person").order_by("order", "id")
    ]
    renewal = agreement_create(
        actor=actor,
        kind=agreement.kind,
        title=title or agreement.title,
        title_en=agreement.title_en if not title else "",
        title_zh=agreement.title_zh if not title else "",
        summary=agreement.summary,
        parent=agreement.parent,
        reference=reference,
        valid_from=valid_from,
        valid_to=valid_to,
        remind_days_before=agreement.remind_days_before,
        currency=agreement.currency,
        parties=parties,
        areas=[a for a in agreement.areas.all() if a.is_active],
        renews=agreement,
    )
    shift = (
        valid_from - agreement.valid_from
        if valid_from is not None and agreement.valid_from is not None
        else None
    )
    new_party = {party_key(p): p for p in renewal.parties.all()}
    copies = [
        Commitment(
            agreement=renewal,
            area=c.area,
            text=c.text,
            owner=new_party[party_key(c.owner)],
            due_date=c.due_date + shift if c.due_date and shift is not None else None,
            recurrence=c.recurrence,
            kpi_metric=c.kpi_metric,
            kpi_target=c.kpi_target,
            kpi_period=c.kpi_period,
            order=c.order,
        )
        for c in agreement.commitments.select_related("owner", "area")
    ]
    Commitment.objects.bulk_create(copies)
    audit(
        actor=actor,
        action="agreement.renew",
        agreement=agreement,
        changes={"renewed_by": [None, renewal.pk], "commitments_copied": [0, len(copies)]},
    )
    return renewal
