from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_renders_in_both_languages(client):
    response = client.get(reverse("core:login"))
    assert response.status_code == 200
    assert "Log in" in response.content.decode()


def test_home_requires_login(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("core:login") in response["Location"]


def test_coordinator_sees_organisations(world):
    response = world.client("coordinator").get(reverse("core:organisation_list"))
    assert response.status_code == 200
    assert "Test Polytechnic" in response.content.decode()
