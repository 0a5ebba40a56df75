"""JSON API of credentials (/api/v1/credentials): same selectors, services and permissions as
the pages. Credentials outside the viewer's scope answer 404; visible ones the viewer may not
change answer 403; bad input is a 422 naming the problem. `POST /verify` needs no account.

No `from __future__ import annotations` here: django-ninja resolves the annotations at import.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Path, Query, Router, Status
from ninja.errors import HttpError

from qiao.core import permissions as perms
from qiao.core import selectors as core_selectors
from qiao.core.schemas import ErrorOut
from qiao.credentials import conf, crypto, selectors, verification
from qiao.credentials import permissions as cred_perms
from qiao.credentials.models import Credential, CredentialState, Issuer
from qiao.credentials.schemas import (
    CredentialDetailOut,
    CredentialOut,
    CredentialPage,
    IssueIn,
    IssuerOut,
    StatusIn,
    VerifyOut,
)
from qiao.credentials.services import issuance, status
from qiao.vc import did_web_document_url

router = Router(tags=["credentials"])

ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 413, 422), ErrorOut)
MAX_PAGE = 1_000_000


def _only_params(request: HttpRequest, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        raise HttpError(400, f"Unknown query parameter: {', '.join(unknown)}.")


def _credential_out(credential: Credential) -> dict[str, Any]:
    return {
        "id": credential.pk,
        "achievement_id": credential.achievement_id,
        "achievement": str(credential.achievement),
        "person_id": credential.person_id,
        "organisation_id": credential.organisation_id,
        "issuer": credential.issuer.did,
        "issued_at": credential.issued_at,
        "valid_until": credential.valid_until,
        "status": credential.status,
        "status_reason": credential.status_reason,
        "sha256": credential.sha256,
        "status_list": credential.status_list,
        "status_index": credential.status_index,
    }


def _issuer_out(issuer: Issuer) -> dict[str, Any]:
    return {
        "did": issuer.did,
        "name": issuer.name,
        "slug": issuer.slug,
        "organisation_id": issuer.organisation_id,
        "is_alliance": issuer.is_alliance,
        "controller_document_url": did_web_document_url(issuer.did),
        "keys": [
            {
                "id": key.method_id,
                "public_key_multibase": key.public_key_multibase,
                "active": key.is_active,
                "created_at": key.created_at,
                "retired_at": key.retired_at,
            }
            for key in issuer.keys.all()
        ],
    }


@router.get("/issuers", response={200: list[IssuerOut], **ERRORS})
def issuer_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Every issuer of the instance with its keys (the same as the public trust list)."""
    _only_params(request, ())
    return [_issuer_out(i) for i in selectors.issuer_list(viewer=request.user).order_by("slug")]


@router.get("/credentials", response={200: CredentialPage, **ERRORS})
def credential_list(
    request: HttpRequest,
    status: CredentialState | None = None,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(50, ge=1, le=100),
) -> dict[str, Any]:
    """The viewer's own credentials and those their organisations issued."""
    _only_params(request, ("status", "page", "page_size"))
    qs = selectors.credential_list(viewer=request.user)
    if status is not None:
        qs = qs.filter(status=status.value)
    qs = qs.order_by("-issued_at", "pk")
    offset = (page - 1) * page_size
    return {
        "items": [_credential_out(c) for c in qs[offset : offset + page_size]],
        "count": qs.count(),
        "page": page,
        "page_size": page_size,
    }


def _credential(request: HttpRequest, pk: Any) -> Credential:
    credential = selectors.credential_get(viewer=request.user, pk=pk)
    if credential is None:
        raise Http404
    return credential


@router.get("/credentials/{pk}", response={200: CredentialDetailOut, **ERRORS})
def credential_get(request: HttpRequest, pk: str = Path(..., max_length=36)) -> dict[str, Any]:
    credential = _credential(request, _uuid(pk))
    return {**_credential_out(credential), "document": credential.as_json()}


def _uuid(value: str) -> Any:
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise Http404 from exc


@router.post("/credentials", response={201: CredentialOut, **ERRORS})
def credential_issue(request: HttpRequest, payload: IssueIn) -> Status:
    """Issue one credential (coordinators and admins of the achievement's organisation)."""
    achievement = selectors.achievement_get(viewer=request.user, pk=payload.achievement_id)
    if achievement is None:
        raise Http404
    perms.require(cred_perms.can_manage_credentials(request.user, achievement.organisation))
    person = core_selectors.person_get(viewer=request.user, pk=payload.person_id)
    if person is None:
        raise Http404
    try:
        credential = issuance.credential_issue(
            actor=request.user,
            achievement=achievement,
            person=person,
            valid_until=payload.valid_until,
        )
    except crypto.KeyEncryptionError as error:
        raise HttpError(409, str(error)) from error
    return Status(201, _credential_out(credential))


def _status_change(request: HttpRequest, pk: str, action: Any, payload: StatusIn) -> dict[str, Any]:
    credential = _credential(request, _uuid(pk))
    perms.require(cred_perms.can_manage_credential(request.user, credential))
    try:
        updated = action(actor=request.user, credential=credential, reason=payload.reason)
    except ValidationError as error:
        raise HttpError(409, " ".join(error.messages)) from error
    return _credential_out(updated)


@router.post("/credentials/{pk}/revoke", response={200: CredentialOut, **ERRORS})
def credential_revoke(
    request: HttpRequest, payload: StatusIn, pk: str = Path(..., max_length=36)
) -> dict[str, Any]:
    return _status_change(request, pk, status.credential_revoke, payload)


@router.post("/credentials/{pk}/suspend", response={200: CredentialOut, **ERRORS})
def credential_suspend(
    request: HttpRequest, payload: StatusIn, pk: str = Path(..., max_length=36)
) -> dict[str, Any]:
    return _status_change(request, pk, status.credential_suspend, payload)


@router.post("/credentials/{pk}/unsuspend", response={200: CredentialOut, **ERRORS})
def credential_unsuspend(
    request: HttpRequest, payload: StatusIn, pk: str = Path(..., max_length=36)
) -> dict[str, Any]:
    return _status_change(request, pk, status.credential_unsuspend, payload)


@router.post(
    "/verify",
    auth=None,
    response={200: VerifyOut, **ERRORS},
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": {"type": "object"}}},
            "required": True,
            "description": "The credential, as JSON (at most CREDENTIALS_VERIFY_MAX_BYTES).",
        }
    },
)
def verify(request: HttpRequest) -> dict[str, Any]:
    """Verify a credential (no account needed). The body is the credential itself. The answer
    is 200 with `valid` true or false and every check, in English and Chinese; 413 when the
    body is too large."""
    body = request.body
    if len(body) > conf.VERIFY_MAX_BYTES:
        raise HttpError(413, f"A credential is at most {conf.VERIFY_MAX_BYTES} bytes.")
    return verification.verify_credential(body).to_json()
