"""JSON API for organisations, departments and people; same selectors, filter sets and
services as the pages, so a viewer sees and may do exactly what the pages allow.

Objects outside the viewer's scope answer 404 (their existence does not leak); visible objects
the viewer may not change answer 403. Unknown query parameters are refused, not ignored: a
misspelt filter must not quietly return everything.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django_filters import FilterSet
from ninja import Path, Query, Router, Status
from ninja.errors import HttpError

from qiao.core import permissions as perms
from qiao.core import selectors
from qiao.core.filters import OrganisationFilter, PersonFilter
from qiao.core.models import AffiliationKind, Department, Organisation, OrganisationKind, Person
from qiao.core.schemas import (
    DepartmentIn,
    DepartmentOut,
    DepartmentPatch,
    ErrorOut,
    MarkedOut,
    MeOut,
    NotificationOut,
    NotificationPage,
    OrganisationIn,
    OrganisationOut,
    OrganisationPage,
    OrganisationPatch,
    PersonOut,
    PersonPage,
)
from qiao.core.services import notifications as notification_services
from qiao.core.services import organisations as services

router = Router(tags=["core"])

# Ids beyond a signed 64-bit integer cannot exist; refusing them early keeps the database
# from raising an overflow (a 500) on SQLite and PostgreSQL alike.
MAX_ID = 2**63 - 1
MAX_PAGE = 1_000_000
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
PAGE_PARAMS = ("page", "page_size")

ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 422), ErrorOut)


def _only_params(request: HttpRequest, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        raise HttpError(400, f"Unknown query parameter: {', '.join(unknown)}.")


def _filtered(
    filterset_class: type[FilterSet], params: dict[str, Any], queryset: QuerySet[Any], request: Any
) -> QuerySet[Any]:
    """Apply the list's filter set (the one the page uses); invalid values are a 422."""
    data = {k: str(v) for k, v in params.items() if v not in (None, "")}
    fs = filterset_class(data, queryset=queryset, request=request)
    if not fs.is_valid():
        raise ValidationError(
            {
                field: [e["message"] for e in errs]
                for field, errs in fs.errors.get_json_data().items()
            }
        )
    return fs.qs


def _page(queryset: QuerySet[Any], page: int, page_size: int) -> dict[str, Any]:
    offset = (page - 1) * page_size
    return {
        "items": list(queryset[offset : offset + page_size]),
        "count": queryset.count(),
        "page": page,
        "page_size": page_size,
    }


def _organisation(request: HttpRequest, pk: int) -> Organisation:
    org = selectors.organisation_get(viewer=request.user, pk=pk)
    if org is None:
        raise Http404
    return org


# --- Me ---------------------------------------------------------------------------------------


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The authenticated account")
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    person = Person.objects.filter(user=user).values_list("pk", flat=True).first()
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "language": user.language,
        "is_platform_admin": perms.is_platform_admin(user),
        "person_id": person,
        "memberships": [
            {
                "organisation_id": m.organisation_id,
                "organisation_name": str(m.organisation),
                "role": m.role,
            }
            for m in user.memberships.select_related("organisation")
        ],
    }


# --- Organisations ----------------------------------------------------------------------------


@router.get("/organisations", response={200: OrganisationPage, **ERRORS})
def organisation_list(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="Search names and city"),
    kind: OrganisationKind | None = None,
    country: str = Query("", max_length=2, description="ISO 3166-1 alpha-2"),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    """Organisations of the alliance directory (members only), filtered like the page."""
    _only_params(request, ("q", "kind", "country", *PAGE_PARAMS))
    perms.require(perms.can_view_directory(request.user))
    qs = _filtered(
        OrganisationFilter,
        {"q": q, "kind": kind.value if kind else None, "country": country.upper()},
        selectors.organisation_list(viewer=request.user),
        request,
    )
    return _page(qs.order_by("name", "pk"), page, page_size)


@router.get("/organisations/{pk}", response={200: OrganisationOut, **ERRORS})
def organisation_get(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)) -> Organisation:
    return _organisation(request, pk)


@router.post("/organisations", response={201: OrganisationOut, **ERRORS})
def organisation_create(request: HttpRequest, payload: OrganisationIn) -> Status:
    """Platform administrators only."""
    perms.require(perms.can_create_organisation(request.user))
    org = services.organisation_create(actor=request.user, **payload.model_dump(mode="json"))
    return Status(201, org)


@router.patch("/organisations/{pk}", response={200: OrganisationOut, **ERRORS})
def organisation_update(
    request: HttpRequest, payload: OrganisationPatch, pk: int = Path(..., ge=1, le=MAX_ID)
) -> Organisation:
    """The organisation's administrators and platform administrators."""
    org = _organisation(request, pk)
    perms.require(perms.can_manage_organisation(request.user, org))
    fields = payload.model_dump(mode="json", exclude_unset=True)
    return services.organisation_update(actor=request.user, organisation=org, **fields)


# --- Departments ------------------------------------------------------------------------------


@router.get("/organisations/{pk}/departments", response={200: list[DepartmentOut], **ERRORS})
def department_list(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    org = _organisation(request, pk)
    return list(selectors.department_list(viewer=request.user, organisation=org))


@router.post("/organisations/{pk}/departments", response={201: DepartmentOut, **ERRORS})
def department_create(
    request: HttpRequest, payload: DepartmentIn, pk: int = Path(..., ge=1, le=MAX_ID)
) -> Status:
    """The organisation's coordinators and administrators."""
    org = _organisation(request, pk)
    perms.require(perms.can_manage_departments(request.user, org))
    dept = services.department_create(
        actor=request.user, organisation=org, **payload.model_dump(mode="json")
    )
    return Status(201, dept)


def _department(request: HttpRequest, pk: int, dept_pk: int) -> Department:
    org = _organisation(request, pk)
    perms.require(perms.can_manage_departments(request.user, org))
    dept = selectors.department_list(viewer=request.user, organisation=org).filter(pk=dept_pk)
    found = dept.first()
    if found is None:
        raise Http404
    return found


@router.patch("/organisations/{pk}/departments/{dept_pk}", response={200: DepartmentOut, **ERRORS})
def department_update(
    request: HttpRequest,
    payload: DepartmentPatch,
    pk: int = Path(..., ge=1, le=MAX_ID),
    dept_pk: int = Path(..., ge=1, le=MAX_ID),
) -> Department:
    dept = _department(request, pk, dept_pk)
    fields = payload.model_dump(mode="json", exclude_unset=True)
    return services.department_update(actor=request.user, department=dept, **fields)


@router.delete("/organisations/{pk}/departments/{dept_pk}", response={204: None, **ERRORS})
def department_delete(
    request: HttpRequest,
    pk: int = Path(..., ge=1, le=MAX_ID),
    dept_pk: int = Path(..., ge=1, le=MAX_ID),
) -> Status:
    dept = _department(request, pk, dept_pk)
    services.department_delete(actor=request.user, department=dept)
    return Status(204, None)


# --- People -----------------------------------------------------------------------------------


@router.get("/people", response={200: PersonPage, **ERRORS})
def person_list(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="Search names, email, student number"),
    organisation: int | None = Query(None, ge=1, le=MAX_ID),
    kind: AffiliationKind | None = None,
    nationality: str = Query("", max_length=2, description="ISO 3166-1 alpha-2"),
    cohort_year: int | None = Query(None, ge=1950, le=2100),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    """The people the viewer may see (as on the people page), with their visible
    affiliations."""
    _only_params(request, ("q", "organisation", "kind", "nationality", "cohort_year", *PAGE_PARAMS))
    params = {
        "q": q,
        "organisation": organisation,
        "kind": kind.value if kind else None,
        "nationality": nationality.upper(),
        "cohort_year": cohort_year,
    }
    qs = _filtered(PersonFilter, params, selectors.person_list(viewer=request.user), request)
    qs = qs.prefetch_related(selectors.visible_affiliations_prefetch(viewer=request.user))
    return _page(qs.order_by("family_name", "given_name", "pk"), page, page_size)


@router.get("/people/{pk}", response={200: PersonOut, **ERRORS})
def person_get(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)) -> Person:
    person = selectors.person_get(viewer=request.user, pk=pk)
    if person is None:
        raise Http404
    person.visible_affiliations = list(  # type: ignore[attr-defined]
        selectors.affiliations_visible(viewer=request.user, person=person)
    )
    return person


# --- Notifications ----------------------------------------------------------------------------


@router.get("/notifications", response={200: NotificationPage, **ERRORS}, summary="My inbox")
def notification_list(
    request: HttpRequest,
    unread: bool | None = Query(None, description="true: unread only; false: read only"),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    """The authenticated account's own notifications, newest first."""
    _only_params(request, ("unread", *PAGE_PARAMS))
    data = _page(selectors.notification_list(viewer=request.user, unread=unread), page, page_size)
    data["unread"] = selectors.notification_unread_count(viewer=request.user)
    return data


@router.post("/notifications/read-all", response={200: MarkedOut, **ERRORS})
def notification_read_all(request: HttpRequest) -> dict[str, int]:
    user: Any = request.user
    return {"marked": notification_services.notifications_mark_all_read(user=user)}


@router.post("/notifications/{pk}/read", response={200: NotificationOut, **ERRORS})
def notification_read(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """Mark one of your notifications read (someone else's answers 404)."""
    notification = selectors.notification_get(viewer=request.user, pk=pk)
    if notification is None:
        raise Http404
    user: Any = request.user
    return notification_services.notification_mark_read(user=user, notification=notification)
