"""The hook higher apps use to add a section to a person's page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from qiao.conftest import World
from qiao.core import person_panels
from qiao.core.models import Person

pytestmark = pytest.mark.django_db


def test_a_panel_shows_only_when_it_has_something_for_the_viewer(world: World) -> None:
    seen: list[tuple[Any, Person]] = []

    def context(viewer: Any, person: Person) -> dict[str, Any] | None:
        seen.append((viewer, person))
        return {"note": "hello"} if viewer.email == "coordinator@test.example" else None

    panel = person_panels.PersonPanel("test", "core/includes/form_fields.html", context, 1)
    person_panels.register_person_panel(panel)
    try:
        person_panels.register_person_panel(panel)  # twice: once
        assert [p.key for p in person_panels._panels].count("test") == 1
        student = world.people["student"]
        shown = person_panels.person_panels(world.users["coordinator"], student)
        assert shown[0] == {"template": panel.template, "context": {"note": "hello"}}
        assert all(
            p["template"] != panel.template
            for p in person_panels.person_panels(world.users["enterprise"], student)
        )
        url = reverse("core:person_detail", args=[student.pk])
        assert world.client("coordinator").get(url).status_code == 200
        assert seen and seen[-1][1] == student
    finally:
        person_panels._panels.remove(panel)
