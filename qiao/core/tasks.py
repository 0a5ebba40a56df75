"""Background tasks of core (django-tasks). Each loads ids and calls a service, nothing else."""

from __future__ import annotations

from django_tasks import task

from qiao.core.importexport import background


@task()
def import_file(
    *,
    job_id: str,
    kind: str,
    path: str,
    filename: str,
    dry_run: bool = False,
    encoding: str = "utf-8",
    language: str = "",
    options: dict[str, str] | None = None,
) -> None:
    """Run a large import stored by `background.import_start`; progress and outcome go to
    the job."""
    background.import_job_run(
        job_id=job_id,
        kind=kind,
        path=path,
        filename=filename,
        dry_run=dry_run,
        encoding=encoding,
        language=language,
        options=options,
    )
