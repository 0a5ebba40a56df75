"""Background tasks of credentials (django-tasks): load ids, call a service, nothing else."""

from __future__ import annotations

from django_tasks import task

from qiao.credentials.services import issuance


@task()
def issue_session_credentials(*, job_id: str, session_id: int) -> None:
    """Batch issuance for an exam session; progress and outcome go to the job."""
    issuance.session_issue_job(job_id=job_id, session_id=session_id)
