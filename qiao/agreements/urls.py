from django.urls import path

from qiao.agreements.urls_committees import urlpatterns as committee_urlpatterns
from qiao.agreements.views import agreements, dashboard, files, parts

app_name = "agreements"

urlpatterns = [
    path("", agreements.agreement_list, name="agreement_list"),
    path("new/", agreements.agreement_create, name="agreement_create"),
    path("dashboard/", dashboard.overview, name="overview"),
    path("contributions/", parts.contribution_list, name="contribution_list"),
    path("<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
    path("<int:pk>/edit/", agreements.agreement_edit, name="agreement_edit"),
    path("<int:pk>/export.xlsx", agreements.agreement_export, name="agreement_export"),
    path("<int:pk>/transition/", agreements.agreement_transition, name="agreement_transition"),
    path("<int:pk>/renew/", agreements.agreement_renew, name="agreement_renew"),
    path("<int:pk>/dashboard/", dashboard.agreement_dashboard, name="agreement_dashboard"),
    path("<int:pk>/commitments/new/", parts.commitment_create, name="commitment_create"),
    path("<int:pk>/commitments/<int:item>/edit/", parts.commitment_edit, name="commitment_edit"),
    path(
        "<int:pk>/commitments/<int:item>/delete/",
        parts.commitment_delete,
        name="commitment_delete",
    ),
    path("<int:pk>/signatories/new/", parts.signatory_add, name="signatory_add"),
    path(
        "<int:pk>/signatories/<int:item>/remove/",
        parts.signatory_remove,
        name="signatory_remove",
    ),
    path("<int:pk>/documents/new/", parts.document_create, name="document_create"),
    path(
        "<int:pk>/documents/<int:item>/versions/new/",
        parts.document_version_add,
        name="document_version_add",
    ),
    path(
        "<int:pk>/documents/versions/<int:item>/download/",
        files.document_download,
        name="document_download",
    ),
    path("<int:pk>/contributions/new/", parts.contribution_create, name="contribution_create"),
    path(
        "<int:pk>/contributions/<int:item>/delete/",
        parts.contribution_delete,
        name="contribution_delete",
    ),
    path(
        "<int:pk>/contributions/<int:item>/evidence/",
        files.evidence_download,
        name="evidence_download",
    ),
    path("<int:pk>/events/new/", parts.event_create, name="event_create"),
    path("<int:pk>/events/<int:item>/edit/", parts.event_edit, name="event_edit"),
    path("<int:pk>/events/<int:item>/photos/new/", parts.photo_add, name="photo_add"),
    path("<int:pk>/photos/<int:item>/", files.photo, name="photo"),
    *committee_urlpatterns,
]
