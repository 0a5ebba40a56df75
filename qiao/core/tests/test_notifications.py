"""In-app notifications: notify() in the recipient's language (and by email when asked, after
commit), the inbox with its filters and paging, marking read, the badge (no query: the count
lives on the account) and the API. Nobody reads anyone else's notifications."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy

from qiao.conftest import World
from qiao.core.models import Notification
from qiao.core.services.notifications import (
    notification_mark_read,
    notifications_mark_all_read,
    notify,
)

pytestmark = pytest.mark.django_db

LIST = reverse("core:notification_list")


def _unread(user) -> int:
    user.refresh_from_db()
    return user.unread_notifications


def test_notify_stores_and_counts(world: World):
    user = world.users["teacher"]
    n = notify(recipient=user, kind="test.hello", title="Hello", body="World", url="/x/")
    assert n is not None and n.read_at is None and n.kind == "test.hello"
    assert _unread(user) == 1
    notification_mark_read(user=user, notification=n)
    assert _unread(user) == 0 and Notification.objects.get(pk=n.pk).read_at is not None


def test_notify_writes_in_the_recipients_language(world: World):
    user = world.users["teacher"]
    user.language = "zh-hans"
    user.save()
    notify(recipient=user, kind="test.lang", title=gettext_lazy("Organisations"))
    assert Notification.objects.get(recipient=user).title == "组织"


def test_email_goes_out_after_commit_only(world: World, django_capture_on_commit_callbacks):
    user = world.users["teacher"]
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=user, kind="t", title="Mail me", url="/inbox/", email=True)
    assert [m.subject for m in mail.outbox] == ["Mail me"]
    assert "/inbox/" in mail.outbox[0].body
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(recipient=user, kind="t", title="Rolled back", email=True)
        raise RuntimeError
    assert len(mail.outbox) == 1
    assert not Notification.objects.filter(title="Rolled back").exists()


def test_inactive_accounts_get_nothing(world: World):
    user = world.users["teacher"]
    user.is_active = False
    user.save()
    assert notify(recipient=user, kind="t", title="x") is None
    assert not Notification.objects.exists()


def test_inbox_filters_pages_and_marks(world: World):
    user = world.users["teacher"]
    for i in range(30):
        notify(recipient=user, kind="t", title=f"Item {i}")
    notify(recipient=world.users["mentor"], kind="t", title="Not yours")
    client = world.client("teacher")
    page = client.get(LIST)
    assert page.status_code == 200 and len(page.context["object_list"]) == 25
    assert "Not yours" not in page.content.decode()
    assert page.context["paginator"].count == 30
    first = Notification.objects.filter(recipient=user).order_by("pk").first()
    assert first is not None
    client.post(reverse("core:notification_read", args=[first.pk]))
    assert client.get(LIST, {"show": "read"}).context["paginator"].count == 1
    assert client.get(LIST, {"show": "unread"}).context["paginator"].count == 29
    client.post(reverse("core:notification_read_all"))
    assert _unread(user) == 0
    assert client.get(LIST, {"show": "unread"}).context["paginator"].count == 0


def test_someone_elses_notification_is_a_404(world: World):
    theirs = notify(recipient=world.users["mentor"], kind="t", title="Theirs")
    assert theirs is not None
    response = world.client("teacher").post(reverse("core:notification_read", args=[theirs.pk]))
    assert response.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_open_marks_read_and_follows_the_link(world: World):
    n = notify(recipient=world.users["teacher"], kind="t", title="Go", url="/agreements/")
    assert n is not None
    response = world.client("teacher").post(
        reverse("core:notification_read", args=[n.pk]), {"open": "1"}
    )
    assert response.status_code == 302 and response["Location"] == "/agreements/"


def test_unsafe_next_is_ignored(world: World):
    n = notify(recipient=world.users["teacher"], kind="t", title="x")
    assert n is not None
    response = world.client("teacher").post(
        reverse("core:notification_read", args=[n.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == LIST


def test_badge_in_the_navigation(world: World):
    client = world.client("teacher")
    assert "text-bg-danger" not in client.get(LIST).content.decode()
    notify(recipient=world.users["teacher"], kind="t", title="x")
    notify(recipient=world.users["teacher"], kind="t", title="y")
    html = client.get(reverse("core:home")).content.decode()
    assert 'text-bg-danger">2<span class="visually-hidden"> unread' in html


def test_mark_all_read_returns_how_many(world: World):
    user = world.users["teacher"]
    notify(recipient=user, kind="t", title="a")
    notify(recipient=user, kind="t", title="b")
    assert notifications_mark_all_read(user=user) == 2
    assert notifications_mark_all_read(user=user) == 0


def test_api_list_and_mark_read(world: World):
    user = world.users["teacher"]
    a = notify(recipient=user, kind="t", title="a")
    notify(recipient=user, kind="t", title="b")
    other = notify(recipient=world.users["mentor"], kind="t", title="c")
    assert a is not None and other is not None
    client = world.client("teacher")
    data = json.loads(client.get("/api/v1/notifications").content)
    assert data["count"] == 2 and data["unread"] == 2
    assert {i["title"] for i in data["items"]} == {"a", "b"}
    response = client.post(f"/api/v1/notifications/{a.pk}/read")
    assert response.status_code == 200 and json.loads(response.content)["read_at"]
    assert json.loads(client.get("/api/v1/notifications?unread=true").content)["count"] == 1
    assert client.post(f"/api/v1/notifications/{other.pk}/read").status_code == 404
    assert json.loads(client.post("/api/v1/notifications/read-all").content) == {"marked": 1}
    assert client.get("/api/v1/notifications?bogus=1").status_code == 400
    assert world.client("anonymous").get("/api/v1/notifications").status_code == 401
