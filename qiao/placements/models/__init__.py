"""Models of placements: sites, openings, compliance rule sets and violations, placement rounds
with their candidates, preferences, host scores and allocation runs, and placements."""

from qiao.placements.models.compliance import (
    ComplianceRuleSet,
    ComplianceViolation,
    SchoolRuleSet,
)
from qiao.placements.models.lifecycle import (
    AgreementAcceptance,
    AgreementDocument,
    Evaluation,
    EvaluationRole,
    InsurancePolicy,
    Party,
    Timesheet,
    TimesheetDay,
    TimesheetReminder,
    TimesheetState,
)
from qiao.placements.models.openings import (
    CEFR_LEVELS,
    SKILL_LEVELS,
    Opening,
    OpeningKind,
    OpeningLanguage,
    OpeningSkill,
    OpeningStatus,
)
from qiao.placements.models.placements import Placement, PlacementState
from qiao.placements.models.rounds import (
    AllocationRun,
    HostRanking,
    HostScore,
    PlacementRound,
    Preference,
    PriorityMode,
    RoundCandidate,
    RoundStatus,
    RunOutcome,
    RunState,
)
from qiao.placements.models.sites import Site, SiteKind

__all__ = [
    "CEFR_LEVELS",
    "SKILL_LEVELS",
    "AgreementAcceptance",
    "AgreementDocument",
    "AllocationRun",
    "ComplianceRuleSet",
    "ComplianceViolation",
    "Evaluation",
    "EvaluationRole",
    "HostRanking",
    "HostScore",
    "InsurancePolicy",
    "Opening",
    "OpeningKind",
    "OpeningLanguage",
    "OpeningSkill",
    "OpeningStatus",
    "Party",
    "Placement",
    "PlacementRound",
    "PlacementState",
    "Preference",
    "PriorityMode",
    "RoundCandidate",
    "RoundStatus",
    "RunOutcome",
    "RunState",
    "SchoolRuleSet",
    "Site",
    "SiteKind",
    "Timesheet",
    "TimesheetDay",
    "TimesheetReminder",
    "TimesheetState",
]
