"""Every write of the agreements app: keyword-only, atomic, audited for each party organisation.

from qiao.agreements import services
services.agreement_transition(actor=user, agreement=a, to="signed", on=day)
"""

from qiao.agreements.services.action_items import (
    STATUS_TRANSITIONS,
    action_item_create,
    action_item_set_status,
    action_item_update,
    allowed_statuses,
    decision_create,
)
from qiao.agreements.services.action_reminders import action_reminders_due, action_reminders_send
from qiao.agreements.services.agreements import PartySpec, agreement_create, agreement_update
from qiao.agreements.services.commitments import (
    commitment_create,
    commitment_delete,
    commitment_update,
)
from qiao.agreements.services.committees import (
    committee_create,
    committee_update,
    meeting_attachment_add,
    meeting_create,
    meeting_update,
    member_add,
    member_candidates,
    member_remove,
)
from qiao.agreements.services.events import event_create, event_update
from qiao.agreements.services.files import document_create, document_version_add, event_photo_add
from qiao.agreements.services.ledger import contribution_create, contribution_delete
from qiao.agreements.services.lifecycle import (
    TRANSITIONS,
    agreement_renew,
    agreement_transition,
    agreements_expire_due,
    allowed_next,
    transition_problems,
)
from qiao.agreements.services.reminders import reminder_recipients, reminders_due, reminders_send
from qiao.agreements.services.signatories import (
    signatory_add,
    signatory_candidates,
    signatory_remove,
)

__all__ = [
    "STATUS_TRANSITIONS",
    "TRANSITIONS",
    "PartySpec",
    "action_item_create",
    "action_item_set_status",
    "action_item_update",
    "action_reminders_due",
    "action_reminders_send",
    "agreement_create",
    "agreement_renew",
    "agreement_transition",
    "agreement_update",
    "agreements_expire_due",
    "allowed_next",
    "allowed_statuses",
    "commitment_create",
    "commitment_delete",
    "commitment_update",
    "committee_create",
    "committee_update",
    "contribution_create",
    "contribution_delete",
    "decision_create",
    "document_create",
    "document_version_add",
    "event_create",
    "event_photo_add",
    "event_update",
    "meeting_attachment_add",
    "meeting_create",
    "meeting_update",
    "member_add",
    "member_candidates",
    "member_remove",
    "reminder_recipients",
    "reminders_due",
    "reminders_send",
    "signatory_add",
    "signatory_candidates",
    "signatory_remove",
    "transition_problems",
]
