"""Job progress: created by the page that starts a job, advanced by the job itself."""

from __future__ import annotations

import os
import socket
from typing import Any

from django.db import transaction
from django.utils import timezone

from qiao.core.models import JobProgress, JobState, Organisation, User, WorkerHeartbeat


def job_create(
    *,
    owner: User,
    kind: str,
    label: str = "",
    organisation: Organisation | None = None,
    total: int = 0,
) -> JobProgress:
    return JobProgress.objects.create(
        owner=owner, kind=kind, label=label[:200], organisation=organisation, total=total
    )


def job_progress(
    *, job_id: Any, done: int, total: int | None = None, message: str | None = None
) -> None:
    """Record progress. A plain UPDATE outside any transaction, so the page sees it at once."""
    values: dict[str, Any] = {"done": done, "state": JobState.RUNNING, "updated_at": timezone.now()}
    if total is not None:
        values["total"] = total
    if message is not None:
        values["message"] = message[:255]
    JobProgress.objects.filter(pk=job_id).update(**values)


def job_finish(
    *, job_id: Any, result: dict[str, Any] | None = None, message: str = "", result_url: str = ""
) -> None:
    job = JobProgress.objects.get(pk=job_id)
    job.state = JobState.DONE
    job.done = max(job.done, job.total)
    job.result = result or {}
    job.message = message[:255]
    job.result_url = result_url
    job.save()


def job_fail(*, job_id: Any, message: str, result: dict[str, Any] | None = None) -> None:
    JobProgress.objects.filter(pk=job_id).update(
        state=JobState.FAILED,
        message=message[:255],
        result=result or {},
        updated_at=timezone.now(),
    )


def job_set_task(*, job: JobProgress, task_id: str) -> None:
    job.task_id = task_id
    job.save(update_fields=["task_id"])


@transaction.atomic
def worker_heartbeat(*, worker_id: str, started_at: Any) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "last_seen": now,
        },
    )


def worker_stopped(*, worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
