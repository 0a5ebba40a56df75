"""Import pages: explain the columns, offer templates, take the upload, show the outcome.

The work happens in `qiao.core.importexport.importer`; these views parse input, check the
permission through the kind (`kind.allowed`, which calls qiao.core.permissions) and render.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from qiao.core import permissions as perms
from qiao.core import selectors
from qiao.core.forms import StyledFormMixin
from qiao.core.importexport import background, importer
from qiao.core.importexport.export import EXPORT_FORMATS, export_response
from qiao.core.importexport.registry import ImportKind, get_import
from qiao.core.models import JobProgress, Organisation
from qiao.core.views._helpers import or_404

# The result page shows this many errors; the downloadable report has all that were kept.
ERRORS_ON_PAGE = 200


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding of CSV files"),
        choices=importer.ENCODINGS,
        initial="utf-8",
        help_text=_(
            "XLSX files need no choice. A CSV that is not UTF-8 is refused unless you choose "
            "GB18030 here; a file that is valid UTF-8 is always read as UTF-8."
        ),
    )
    validate_only = forms.BooleanField(
        label=_("Validate only: check every row and report, but save nothing"),
        required=False,
    )


def _kind(request: HttpRequest, key: str, organisation: Organisation | None) -> ImportKind:
    """The import kind, or 404 when there is none; 403 when the viewer may not run it."""
    kind = get_import(key)
    if kind is None:
        raise Http404
    perms.require(kind.allowed(request.user, organisation))  # type: ignore[arg-type]
    return kind


def _acting_for(request: HttpRequest) -> Organisation | None:
    return getattr(request, "organisation", None)


def _page_options(request: HttpRequest, kind: ImportKind) -> dict[str, str]:
    """The options the kind accepts from the query string (the upload form posts back to the
    same URL, so they survive the upload)."""
    return {name: request.GET[name][:100] for name in kind.page_options if request.GET.get(name)}


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest, kind: str) -> HttpResponse:
    organisation = _acting_for(request)
    import_kind = _kind(request, kind, organisation)
    form = ImportForm(request.POST or None, request.FILES or None)
    file_error: importer.ImportFileError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            job = background.import_start(
                kind=import_kind,
                upload=form.cleaned_data["file"],
                actor=request.user,  # type: ignore[arg-type]
                organisation=organisation,
                dry_run=form.cleaned_data["validate_only"],
                encoding=form.cleaned_data["encoding"],
                options=_page_options(request, import_kind),
            )
        except importer.ImportFileError as error:
            file_error = error
            form.add_error("file", error.message)
        else:
            return redirect("core:import_result", kind=import_kind.key, pk=job.pk)
    return render(
        request,
        "core/import_start.html",
        {
            "kind": import_kind,
            "form": form,
            "organisation": organisation,
            "options_label": import_kind.options_label(
                request.user, _page_options(request, import_kind)
            ),
            "file_error": file_error,
            "header_errors": [e for e in file_error.errors if e.row] if file_error else [],
            "formats": EXPORT_FORMATS,
            "max_size": filesizeformat(settings.IMPORT_MAX_BYTES),
            "max_rows": settings.IMPORT_MAX_ROWS,
            "background_rows": settings.IMPORT_BACKGROUND_ROWS,
        },
    )


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponseBase:
    import_kind = _kind(request, kind, _acting_for(request))
    if fmt not in EXPORT_FORMATS:
        raise Http404
    return export_response(
        columns=importer.template_columns(import_kind),
        rows=import_kind.example_rows,
        fmt=fmt,
        filename=f"qiao-import-{import_kind.key}-template",
    )


def _job(request: HttpRequest, kind: str, pk: Any) -> tuple[ImportKind, JobProgress]:
    """The viewer's own import job (platform admins see every job); 404 for anything else."""
    job: JobProgress = or_404(selectors.job_get(viewer=request.user, pk=pk))
    if job.kind != f"import:{kind}":
        raise Http404
    return _kind(request, kind, job.organisation), job


@login_required
@require_GET
def import_result(request: HttpRequest, kind: str, pk: Any) -> HttpResponse:
    import_kind, job = _job(request, kind, pk)
    result = importer.ImportResult.from_json(job.result) if job.result else None
    return render(
        request,
        "core/import_result.html",
        {
            "kind": import_kind,
            "job": job,
            "result": result,
            "errors": result.errors[:ERRORS_ON_PAGE] if result else [],
            "errors_on_page": ERRORS_ON_PAGE,
            "formats": EXPORT_FORMATS,
        },
    )


@login_required
@require_GET
def import_report(request: HttpRequest, kind: str, pk: Any, fmt: str) -> HttpResponseBase:
    """The error report: row, column, value, message; formulas in values are neutralised."""
    import_kind, job = _job(request, kind, pk)
    if fmt not in EXPORT_FORMATS or not job.result:
        raise Http404
    result = importer.ImportResult.from_json(job.result)
    return export_response(
        columns=importer.report_columns(),
        rows=result.errors,
        fmt=fmt,
        filename=f"qiao-import-{import_kind.key}-errors",
    )
