from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from qiao.core.views import accounts, imports, notifications, ops, organisations, people

app_name = "core"

urlpatterns = [
    path("", ops.home, name="home"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            success_url=reverse_lazy("core:password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("core:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/", accounts.account, name="account"),
    path("account/organisation/", accounts.switch_organisation, name="switch_organisation"),
    path("account/tokens/", accounts.token_list, name="token_list"),
    path("account/tokens/<int:pk>/revoke/", accounts.token_revoke, name="token_revoke"),
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
    path(
        "organisations/<int:pk>/departments/new/",
        organisations.department_create,
        name="department_create",
    ),
    path(
        "organisations/<int:pk>/departments/<int:dept_pk>/",
        organisations.department_edit,
        name="department_edit",
    ),
    path(
        "organisations/<int:pk>/departments/<int:dept_pk>/delete/",
        organisations.department_delete,
        name="department_delete",
    ),
    path("people/", people.person_list, name="person_list"),
    path("people/new/", people.person_create, name="person_create"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/delete/", people.person_delete, name="person_delete"),
    path("people/<int:pk>/affiliations/new/", people.affiliation_add, name="affiliation_add"),
    path("import/<slug:kind>/", imports.import_start, name="import_start"),
    path("import/<slug:kind>/template.<slug:fmt>", imports.import_template, name="import_template"),
    path("import/<slug:kind>/<uuid:pk>/", imports.import_result, name="import_result"),
    path(
        "import/<slug:kind>/<uuid:pk>/errors.<slug:fmt>",
        imports.import_report,
        name="import_report",
    ),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path(
        "notifications/<int:pk>/read/",
        notifications.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/read-all/",
        notifications.notification_read_all,
        name="notification_read_all",
    ),
    path("audit/", ops.audit_list, name="audit_list"),
    path("health/", ops.health, name="health"),
    path("jobs/", ops.job_list, name="job_list"),
    path("jobs/<uuid:pk>/", ops.job_detail, name="job_detail"),
    path("jobs/<uuid:pk>/status/", ops.job_status, name="job_status"),
]
