from django.urls import path

from qiao.credentials.views import issued, manage, public, wallet

app_name = "credentials"

urlpatterns = [
    path("", manage.start, name="start"),
    path("manage/", manage.overview, name="home"),
    # Published for verifiers (no login).
    path("trust-list.json", public.trust_list, name="trust_list"),
    path(
        "status/<slug:slug>/<slug:purpose>/<int:number>.json",
        public.status_list,
        name="status_list",
    ),
    # Issuer and keys.
    path("manage/issuer/setup/", manage.issuer_setup, name="issuer_setup"),
    path("manage/issuer/rotate/", manage.key_rotate, name="key_rotate"),
    # Achievements, schemes, sessions.
    path("manage/achievements/", manage.achievement_list, name="achievement_list"),
    path("manage/achievements/new/", manage.achievement_edit, name="achievement_create"),
    path("manage/achievements/<int:pk>/edit/", manage.achievement_edit, name="achievement_edit"),
    path("manage/schemes/", manage.scheme_list, name="scheme_list"),
    path("manage/schemes/new/", manage.scheme_edit, name="scheme_create"),
    path("manage/schemes/<int:pk>/edit/", manage.scheme_edit, name="scheme_edit"),
    path("manage/sessions/", manage.session_list, name="session_list"),
    path("manage/sessions/new/", manage.session_edit, name="session_create"),
    path("manage/sessions/<int:pk>/", manage.session_detail, name="session_detail"),
    path("manage/sessions/<int:pk>/edit/", manage.session_edit, name="session_edit"),
    path(
        "manage/sessions/<int:pk>/candidates/", manage.session_candidate, name="session_candidate"
    ),
    path("manage/sessions/<int:pk>/results/", manage.session_result, name="session_result"),
    path("manage/sessions/<int:pk>/issue/", manage.session_issue, name="session_issue"),
    # Issued credentials.
    path("manage/issued/", issued.credential_list, name="credential_list"),
    path("manage/issued/new/", issued.credential_issue, name="credential_issue"),
    path("manage/issued/<uuid:pk>/", issued.credential_detail, name="credential_detail"),
    path("manage/issued/<uuid:pk>/status/", issued.credential_status, name="credential_status"),
    path("c/<uuid:pk>/credential.json", issued.credential_json, name="credential_json"),
    path("c/<uuid:pk>/certificate.pdf", issued.credential_pdf, name="credential_pdf"),
    # Wallet.
    path("wallet/", wallet.wallet, name="wallet"),
    path("wallet/<uuid:pk>/", wallet.wallet_detail, name="wallet_detail"),
    path("wallet/<uuid:pk>/share/", wallet.share_create, name="share_create"),
    path("wallet/<uuid:pk>/share/<int:link>/revoke/", wallet.share_revoke, name="share_revoke"),
]
