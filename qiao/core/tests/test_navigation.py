"""The navigation marks exactly one entry active: the one whose address is the longest prefix of
the current page's path."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from qiao.conftest import World
from qiao.core.navigation import navigation_for

pytestmark = pytest.mark.django_db


def active_labels(world: World, path: str) -> list[str]:
    request = RequestFactory().get(path)
    request.user = world.users["coordinator"]
    return [str(e["label"]) for e in navigation_for(request) if e["active"]]


def test_a_nested_entry_is_the_only_active_one(world: World) -> None:
    assert active_labels(world, reverse("agreements:my_action_items")) == ["My action items"]
    assert active_labels(world, reverse("agreements:agreement_list")) == ["Agreements"]
    assert active_labels(world, reverse("agreements:overview")) == ["Agreements"]


def test_home_is_never_marked_by_prefix(world: World) -> None:
    assert active_labels(world, "/no-such-page/") == []
