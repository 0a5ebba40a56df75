from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from qiao.placements.views import compliance, placements, rounds, runs, sites, students, work
from qiao.placements.views.hosts import host_ranking_change

app_name = "placements"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", rounds.index, name="index"),
    path("sites/", sites.site_list, name="site_list"),
    path("sites/new/", sites.site_create, name="site_create"),
    path("sites/<int:pk>/", sites.site_detail, name="site_detail"),
    path("sites/<int:pk>/edit/", sites.site_edit, name="site_edit"),
    path("openings/", sites.opening_list, name="opening_list"),
    path("openings/new/", sites.opening_create, name="opening_create"),
    path("openings/<int:pk>/", sites.opening_detail, name="opening_detail"),
    path("openings/<int:pk>/edit/", sites.opening_edit, name="opening_edit"),
    path("openings/<int:pk>/publish/", sites.opening_publish, name="opening_publish"),
    path("openings/<int:pk>/close/", sites.opening_close, name="opening_close"),
    path("compliance/", compliance.compliance, name="compliance"),
    path("compliance/ruleset/", compliance.compliance_ruleset, name="compliance_ruleset"),
    path("compliance/rulesets/", compliance.ruleset_list, name="ruleset_list"),
    path("compliance/rulesets/upload/", compliance.ruleset_upload, name="ruleset_upload"),
    path("compliance/rulesets/<int:pk>/", compliance.ruleset_detail, name="ruleset_detail"),
    path(
        "compliance/rulesets/<int:pk>/document.json",
        compliance.ruleset_download,
        name="ruleset_download",
    ),
    path("compliance/rulesets/<int:pk>/new/", compliance.ruleset_new, name="ruleset_new"),
    path("rounds/", rounds.round_list, name="round_list"),
    path("rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:pk>/open/", rounds.round_open, name="round_open"),
    path("rounds/<int:pk>/close/", rounds.round_close, name="round_close"),
    path("rounds/<int:pk>/allocate/", rounds.run_start, name="run_start"),
    path("rounds/<int:pk>/runs/<int:run_pk>/", runs.run_detail, name="run_detail"),
    path("rounds/<int:pk>/runs/<int:run_pk>/openings/", runs.run_openings, name="run_openings"),
    path("rounds/<int:pk>/runs/<int:run_pk>/sites/", runs.run_sites, name="run_sites"),
    path("rounds/<int:pk>/runs/<int:run_pk>/students/", runs.run_students, name="run_students"),
    path("rounds/<int:pk>/runs/<int:run_pk>/download/", runs.run_download, name="run_download"),
    path("rounds/<int:pk>/runs/<int:run_pk>/publish/", runs.run_publish, name="run_publish"),
    path("rounds/<int:pk>/later/", rounds.round_later, name="round_later"),
    path("rounds/<int:pk>/ranking/", students.ranking, name="ranking"),
    path("rounds/<int:pk>/ranking/change/", students.ranking_change, name="ranking_change"),
    path("rounds/<int:pk>/result/", students.result, name="result"),
    path("rounds/<int:pk>/result/answer/", students.respond, name="respond"),
    path("rounds/<int:pk>/applicants/", students.applicants, name="applicants"),
    path("rounds/<int:pk>/score/", students.score, name="score"),
    path("rounds/<int:pk>/applicants/ranking/", host_ranking_change, name="host_ranking_change"),
    # After acceptance: lifecycle, agreement, timesheets, evaluations.
    path("mine/", work.mine, name="mine"),
    path("placements/", placements.placement_list, name="placement_list"),
    path("placements/<int:pk>/", placements.placement_detail, name="placement_detail"),
    path("placements/<int:pk>/assign/", placements.assign, name="placement_assign"),
    path("placements/<int:pk>/insurance/", placements.insurance, name="placement_insurance"),
    path("placements/<int:pk>/agreement.pdf", placements.agreement_pdf, name="agreement_pdf"),
    path(
        "placements/<int:pk>/agreement/generate/",
        placements.agreement_generate,
        name="agreement_generate",
    ),
    path(
        "placements/<int:pk>/agreement/accept/",
        placements.agreement_accept,
        name="agreement_accept",
    ),
    path("placements/<int:pk>/activate/", placements.activate, name="placement_activate"),
    path("placements/<int:pk>/terminate/", placements.terminate, name="placement_terminate"),
    path("placements/<int:pk>/complete/", placements.complete, name="placement_complete"),
    path("placements/<int:pk>/evaluate/", work.evaluate, name="evaluate"),
    path("placements/<int:pk>/timesheet/", work.timesheet_edit, name="timesheet_edit"),
    path("timesheets/<int:pk>/", work.timesheet_detail, name="timesheet_detail"),
    path("timesheets/<int:pk>/submit/", work.timesheet_submit, name="timesheet_submit"),
    path("timesheets/<int:pk>/review/", work.timesheet_review, name="timesheet_review"),
]
