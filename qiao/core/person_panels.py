"""Sections a higher app adds to a person's page (a host's view of its intern's placements, …),
so core never imports them. Each panel decides what the viewer may see; None shows nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from qiao.core.models import Person


@dataclass(frozen=True)
class PersonPanel:
    key: str
    template: str
    # The template's context for this viewer and person, or None when there is nothing to show.
    context: Callable[[Any, Person], dict[str, Any] | None]
    order: int = 100


_panels: list[PersonPanel] = []


def register_person_panel(panel: PersonPanel) -> None:
    if all(existing.key != panel.key for existing in _panels):
        _panels.append(panel)
        _panels.sort(key=lambda p: p.order)


def person_panels(viewer: Any, person: Person) -> list[dict[str, Any]]:
    """The panels to show, each as {"template", "context"}."""
    shown = []
    for panel in _panels:
        context = panel.context(viewer, person)
        if context is not None:
            shown.append({"template": panel.template, "context": context})
    return shown
