"""Every write of the agreements app: keyword-only, atomic, audited for each party organisation.

from qiao.agreements import services
services.agreement_transition(actor=user, agreement=a, to="signed", on=day)
"""

from qiao.agreements.services.agreements import PartySpec, agreement_create, agreement_update
from qiao.agreements.services.commitments import (
    commitment_create,
    commitment_delete,
    commitment_update,
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
    "TRANSITIONS",
    "PartySpec",
    "agreement_create",
    "agreement_renew",
    "agreement_transition",
    "agreement_update",
    "agreements_expire_due",
    "allowed_next",
    "commitment_create",
    "commitment_delete",
    "commitment_update",
    "contribution_create",
    "contribution_delete",
    "document_create",
    "document_version_add",
    "event_create",
    "event_photo_add",
    "event_update",
    "reminder_recipients",
    "reminders_due",
    "reminders_send",
    "signatory_add",
    "signatory_candidates",
    "signatory_remove",
    "transition_problems",
]
