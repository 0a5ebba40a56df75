"""Long jobs and the health page: a job's owner follows its progress (JSON for the progress
bar, a page without JavaScript); others get 404. Platform admins see whether workers are alive
and how many tasks wait."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from qiao.conftest import World
from qiao.core.models import JobProgress, JobState, WorkerHeartbeat
from qiao.core.services import jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(world: World) -> JobProgress:
    job = jobs.job_create(
        owner=world.users["coordinator"], kind="import", label="Students 2025", total=200
    )
    jobs.job_progress(job_id=job.pk, done=50, message="Row 50 of 200")
    job.refresh_from_db()
    return job


def test_owner_follows_the_progress_as_json(world: World, job: JobProgress) -> None:
    response = world.client("coordinator").get(reverse("core:job_status", args=[job.pk]))
    assert response.status_code == 200
    assert response.json() == {
        "id": str(job.pk),
        "kind": "import",
        "state": "running",
        "state_label": "Running",
        "done": 50,
        "total": 200,
        "percent": 25,
        "message": "Row 50 of 200",
        "result_url": "",
    }


@pytest.mark.parametrize(
    "persona", ["org_admin", "teacher", "enterprise", "student", "outsider", "other_coordinator"]
)
def test_others_do_not_find_the_job(world: World, job: JobProgress, persona: str) -> None:
    client = world.client(persona)
    assert client.get(reverse("core:job_status", args=[job.pk])).status_code == 404
    assert client.get(reverse("core:job_detail", args=[job.pk])).status_code == 404
    assert "Students 2025" not in client.get(reverse("core:job_list")).content.decode()


def test_anonymous_is_sent_to_log_in(world: World, job: JobProgress) -> None:
    from django.test import Client

    response = Client().get(reverse("core:job_status", args=[job.pk]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_platform_admin_may_look_at_any_job(world: World, job: JobProgress) -> None:
    assert world.client("admin").get(reverse("core:job_status", args=[job.pk])).status_code == 200


def test_an_unknown_job_is_404(world: World) -> None:
    client = world.client("coordinator")
    assert client.get(reverse("core:job_status", args=[uuid.uuid4()])).status_code == 404
    assert client.get("/jobs/not-a-uuid/status/").status_code == 404


def test_job_page_shows_the_progress_bar_and_works_without_javascript(
    world: World, job: JobProgress
) -> None:
    html = (
        world.client("coordinator").get(reverse("core:job_detail", args=[job.pk])).content.decode()
    )
    assert "Students 2025" in html
    assert f'data-job-url="{reverse("core:job_status", args=[job.pk])}"' in html
    assert 'aria-valuenow="25"' in html
    assert "50 of 200" in html
    assert "<noscript>" in html


def test_job_list_shows_ones_own_jobs(world: World, job: JobProgress) -> None:
    html = world.client("coordinator").get(reverse("core:job_list")).content.decode()
    assert "Students 2025" in html
    assert "50 / 200" in html


def test_a_finished_job_links_its_result(world: World, job: JobProgress) -> None:
    jobs.job_finish(job_id=job.pk, result={"created": 200}, result_url="/people/", message="Done")
    body = world.client("coordinator").get(reverse("core:job_status", args=[job.pk])).json()
    assert (body["state"], body["percent"], body["done"], body["result_url"]) == (
        "done",
        100,
        200,
        "/people/",
    )


def test_a_failed_job_shows_why(world: World, job: JobProgress) -> None:
    jobs.job_fail(job_id=job.pk, message="Row 51: unknown major 999")
    html = (
        world.client("coordinator").get(reverse("core:job_detail", args=[job.pk])).content.decode()
    )
    assert "Row 51: unknown major 999" in html
    assert "alert-danger" in html
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.is_finished


def test_progress_is_bounded(world: World) -> None:
    job = jobs.job_create(owner=world.users["coordinator"], kind="x", total=0)
    assert job.percent == 0
    jobs.job_progress(job_id=job.pk, done=500, total=100)
    job.refresh_from_db()
    assert job.percent == 100


# --- Health -------------------------------------------------------------------------------------


def _task(status: str, **fields: Any) -> DBTaskResult:
    values: dict[str, Any] = {
        "status": status,
        "args_kwargs": {"args": [], "kwargs": {}},
        "task_path": "qiao.core.tasks.example",
        "backend_name": "default",
        "run_after": timezone.now(),
        "exception_class_path": "",
        "traceback": "",
    }
    values.update(fields)
    return DBTaskResult.objects.create(**values)


def test_health_says_when_no_worker_is_running(world: World) -> None:
    html = world.client("admin").get(reverse("core:health")).content.decode()
    assert "No worker is running" in html
    assert "No worker has reported." in html


def test_health_shows_alive_and_silent_workers_and_waiting_tasks(world: World) -> None:
    now = timezone.now()
    jobs.worker_heartbeat(worker_id="worker-alive", started_at=now - dt.timedelta(hours=1))
    WorkerHeartbeat.objects.create(
        worker_id="worker-silent",
        hostname="old-host",
        pid=4242,
        started_at=now - dt.timedelta(days=1),
        last_seen=now - dt.timedelta(minutes=10),
    )
    for priority in (0, 10, -5):  # the queue's ordering must not split the count
        _task("READY", priority=priority)
    _task("RUNNING")
    _task("SUCCESSFUL")
    _task("FAILED")

    response = world.client("admin").get(reverse("core:health"))
    health = response.context["health"]
    assert health["workers_alive"] == 1
    assert {w["worker"].worker_id: w["alive"] for w in health["workers"]} == {
        "worker-alive": True,
        "worker-silent": False,
    }
    assert health["tasks_waiting"] == 3
    assert health["tasks_by_status"] == {"READY": 3, "RUNNING": 1, "SUCCESSFUL": 1, "FAILED": 1}
    html = response.content.decode()
    assert "No worker is running" not in html
    assert "alive" in html
    assert "silent" in html
    assert "READY: 3" in html


def test_a_stopped_worker_disappears(world: World) -> None:
    jobs.worker_heartbeat(worker_id="w1", started_at=timezone.now())
    jobs.worker_heartbeat(worker_id="w1", started_at=timezone.now())
    assert WorkerHeartbeat.objects.count() == 1
    jobs.worker_stopped(worker_id="w1")
    assert not WorkerHeartbeat.objects.exists()
