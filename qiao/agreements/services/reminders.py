"""Expiry reminders (`qiao agreements_remind`, daily): an email and an in-app notification to
the coordinators of every party organisation, `remind_days_before` days before an agreement's
validity ends.

Each reminder is recorded (agreement, kind, date reminded of) under a unique constraint before
it is sent, so a reminder is never sent twice — not by a second run, not by two runs at once. The
mail goes out after the record is committed; if sending fails, the record is removed so that the
next run tries again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from qiao.agreements.models import IN_FORCE, Agreement, ReminderKind, ReminderSent
from qiao.core.models import Membership, Role

logger = logging.getLogger("qiao.agreements")
# remind_days_before is at most 365 (a model constraint): nothing further away is ever due.
MAX_WINDOW = 366


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str


def reminder_recipients(agreement: Agreement) -> list[Recipient]:
    """Active accounts with at least the coordinator role in a party organisation."""
    org_ids = agreement.parties.filter(organisation__isnull=False).values("organisation_id")
    memberships = (
        Membership.objects.filter(
            organisation_id__in=org_ids,
            role__in=[Role.COORDINATOR, Role.ADMIN],
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__email")
    )
    seen: dict[str, Recipient] = {}
    for m in memberships:
        seen.setdefault(
            m.user.email,
            Recipient(email=m.user.email, name=str(m.user), language=m.user.language),
        )
    return list(seen.values())


def reminders_due(*, today: dt.date | None = None) -> list[Agreement]:
    """Agreements in force whose validity ends within their reminder window and that have not
    been reminded of this end date."""
    today = today or timezone.localdate()
    reminded = ReminderSent.objects.filter(
        agreement=OuterRef("pk"), kind=ReminderKind.EXPIRY, for_date=OuterRef("valid_to")
    )
    candidates = (
        Agreement.objects.filter(
            status__in=IN_FORCE,
            valid_to__gte=today,
            valid_to__lte=today + dt.timedelta(days=MAX_WINDOW),
        )
        .exclude(Exists(reminded))
        .order_by("valid_to", "pk")
    )
    return [
        a
        for a in candidates
        if a.valid_to is not None and (a.valid_to - today).days <= a.remind_days_before
    ]


def _send(agreement_id: int, reminder_id: int, recipients: list[Recipient]) -> None:
    """Send one email per recipient, in the recipient's language. On failure: if nobody was
    reached, drop the record so the next run retries; otherwise keep it, listing only those
    reached (never twice to anyone)."""
    agreement = Agreement.objects.get(pk=agreement_id)
    url = settings.SITE_URL + reverse("agreements:agreement_detail", args=[agreement.pk])
    reached: list[str] = []
    try:
        for recipient in recipients:
            with translation.override(recipient.language or settings.LANGUAGE_CODE):
                context = {
                    "agreement": agreement,
                    "recipient": recipient,
                    "url": url,
                    "days_left": agreement.days_left(),
                }
                subject = render_to_string("agreements/emails/expiry_subject.txt", context).strip()
                body = render_to_string("agreements/emails/expiry_body.txt", context)
            send_mail(subject, body, None, [recipient.email])
            reached.append(recipient.email)
    except Exception:
        logger.exception("Expiry reminder for agreement %s failed", agreement_id)
        if reached:
            ReminderSent.objects.filter(pk=reminder_id).update(recipients=reached)
        else:
            ReminderSent.objects.filter(pk=reminder_id).delete()


def _sender(agreement_id: int, reminder_id: int, recipients: list[Recipient]) -> Callable[[], None]:
    return lambda: _send(agreement_id, reminder_id, recipients)


def _notify_in_app(agreement: Agreement, recipients: list[Recipient]) -> None:
    """The same reminder in the recipients' in-app inboxes (the email goes out separately)."""
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy

    from qiao.core.models import User
    from qiao.core.services.notifications import notify

    assert agreement.valid_to is not None
    url = reverse("agreements:agreement_detail", args=[agreement.pk])
    for user in User.objects.filter(email__in=[r.email for r in recipients], is_active=True):
        notify(
            recipient=user,
            kind="agreements.expiry",
            title=format_lazy(
                gettext_lazy("Agreement ending on {day}: {title}"),
                day=agreement.valid_to.isoformat(),
                title=agreement.title_en or agreement.title,
            ),
            body=gettext_lazy(
                "If the cooperation continues, prepare its renewal on the agreement's page."
            ),
            url=url,
        )


def reminders_send(*, today: dt.date | None = None) -> list[ReminderSent]:
    """Send the expiry reminders that are due; returns those recorded in this run."""
    today = today or timezone.localdate()
    sent: list[ReminderSent] = []
    for agreement in reminders_due(today=today):
        recipients = reminder_recipients(agreement)
        if not recipients:
            continue
        assert agreement.valid_to is not None
        try:
            with transaction.atomic():
                reminder = ReminderSent.objects.create(
                    agreement=agreement,
                    kind=ReminderKind.EXPIRY,
                    for_date=agreement.valid_to,
                    recipients=[r.email for r in recipients],
                )
                transaction.on_commit(_sender(agreement.pk, reminder.pk, recipients))
                _notify_in_app(agreement, recipients)
        except IntegrityError:
            continue  # another run recorded it first
        sent.append(reminder)
    return sent
