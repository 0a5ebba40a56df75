"""Placements: sites, openings, placement rounds allocated by qiao.allocation, placements."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "qiao.placements"
    label = "placements"
    verbose_name = _("Placements")

    def ready(self) -> None:
        from qiao.core import permissions as perms
        from qiao.core.demo import register_demo_loader
        from qiao.core.importexport.registry import register_import
        from qiao.core.navigation import NavItem, register_nav
        from qiao.core.person_panels import PersonPanel, register_person_panel
        from qiao.placements import permissions as pp
        from qiao.placements.demo import load_demo_placements
        from qiao.placements.imports import RoundCandidatesImport
        from qiao.placements.lifecycle_selectors import person_panel

        register_import(RoundCandidatesImport())
        perms.register_person_scope(pp.intern_person_scope)
        register_person_panel(
            PersonPanel("placements", "placements/_person_placements.html", person_panel, 50)
        )

        register_nav(
            NavItem(
                _("Placements"),
                "placements:index",
                lambda request: pp.can_use_placements(request.user),
                order=50,
            )
        )
        register_demo_loader("placements", load_demo_placements, order=40)

        from qiao.placements import metrics

        metrics.register()
