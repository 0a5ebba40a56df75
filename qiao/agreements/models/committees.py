"""The cooperation management committee: members, meetings with minutes and attachments,
decisions, and the action items that decisions create."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qiao.agreements.models.agreements import Agreement
from qiao.agreements.models.commitments import Commitment
from qiao.core.models import Organisation, Person


class Committee(models.Model):
    """A cooperation management committee: steers one agreement, or several agreements between
    the same partners (a framework and the specific agreements under it). Its charter is
    Markdown, rendered sanitised (`qiao.agreements.markdown`)."""

    name = models.CharField(_("name"), max_length=200)
    agreements = models.ManyToManyField(
        Agreement, related_name="committees", verbose_name=_("agreements")
    )
    charter = models.TextField(
        _("charter"), blank=True, help_text=_("Markdown: **bold**, lists, links.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("committee")
        verbose_name_plural = _("committees")

    def __str__(self) -> str:
        return self.name


class CommitteeRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


class CommitteeMember(models.Model):
    """A person on a committee, for one party organisation, with a role. At most one chair."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="committee_memberships",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="committee_members",
        verbose_name=_("for the party"),
    )
    role = models.CharField(_("role"), max_length=16, choices=CommitteeRole.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["committee_id", "order", "id"]
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        constraints = [
            models.UniqueConstraint(fields=["committee", "person"], name="committee_member_once"),
            models.UniqueConstraint(
                fields=["committee"], condition=Q(role="chair"), name="committee_one_chair"
            ),
            models.CheckConstraint(
                condition=Q(role__in=CommitteeRole.values), name="committee_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class Meeting(models.Model):
    """A meeting of a committee: when, where, the agenda, who attended (members only) and the
    minutes (Markdown, rendered sanitised)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("Markdown."))
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("Markdown."))
    attendees = models.ManyToManyField(
        Person, related_name="committee_meetings", blank=True, verbose_name=_("attendees")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["committee", "date"])]

    def __str__(self) -> str:
        return self.title


def attachment_upload_to(instance: MeetingAttachment, filename: str) -> str:
    """agreements/committees/<committee id>/<random>.<ext>: never overwritten, not guessable,
    served only by a permission-checked view (like agreement documents)."""
    ext = PurePath(filename).suffix.lower()[:10]
    return f"agreements/committees/{instance.meeting.committee_id}/{uuid.uuid4().hex}{ext}"


class MeetingAttachment(models.Model):
    """A file of a meeting (slides, signed minutes), checked by its bytes on upload like
    agreement documents, with its SHA-256."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["meeting_id", "id"]
        verbose_name = _("meeting attachment")
        verbose_name_plural = _("meeting attachments")

    def __str__(self) -> str:
        return self.title or self.original_name


class Decision(models.Model):
    """A decision taken at a meeting, optionally about commitments of the committee's
    agreements; it creates action items."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    commitments = models.ManyToManyField(
        Commitment, related_name="decisions", blank=True, verbose_name=_("commitments")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["meeting_id", "order", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= 80 else text[:79] + "…"


class ActionItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# Still to do: these can be overdue.
PENDING = (ActionItemStatus.OPEN, ActionItemStatus.IN_PROGRESS)


class ActionItem(models.Model):
    """Something a decision asks a committee member to do by a date. Status moves only through
    `services.action_item_set_status`; "overdue" is computed (pending and past its due date).
    `started_on`, `done_on` and `cancelled_on` date each step, so the dashboard can chart
    the items by status over time."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="action_items", verbose_name=_("owner")
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=16, choices=ActionItemStatus.choices, default=ActionItemStatus.OPEN
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionItemStatus.values), name="action_item_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(status="done") & Q(done_on__isnull=False))
                | (~Q(status="done") & Q(done_on__isnull=True)),
                name="action_item_done_has_date",
            ),
            models.CheckConstraint(
                condition=(Q(status="cancelled") & Q(cancelled_on__isnull=False))
                | (~Q(status="cancelled") & Q(cancelled_on__isnull=True)),
                name="action_item_cancelled_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "status", "due_date"]),
            models.Index(fields=["status", "due_date"]),
        ]

    def __str__(self) -> str:
        return self.text

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status in PENDING and self.due_date < (today or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def on_time(self) -> bool | None:
        """Done by its due date; None while not done."""
        if self.done_on is None:
            return None
        return self.done_on <= self.due_date


class ActionReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class ActionItemReminder(models.Model):
    """A reminder sent about an action item, so each is sent once (per due date: moving the
    due date allows a new one)."""

    action_item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=16, choices=ActionReminderKind.choices)
    for_date = models.DateField(_("due date reminded of"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("action item reminder")
        verbose_name_plural = _("action item reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["action_item", "kind", "for_date"], name="action_item_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.for_date} #{self.action_item_id}"


__all__ = [
    "PENDING",
    "ActionItem",
    "ActionItemReminder",
    "ActionItemStatus",
    "ActionReminderKind",
    "Committee",
    "CommitteeMember",
    "CommitteeRole",
    "Decision",
    "Meeting",
    "MeetingAttachment",
]
