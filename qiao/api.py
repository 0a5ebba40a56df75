"""The JSON API, versioned under /api/v1. Each app contributes a router; same permissions as
the pages (the routers call the same selectors and services).

Every failure is a JSON body {"error": {"code", "message", "details"}} with a 4xx status —
bad JSON, wrong types, unknown fields or parameters, oversized bodies, ids out of range — and
an unexpected bug is logged and answered with the same shape and a 500, never an HTML page.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, APIKeyHeader, HttpBearer
from ninja.utils import check_csrf

from qiao.core.services.accounts import api_token_authenticate

logger = logging.getLogger("qiao.api")


class InvalidToken(AuthenticationError):
    """A token was sent but is unknown, revoked or expired: refuse at once rather than fall
    back to the session, so a revoked token never silently keeps working in a browser."""


class TokenAuth(HttpBearer):
    """`Authorization: Bearer qiao_…` — a personal access token. No CSRF: a token is not
    sent by the browser on its own, so a cross-site request cannot carry it."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token.strip())
        if user is None:
            raise InvalidToken
        request.user = user
        return user


class TokenHeaderAuth(APIKeyHeader):
    """`X-API-Token: qiao_…` — the same token, for clients that cannot set Authorization."""

    param_name = "X-API-Token"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key:
            return None
        user = api_token_authenticate(key.strip())
        if user is None:
            raise InvalidToken
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser session of a logged-in user. Unsafe methods must carry the CSRF token
    (X-CSRFToken header), exactly as a form on the pages must.

    Unlike ninja's own SessionAuth, an anonymous request is answered 401 (not 403 for a
    missing CSRF token), and the CSRF check runs only when the session authenticates."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover
        return None  # __call__ does the work


session_auth = SessionAuth()


class QiaoAPI(NinjaAPI):
    """NinjaAPI whose answers outside any operation — "method not allowed", the bare root —
    are JSON errors like every other."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_errors(pattern.callback)
        return urls


def _json_errors(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @functools.wraps(view)  # keeps csrf_exempt: ninja checks CSRF itself
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = view(request, *args, **kwargs)
        except Http404:  # ninja's root view: "see the docs"
            return error_response(
                request, 404, "not_found", "No such endpoint.", {"docs": request.path + "docs"}
            )
        if response.status_code != 405 or "json" in response.get("Content-Type", ""):
            return response
        allowed = response.get("Allow", "")
        json_response = error_response(
            request, 405, "method_not_allowed", "Method not allowed.", {"allowed": allowed}
        )
        json_response["Allow"] = allowed
        return json_response

    return wrapper


api = QiaoAPI(
    title="Qiao API",
    version="1.0.0",
    description="School–enterprise cooperation: organisations, people, skills and more. "
    "Authenticate with a personal access token (Authorization: Bearer qiao_…, or the "
    "X-API-Token header) created at /account/tokens/, or with your browser session "
    "(unsafe methods then need the X-CSRFToken header). Errors are "
    '{"error": {"code", "message", "details"}}.',
    urls_namespace="api-1.0.0",
    auth=[TokenAuth(), TokenHeaderAuth(), session_auth],
    # Served from our own static files (ninja's static dir), never a CDN. No validator badge:
    # it would load an image from validator.swagger.io, which the CSP forbids anyway.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)

_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_input",
    429: "throttled",
}


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    details: Any = None,
) -> HttpResponse:
    """The one shape of every API error."""
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return api.create_response(request, body, status=status)


def _pydantic_details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ninja's error list, trimmed to what a client needs: where, what, which kind."""
    return [
        {
            "loc": [str(part) for part in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in errors
    ]


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return error_response(
        request, 422, "invalid_input", "The request is not valid.", _pydantic_details(exc.errors)
    )


@api.exception_handler(ValidationError)
def _django_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return error_response(request, 422, "invalid_input", "The request is not valid.", details)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if isinstance(exc, InvalidToken):
        return error_response(
            request, 401, "invalid_token", "The token is unknown, revoked or expired."
        )
    return error_response(request, 401, "unauthenticated", "Authentication required.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", "You may not do this.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", "Not found.")


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return error_response(
        request, 413, "too_large", "The request body is too large.", {"max_bytes": limit}
    )


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    # Too many query parameters or form fields, a malformed multipart body…
    return error_response(request, 400, "bad_request", "The request is malformed.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    code = _CODES.get(status, "error")
    if status == 403 and "CSRF" in str(exc):
        code = "csrf_failed"
    return error_response(request, status, code, str(exc))


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A bug, not bad input: keep the traceback in the log, give the client the same shape.
    logger.exception("Unhandled error in API %s %s", request.method, request.path)
    return error_response(request, 500, "server_error", "Something went wrong on our side.")


@csrf_exempt  # a POST to a wrong address gets a JSON 404, not the CSRF failure page
def not_found_view(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other path under /api/: a JSON 404 instead of the HTML page."""
    return error_response(request, 404, "not_found", "No such endpoint.")


from qiao.agreements.api import router as agreements_router  # noqa: E402
from qiao.core.api import router as core_router  # noqa: E402
from qiao.credentials.api import router as credentials_router  # noqa: E402
from qiao.placements.api import router as placements_router  # noqa: E402
from qiao.skills.api import router as skills_router  # noqa: E402

api.add_router("/", core_router)
api.add_router("/skills", skills_router)
api.add_router("/agreements", agreements_router)
api.add_router("/credentials", credentials_router)
api.add_router("/placements", placements_router)
