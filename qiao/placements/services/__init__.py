"""Every write of placements. Keyword-only, typed, atomic, audited."""

from qiao.placements.services.agreement import agreement_accept, agreement_generate
from qiao.placements.services.allocation import run_create, run_execute, run_publish, run_start
from qiao.placements.services.compliance import ruleset_create, school_ruleset_set
from qiao.placements.services.evaluations import evaluation_submit
from qiao.placements.services.host_ranking import (
    host_ranking_add,
    host_ranking_move,
    host_ranking_place,
    host_ranking_remove,
    host_ranking_set,
)
from qiao.placements.services.lifecycle import (
    insurance_set,
    placement_activate,
    placement_assign,
    placement_complete,
    placement_terminate,
)
from qiao.placements.services.openings import (
    opening_check,
    opening_close,
    opening_create,
    opening_publish,
    opening_update,
)
from qiao.placements.services.ranking import (
    host_score_set,
    placement_respond,
    preference_add,
    preference_move,
    preference_remove,
)
from qiao.placements.services.rounds import (
    round_close_ranking,
    round_create,
    round_followup_create,
    round_open,
)
from qiao.placements.services.sites import site_create, site_update
from qiao.placements.services.timesheets import (
    DayEntry,
    placements_weekly,
    timesheet_review,
    timesheet_save,
    timesheet_submit,
)

__all__ = [
    "DayEntry",
    "agreement_accept",
    "agreement_generate",
    "evaluation_submit",
    "host_ranking_add",
    "host_ranking_move",
    "host_ranking_place",
    "host_ranking_remove",
    "host_ranking_set",
    "host_score_set",
    "insurance_set",
    "opening_check",
    "opening_close",
    "opening_create",
    "opening_publish",
    "opening_update",
    "placement_activate",
    "placement_assign",
    "placement_complete",
    "placement_respond",
    "placement_terminate",
    "placements_weekly",
    "preference_add",
    "preference_move",
    "preference_remove",
    "round_close_ranking",
    "round_create",
    "round_followup_create",
    "round_open",
    "ruleset_create",
    "run_create",
    "run_execute",
    "run_publish",
    "run_start",
    "school_ruleset_set",
    "site_create",
    "site_update",
    "timesheet_review",
    "timesheet_save",
    "timesheet_submit",
]
