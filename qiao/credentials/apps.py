from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "qiao.credentials"
    label = "credentials"
    verbose_name = _("Credentials")

    def ready(self) -> None:
        from qiao.core.demo import register_demo_loader
        from qiao.core.importexport.registry import register_import
        from qiao.core.navigation import NavItem, register_nav
        from qiao.credentials import permissions as cred_perms
        from qiao.credentials.demo import load_demo_credentials
        from qiao.credentials.imports import ExamResultsImport

        register_import(ExamResultsImport())
        register_nav(
            NavItem(
                _("Credentials"),
                "credentials:home",
                lambda request: cred_perms.can_use_management(request.user),
                order=50,
            )
        )
        register_nav(
            NavItem(
                _("My credentials"),
                "credentials:wallet",
                lambda request: cred_perms.has_wallet(request.user),
                order=55,
            )
        )
        register_demo_loader("credentials", load_demo_credentials, order=30)
