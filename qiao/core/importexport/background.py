"""Imports as jobs: what the upload page starts and what the task worker runs.

Files of up to IMPORT_BACKGROUND_ROWS rows run at once; larger ones are stored under
MEDIA_ROOT/imports/<job id>/ and run by the task `qiao.core.tasks.import_file`, which calls
`import_job_run`. Either way the outcome is kept in the job (see `importer.ImportResult`).
"""

from __future__ import annotations

import logging
import os
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from qiao.core.importexport.importer import ImportResult, Progress, count_rows, run_import
from qiao.core.importexport.registry import ImportContext, ImportKind, get_import
from qiao.core.models import JobProgress, Organisation, User
from qiao.core.services import jobs as job_services

__all__ = ["import_job_run", "import_start", "result_url"]

logger = logging.getLogger(__name__)


def result_url(job: JobProgress) -> str:
    return reverse("core:import_result", args=[job.kind.removeprefix("import:"), job.pk])


def import_start(
    *,
    kind: ImportKind,
    upload: Any,
    actor: User,
    organisation: Organisation | None,
    dry_run: bool = False,
    encoding: str = "utf-8",
    options: dict[str, str] | None = None,
) -> JobProgress:
    """Check an uploaded file and import it: up to IMPORT_BACKGROUND_ROWS rows at once, larger
    files as a background task (stored under MEDIA_ROOT/imports/<job id>/ until it has run).

    Raises PermissionDenied, or ImportFileError when the file cannot be imported at all (no job
    is created then). Returns the job that holds the outcome."""
    if not kind.allowed(actor, organisation):
        raise PermissionDenied
    filename = os.path.basename(getattr(upload, "name", "") or "")
    threshold = int(settings.IMPORT_BACKGROUND_ROWS)
    rows, estimate = count_rows(kind, upload, filename, encoding=encoding, limit=threshold + 1)
    job = job_services.job_create(
        owner=actor,
        kind=f"import:{kind.key}",
        label=_("Import %(kind)s: %(file)s") % {"kind": kind.label, "file": filename},
        organisation=organisation,
        total=estimate,
    )
    if rows <= threshold:
        _run_job(
            job=job,
            kind=kind,
            file=upload,
            filename=filename,
            dry_run=dry_run,
            encoding=encoding,
            options=options,
        )
        return job
    upload.seek(0)
    path = default_storage.save(
        # The uploaded name is only ever shown; the stored one is ours.
        f"imports/{job.pk}/upload{os.path.splitext(filename)[1].lower()}",
        upload,
    )
    language = translation.get_language() or settings.LANGUAGE_CODE

    def enqueue() -> None:
        from qiao.core.tasks import import_file

        task = import_file.enqueue(
            job_id=str(job.pk),
            kind=kind.key,
            path=path,
            filename=filename,
            dry_run=dry_run,
            encoding=encoding,
            language=language,
            options=dict(options or {}),
        )
        job_services.job_set_task(job=job, task_id=str(task.id))

    transaction.on_commit(enqueue)
    return job


def _run_job(
    *,
    job: JobProgress,
    kind: ImportKind,
    file: IO[bytes],
    filename: str,
    dry_run: bool,
    encoding: str,
    progress: Progress | None = None,
    options: dict[str, str] | None = None,
) -> ImportResult:
    ctx = ImportContext(
        actor=job.owner,
        organisation=job.organisation,
        options={**(options or {}), "job_id": str(job.pk)},
    )
    try:
        result = run_import(
            kind,
            file,
            ctx,
            filename=filename,
            dry_run=dry_run,
            encoding=encoding,
            progress=progress,
        )
    except Exception:
        logger.exception("Import job %s failed", job.pk)
        job_services.job_fail(
            job_id=job.pk, message=_("The import failed unexpectedly; nothing was saved.")
        )
        raise
    job_services.job_finish(
        job_id=job.pk, result=result.to_json(), message=result.summary(), result_url=result_url(job)
    )
    return result


def import_job_run(
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
    """Run a queued import (called by the task): re-check the permission, read the stored file,
    report progress every PROGRESS_EVERY rows, keep the outcome, delete the file."""
    job = JobProgress.objects.select_related("owner", "organisation").get(pk=job_id)
    try:
        with translation.override(language or settings.LANGUAGE_CODE):
            import_kind = get_import(kind)
            if import_kind is None or not import_kind.allowed(job.owner, job.organisation):
                job_services.job_fail(
                    job_id=job.pk,
                    message=_("You may no longer run this import; nothing was saved."),
                )
                return

            def progress(done: int, total: int, message: str) -> None:
                job_services.job_progress(
                    job_id=job.pk, done=done, total=max(done, total), message=message
                )

            with default_storage.open(path, "rb") as stored:
                _run_job(
                    job=job,
                    kind=import_kind,
                    file=stored,
                    filename=filename,
                    dry_run=dry_run,
                    encoding=encoding,
                    progress=progress,
                    options=options,
                )
    finally:
        _discard(path)


def _discard(path: str) -> None:
    """Uploaded files hold personal data: delete them once their import has run."""
    try:
        default_storage.delete(path)
        folder = os.path.dirname(default_storage.path(path))
        if os.path.isdir(folder) and not os.listdir(folder):
            os.rmdir(folder)
    except (NotImplementedError, OSError):
        logger.warning("Could not delete the uploaded import file %s", path, exc_info=True)
