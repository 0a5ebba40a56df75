"""Files of agreements — document versions, evidence, photos — served only to those who may see
the agreement, never straight from /media/. Downloads keep the uploaded name; photos are shown
inline with the content type verified at upload; nothing is sniffed by the browser."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from qiao.agreements import selectors
from qiao.core.views._helpers import or_404


def _serve(field: FieldFile, *, content_type: str, filename: str, attachment: bool) -> FileResponse:
    if not field or not field.name:
        raise Http404
    try:
        handle = field.storage.open(field.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=attachment, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
@login_required
def document_download(request: HttpRequest, pk: int, item: int) -> FileResponse:
    version = or_404(selectors.document_version_get(viewer=request.user, agreement_pk=pk, pk=item))
    return _serve(
        version.file,
        content_type=version.content_type,
        filename=version.original_name,
        attachment=True,
    )


@require_GET
@login_required
def evidence_download(request: HttpRequest, pk: int, item: int) -> FileResponse:
    contribution = or_404(selectors.contribution_get(viewer=request.user, agreement_pk=pk, pk=item))
    return _serve(
        contribution.evidence,
        content_type=contribution.evidence_content_type or "application/octet-stream",
        filename=contribution.evidence_name or "evidence",
        attachment=True,
    )


@require_GET
@login_required
def photo(request: HttpRequest, pk: int, item: int) -> FileResponse:
    found = or_404(selectors.photo_get(viewer=request.user, agreement_pk=pk, pk=item))
    return _serve(
        found.image,
        content_type=found.content_type,
        filename=found.original_name,
        attachment=False,
    )
