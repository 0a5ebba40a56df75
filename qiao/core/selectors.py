"""Every read the pages, the API and the exports share; always scoped to the viewer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from qiao.core import permissions as perms
from qiao.core.models import (
    Affiliation,
    ApiToken,
    AuditEntry,
    Department,
    JobProgress,
    JobState,
    Notification,
    Organisation,
    Person,
    User,
    WorkerHeartbeat,
)


def organisation_list(*, viewer: Any) -> QuerySet[Organisation]:
    if not perms.can_view_directory(viewer):
        return Organisation.objects.none()
    return Organisation.objects.all()


def organisation_get(*, viewer: Any, pk: int) -> Organisation | None:
    return organisation_list(viewer=viewer).filter(pk=pk).first()


def department_list(*, viewer: Any, organisation: Organisation) -> QuerySet[Department]:
    if not perms.can_view_directory(viewer):
        return Department.objects.none()
    return organisation.departments.all()


def person_list(*, viewer: Any) -> QuerySet[Person]:
    """People the viewer may see. Distinct because scopes join through affiliations."""
    scope = perms.person_scope(viewer)
    qs = Person.objects.all()
    if scope is not None:
        qs = qs.filter(pk__in=Person.objects.filter(scope).values("pk"))
    return qs


def person_get(*, viewer: Any, pk: int) -> Person | None:
    return person_list(viewer=viewer).filter(pk=pk).first()


def affiliations_visible(*, viewer: Any, person: Person) -> QuerySet[Affiliation]:
    qs = person.affiliations.select_related("organisation", "department", "major")
    scope = perms.affiliation_scope(viewer)
    if scope is not None:
        qs = qs.filter(scope)
    return qs.order_by("-start", "id")


def visible_affiliations_prefetch(*, viewer: Any) -> Prefetch[Any]:
    """Prefetch onto `person.visible_affiliations` the affiliations the viewer may see, for
    lists, exports and the API (one query for the whole page)."""
    qs = Affiliation.objects.select_related("organisation", "major", "department")
    scope = perms.affiliation_scope(viewer)
    if scope is not None:
        qs = qs.filter(scope)
    return Prefetch("affiliations", queryset=qs, to_attr="visible_affiliations")


def organisation_people_counts(*, viewer: Any, organisation: Organisation) -> dict[str, int]:
    """Counts by affiliation kind, only for those who may see them (no leaks through counts)."""
    if not (perms.is_platform_admin(viewer) or perms.has_role(viewer, organisation, "coordinator")):
        return {}
    rows = (
        Affiliation.objects.current()
        .filter(organisation=organisation)
        .values("kind")
        .annotate(n=Count("id"))
    )
    return {row["kind"]: row["n"] for row in rows}


def audit_list(*, viewer: Any) -> QuerySet[AuditEntry]:
    scope = perms.audit_scope(viewer)
    qs = AuditEntry.objects.select_related("actor", "organisation")
    return qs if scope is None else qs.filter(scope)


def api_token_list(*, viewer: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=viewer)


def job_list(*, viewer: Any) -> QuerySet[JobProgress]:
    if perms.is_platform_admin(viewer):
        return JobProgress.objects.all()
    return (
        JobProgress.objects.filter(owner=viewer)
        if viewer.is_authenticated
        else JobProgress.objects.none()
    )


def job_get(*, viewer: Any, pk: Any) -> JobProgress | None:
    return job_list(viewer=viewer).filter(pk=pk).first()


def health_summary() -> dict[str, Any]:
    """Workers alive and jobs waiting, for the health page (platform admins)."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    alive_after = now - dt.timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)
    workers = list(WorkerHeartbeat.objects.all())
    counts = dict(
        DBTaskResult.objects.values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    oldest_ready = (
        DBTaskResult.objects.filter(status="READY")
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    return {
        "workers": [
            {
                "worker": w,
                "alive": w.last_seen >= alive_after,
                "age": (now - w.last_seen).total_seconds(),
            }
            for w in workers
        ],
        "workers_alive": sum(1 for w in workers if w.last_seen >= alive_after),
        "tasks_by_status": counts,
        "tasks_waiting": counts.get("READY", 0),
        "oldest_waiting": oldest_ready,
        "jobs_running": JobProgress.objects.filter(state=JobState.RUNNING).count(),
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    }


def home_summary(*, viewer: Any) -> dict[str, Any]:
    orgs = organisation_list(viewer=viewer)
    return {
        "organisations": orgs.count(),
        "people": person_list(viewer=viewer).count(),
        "countries": orgs.values("country").distinct().count(),
        "by_kind": list(orgs.values("kind").annotate(n=Count("id")).order_by("kind")),
        "schools": orgs.filter(
            Q(kind__in=["vocational_college", "university", "overseas_institution"])
        ).count(),
    }


# --- Notifications ------------------------------------------------------------------------------


def notification_list(*, viewer: Any, unread: bool | None = None) -> QuerySet[Notification]:
    """The viewer's own inbox, newest first (nobody reads anyone else's notifications)."""
    if not getattr(viewer, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient_id=viewer.pk)
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs.order_by("-created_at", "-id")


def notification_get(*, viewer: Any, pk: int) -> Notification | None:
    return notification_list(viewer=viewer).filter(pk=pk).first()


def notification_unread_count(*, viewer: Any) -> int:
    """One indexed count (recipient, read_at) for the badge in the navigation."""
    return notification_list(viewer=viewer, unread=True).count()
