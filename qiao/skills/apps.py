from __future__ import annotations

from collections.abc import Callable

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def load_demo_skills(say: Callable[[str], None]) -> None:
    """The demo's part: the default catalogue (idempotent)."""
    from qiao.skills.services import catalogue_load

    result = catalogue_load(actor=None)
    say(f"skills: {result.created} new, {result.updated} updated, {result.unchanged} unchanged")


class SkillsConfig(AppConfig):
    name = "qiao.skills"
    label = "skills"
    verbose_name = _("Skills")

    def ready(self) -> None:
        from qiao.core import permissions as perms
        from qiao.core.demo import register_demo_loader
        from qiao.core.importexport.registry import register_import
        from qiao.core.navigation import NavItem, register_nav
        from qiao.skills.imports import SkillImport

        register_import(SkillImport())
        register_nav(
            NavItem(
                _("Skills"),
                "skills:skill_list",
                lambda request: perms.can_view_directory(request.user),
                order=30,
            )
        )
        register_demo_loader("skills", load_demo_skills, order=10)
