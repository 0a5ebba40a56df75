"""Agreements: parties, signatories, commitments, documents, the contribution ledger, the
cooperation timeline and the taxonomy of cooperation areas; committees, meetings, decisions
and action items."""

from qiao.agreements.models.agreements import (
    CLOSED,
    IN_FORCE,
    PRE_SIGNATURE,
    Agreement,
    AgreementKind,
    AgreementQuerySet,
    AgreementStatus,
    Party,
    PartyRole,
    ReminderKind,
    ReminderSent,
    Signatory,
)
from qiao.agreements.models.areas import CooperationArea
from qiao.agreements.models.commitments import Commitment, KpiPeriod, Recurrence
from qiao.agreements.models.committees import (
    PENDING,
    ActionItem,
    ActionItemReminder,
    ActionItemStatus,
    ActionReminderKind,
    Committee,
    CommitteeMember,
    CommitteeRole,
    Decision,
    Meeting,
    MeetingAttachment,
)
from qiao.agreements.models.documents import Document, DocumentKind, DocumentVersion
from qiao.agreements.models.ledger import (
    INPUT_KINDS,
    KIND_MEASURE,
    OUTPUT_KINDS,
    Contribution,
    ContributionKind,
    Direction,
)
from qiao.agreements.models.timeline import Event, EventKind, EventPhoto

__all__ = [
    "CLOSED",
    "INPUT_KINDS",
    "IN_FORCE",
    "KIND_MEASURE",
    "OUTPUT_KINDS",
    "PENDING",
    "PRE_SIGNATURE",
    "ActionItem",
    "ActionItemReminder",
    "ActionItemStatus",
    "ActionReminderKind",
    "Agreement",
    "AgreementKind",
    "AgreementQuerySet",
    "AgreementStatus",
    "Commitment",
    "Committee",
    "CommitteeMember",
    "CommitteeRole",
    "Contribution",
    "ContributionKind",
    "CooperationArea",
    "Decision",
    "Direction",
    "Document",
    "DocumentKind",
    "DocumentVersion",
    "Event",
    "EventKind",
    "EventPhoto",
    "KpiPeriod",
    "Meeting",
    "MeetingAttachment",
    "Party",
    "PartyRole",
    "Recurrence",
    "ReminderKind",
    "ReminderSent",
    "Signatory",
]
