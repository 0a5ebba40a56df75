from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "qiao.agreements"
    label = "agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        from qiao.agreements import permissions as agreement_perms
        from qiao.agreements import timeline_committees
        from qiao.agreements.demo import load_demo_agreements
        from qiao.agreements.metrics import register_builtin_metrics, register_committee_metrics
        from qiao.core.demo import register_demo_loader
        from qiao.core.navigation import NavItem, register_nav

        register_builtin_metrics()
        register_committee_metrics()
        timeline_committees.register()
        register_nav(
            NavItem(
                _("Agreements"),
                "agreements:agreement_list",
                lambda request: agreement_perms.can_use_agreements(request.user),
                order=40,
            )
        )
        register_nav(
            NavItem(
                _("My action items"),
                "agreements:my_action_items",
                lambda request: agreement_perms.can_use_agreements(request.user),
                order=45,
            )
        )
        register_demo_loader("agreements", load_demo_agreements, order=20)
