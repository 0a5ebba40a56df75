"""Background tasks of placements (django-tasks): load ids, call a service, nothing else."""

from __future__ import annotations

from django_tasks import task

from qiao.placements.services import allocation


@task()
def allocate_round(*, run_id: int, job_id: str) -> None:
    """Run one allocation; progress goes to the job, the outcome to the run."""
    allocation.run_execute(run_id=run_id, job_id=job_id)
