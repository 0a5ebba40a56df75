from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from qiao.placements.views import placements, rounds, sites, students, work

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
    path("compliance/", rounds.compliance, name="compliance"),
    path("compliance/ruleset/", rounds.compliance_ruleset, name="compliance_ruleset"),
    path("rounds/", rounds.round_list, name="round_list"),
    path("rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:pk>/open/", rounds.round_open, name="round_open"),
    path("rounds/<int:pk>/close/", rounds.round_close, name="round_close"),
    path("rounds/<int:pk>/allocate/", rounds.run_start, name="run_start"),
    path("rounds/<int:pk>/runs/<int:run_pk>/", rounds.run_detail, name="run_detail"),
    path("rounds/<int:pk>/runs/<int:run_pk>/publish/", rounds.run_publish, name="run_publish"),
    path("rounds/<int:pk>/later/", rounds.round_later, name="round_later"),
    path("rounds/<int:pk>/ranking/", students.ranking, name="ranking"),
    path("rounds/<int:pk>/ranking/change/", students.ranking_change, name="ranking_change"),
    path("rounds/<int:pk>/result/", students.result, name="result"),
    path("rounds/<int:pk>/result/answer/", students.respond, name="respond"),
    path("rounds/<int:pk>/applicants/", students.applicants, name="applicants"),
    path("rounds/<int:pk>/score/", students.score, name="score"),
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
