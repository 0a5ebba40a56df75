"""Accounts: log-in by email, throttling (django-axes), password reset by email, the
organisation switcher, the language switch and personal access tokens."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from qiao.conftest import PASSWORD, World
from qiao.core.middleware import SESSION_KEY
from qiao.core.models import ApiToken, Role
from qiao.core.services import accounts

pytestmark = pytest.mark.django_db

LOGIN = "/login/"


def log_in(client: Client, email: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(LOGIN, {"username": email, "password": password, **extra})


# --- Log-in -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email", ["coordinator@test.example", "Coordinator@Test.Example", "  COORDINATOR@TEST.EXAMPLE "]
)
def test_log_in_by_email_in_any_case(world: World, email: str) -> None:
    client = Client()
    response = log_in(client, email)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).context["user"] == world.users["coordinator"]


def test_wrong_password_is_refused_with_a_message(world: World) -> None:
    response = log_in(Client(), "coordinator@test.example", "wrong")
    assert response.status_code == 200
    assert "correct email and password" in response.content.decode()


def test_log_in_follows_a_safe_next_only(world: World) -> None:
    response = log_in(Client(), "coordinator@test.example", next="/people/")
    assert response["Location"] == "/people/"
    response = log_in(Client(), "coordinator@test.example", next="https://evil.example/")
    assert response["Location"] == reverse("core:home")


def test_logout_is_a_post(world: World) -> None:
    client = world.client("coordinator")
    assert client.get(reverse("core:logout")).status_code == 405
    response = client.post(reverse("core:logout"))
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


def test_an_inactive_account_cannot_log_in(world: World) -> None:
    user = world.users["teacher"]
    user.is_active = False
    user.save()
    assert log_in(Client(), "teacher@test.example").status_code == 200


# --- Throttling ---------------------------------------------------------------------------------


def test_five_failures_lock_the_account_out(world: World) -> None:
    client = Client()
    for _ in range(4):
        assert log_in(client, "coordinator@test.example", "wrong").status_code == 200
    locked = log_in(client, "coordinator@test.example", "wrong")
    assert locked.status_code == 429
    assert "Too many failed log-in attempts" in locked.content.decode()
    # Even the right password is refused now.
    again = log_in(client, "coordinator@test.example")
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_changing_the_case_of_the_email_does_not_dodge_the_lockout(world: World) -> None:
    client = Client()
    for email in ("coordinator@test.example", "COORDINATOR@test.example") * 2 + (
        "Coordinator@Test.Example",
    ):
        log_in(client, email, "wrong")
    assert log_in(client, "coordinator@test.example").status_code == 429


def test_the_lockout_is_per_account(world: World) -> None:
    client = Client()
    for _ in range(5):
        log_in(client, "coordinator@test.example", "wrong")
    assert log_in(client, "teacher@test.example").status_code == 302


def test_a_success_resets_the_failure_count(world: World) -> None:
    client = Client()
    for _ in range(4):
        log_in(client, "coordinator@test.example", "wrong")
    assert log_in(client, "coordinator@test.example").status_code == 302
    client.post(reverse("core:logout"))
    for _ in range(4):
        assert log_in(client, "coordinator@test.example", "wrong").status_code == 200
    assert log_in(client, "coordinator@test.example").status_code == 302


# --- Password reset -----------------------------------------------------------------------------


def test_password_reset_by_email(world: World) -> None:
    client = Client()
    response = client.post(reverse("core:password_reset"), {"email": "Teacher@Test.Example"})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:password_reset_done")
    [message] = mail.outbox
    assert message.to == ["teacher@test.example"]
    link = re.search(r"https?://testserver(/password-reset/\S+/\S+/)", str(message.body))
    assert link is not None, message.body

    # The link leads to the form for a new password (Django swaps the token for a session key).
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    assert "new_password1" in form_page.content.decode()
    new = "a-brand-new-passphrase-77"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("core:password_reset_complete")
    assert client.get(done["Location"]).status_code == 200

    assert log_in(Client(), "teacher@test.example", PASSWORD).status_code == 200
    assert log_in(Client(), "teacher@test.example", new).status_code == 302
    # The link works once.
    assert "new_password1" not in client.get(link.group(1), follow=True).content.decode()


def test_password_reset_does_not_reveal_whether_an_account_exists(world: World) -> None:
    response = Client().post(reverse("core:password_reset"), {"email": "nobody@test.example"})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:password_reset_done")
    assert mail.outbox == []


def test_password_reset_pages_render(world: World) -> None:
    client = Client()
    for name in ("core:password_reset", "core:password_reset_done", "core:password_reset_complete"):
        assert client.get(reverse(name)).status_code == 200
    bad = client.get("/password-reset/MQ/not-a-token/", follow=True)
    assert bad.status_code == 200
    assert "new_password1" not in bad.content.decode()


# --- Organisation switcher ----------------------------------------------------------------------


@pytest.fixture
def two_hats(world: World) -> Any:
    """The coordinator also mentors at the enterprise."""
    accounts.membership_set(
        actor=None,
        user=world.users["coordinator"],
        organisation=world.enterprise,
        role=Role.MEMBER,
    )
    return world.client("coordinator")


def test_switch_to_another_of_ones_organisations(world: World, two_hats: Client) -> None:
    home = two_hats.get(reverse("core:home"))
    assert home.context["current_organisation"] == world.school
    response = two_hats.post(
        reverse("core:switch_organisation"),
        {"organisation": world.enterprise.pk, "next": "/people/"},
    )
    assert response["Location"] == "/people/"
    assert two_hats.session[SESSION_KEY] == world.enterprise.pk
    home = two_hats.get(reverse("core:home"))
    assert home.context["current_organisation"] == world.enterprise
    assert "You are acting for Test Telecom as Member." in home.content.decode()


@pytest.mark.parametrize("wanted", ["other_school", "junk", ""])
def test_switch_only_to_own_memberships(world: World, two_hats: Client, wanted: str) -> None:
    value = world.other_school.pk if wanted == "other_school" else wanted
    response = two_hats.post(
        reverse("core:switch_organisation"), {"organisation": value}, follow=True
    )
    assert "You are not a member of that organisation." in response.content.decode()
    assert two_hats.session.get(SESSION_KEY) is None
    assert response.context["current_organisation"] == world.school


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "\\\\evil.example",
    ],
)
def test_switcher_does_not_redirect_elsewhere(world: World, two_hats: Client, target: str) -> None:
    response = two_hats.post(
        reverse("core:switch_organisation"),
        {"organisation": world.enterprise.pk, "next": target},
    )
    assert response["Location"] == reverse("core:home")


def test_switcher_is_post_only_and_for_members(world: World) -> None:
    assert world.client("coordinator").get(reverse("core:switch_organisation")).status_code == 405
    response = Client().post(reverse("core:switch_organisation"), {"organisation": 1})
    assert response.status_code == 302
    assert LOGIN in response["Location"]


def test_acting_organisation_decides_where_people_are_added(world: World, two_hats: Client) -> None:
    """As a member of the enterprise the coordinator may not add people there."""
    assert two_hats.get(reverse("core:person_create")).status_code == 200
    two_hats.post(reverse("core:switch_organisation"), {"organisation": world.enterprise.pk})
    assert two_hats.get(reverse("core:person_create")).status_code == 403


# --- Language -----------------------------------------------------------------------------------


def test_language_switch(world: World) -> None:
    client = world.client("teacher")
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/people/"})
    assert response.status_code == 302
    assert response["Location"] == "/people/"
    assert response.cookies["django_language"].value == "zh-hans"
    page = client.get(reverse("core:home")).content.decode()
    assert '<html lang="zh-hans"' in page
    # Back to English.
    client.post("/i18n/setlang/", {"language": "en"})
    assert '<html lang="en"' in client.get(reverse("core:home")).content.decode()


def test_language_switch_ignores_unknown_languages_and_foreign_next(world: World) -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "tlh", "next": "https://evil.example/"})
    assert "django_language" not in response.cookies
    assert not response["Location"].startswith("https://evil")


def test_an_accounts_saved_language_is_used_until_the_visitor_picks_another(
    world: World,
) -> None:
    accounts.user_set_language(user=world.users["teacher"], language="zh-hans")
    client = world.client("teacher")
    assert '<html lang="zh-hans"' in client.get(reverse("core:home")).content.decode()
    client.post("/i18n/setlang/", {"language": "en"})
    assert '<html lang="en"' in client.get(reverse("core:home")).content.decode()


# --- Personal access tokens ---------------------------------------------------------------------


def test_create_name_and_revoke_a_token(world: World) -> None:
    client = world.client("teacher")
    response = client.post(
        reverse("core:token_list"), {"name": "Grades sync", "expires_in_days": 30}
    )
    assert response.status_code == 200
    html = response.content.decode()
    secret = re.search(r'data-testid="new-token">(qiao_[^<]+)<', html)
    assert secret is not None
    token = ApiToken.objects.get(user=world.users["teacher"])
    assert token.name == "Grades sync"
    assert token.expires_at is not None
    # Shown once: the list afterwards has the prefix, never the secret.
    listing = client.get(reverse("core:token_list")).content.decode()
    assert secret.group(1) not in listing
    assert token.prefix in listing
    assert (
        Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret.group(1)}").status_code
        == 200
    )

    revoked = client.post(reverse("core:token_revoke", args=[token.pk]), follow=True)
    assert "revoked" in revoked.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert (
        Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret.group(1)}").status_code
        == 401
    )


@pytest.mark.parametrize(
    "data",
    [
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 101},
        {"name": "ok", "expires_in_days": 0},
        {"name": "ok", "expires_in_days": 99999},
        {"name": "ok", "expires_in_days": "soon"},
    ],
    ids=["empty", "blank", "too long", "zero days", "too many days", "not a number"],
)
def test_token_form_rejects_bad_input(world: World, data: dict[str, Any]) -> None:
    response = world.client("teacher").post(reverse("core:token_list"), data)
    assert response.status_code == 200
    assert 'data-testid="new-token"' not in response.content.decode()
    assert not ApiToken.objects.exists()


def test_one_cannot_revoke_or_see_someone_elses_token(world: World) -> None:
    token, _secret = accounts.api_token_create(actor=world.users["coordinator"], name="mine")
    client = world.client("teacher")
    assert "mine" not in client.get(reverse("core:token_list")).content.decode()
    assert client.post(reverse("core:token_revoke", args=[token.pk])).status_code == 404
    assert client.get(reverse("core:token_revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_switching_language_saves_it_for_the_account(world: World) -> None:
    client = world.client("teacher")
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    world.users["teacher"].refresh_from_db()
    assert world.users["teacher"].language == "zh-hans"
    client.post("/i18n/setlang/", {"language": "tlh"})
    world.users["teacher"].refresh_from_db()
    assert world.users["teacher"].language == "zh-hans"
    # Anonymous visitors only get the cookie.
    response = Client().post("/i18n/setlang/", {"language": "zh-hans"})
    assert response.cookies["django_language"].value == "zh-hans"
