"""Core domain: organisations, departments, people, accounts, memberships, audit, jobs."""

from qiao.core.models.accounts import ApiToken, Membership, Role, User
from qiao.core.models.audit import AuditEntry
from qiao.core.models.jobs import JobProgress, JobState, WorkerHeartbeat
from qiao.core.models.notifications import Notification
from qiao.core.models.organisations import Department, Major, Organisation, OrganisationKind
from qiao.core.models.people import Affiliation, AffiliationKind, Person

__all__ = [
    "Affiliation",
    "AffiliationKind",
    "ApiToken",
    "AuditEntry",
    "Department",
    "JobProgress",
    "JobState",
    "Major",
    "Membership",
    "Notification",
    "Organisation",
    "OrganisationKind",
    "Person",
    "Role",
    "User",
    "WorkerHeartbeat",
]
