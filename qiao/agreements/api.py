"""JSON API of agreements (/api/v1/agreements): same selectors, filter set, services and
permissions as the pages. Agreements outside the viewer's scope answer 404; visible agreements
the viewer may not change answer 403; bad input is a 422 naming the field.

No `from __future__ import annotations` here: django-ninja resolves the annotations at import.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.errors import HttpError

from qiao.agreements import kpi, selectors, services
from qiao.agreements import permissions as agreement_perms
from qiao.agreements.filters import AgreementFilter
from qiao.agreements.metrics import all_metrics
from qiao.agreements.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    CooperationArea,
    Party,
)
from qiao.agreements.schemas import (
    MAX_ID,
    AgreementDetailOut,
    AgreementIn,
    AgreementPage,
    AgreementPatch,
    AreaOut,
    CommitmentIn,
    CommitmentOut,
    ContributionIn,
    ContributionOut,
    MetricOut,
    PartyIn,
    TransitionIn,
)
from qiao.agreements.services import PartySpec
from qiao.core import permissions as perms
from qiao.core.models import Organisation
from qiao.core.schemas import ErrorOut

router = Router(tags=["agreements"])

ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 422), ErrorOut)
MAX_PAGE = 1_000_000
LIST_PARAMS = (
    "q",
    "partner",
    "area",
    "status",
    "kind",
    "country",
    "expiring_within",
    "page",
    "page_size",
)


def _only_params(request: HttpRequest, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        raise HttpError(400, f"Unknown query parameter: {', '.join(unknown)}.")


def _require_member(request: HttpRequest) -> None:
    perms.require(agreement_perms.can_use_agreements(request.user))


def _agreement(request: HttpRequest, pk: int) -> Agreement:
    agreement = selectors.agreement_get(viewer=request.user, pk=pk)
    if agreement is None:
        raise Http404
    return agreement


def _editable(request: HttpRequest, pk: int) -> Agreement:
    agreement = _agreement(request, pk)
    perms.require(agreement_perms.can_edit_agreement(request.user, agreement))
    return agreement


def _parties(parties: list[PartyIn]) -> list[PartySpec]:
    orgs = Organisation.objects.in_bulk([p.organisation_id for p in parties])
    missing = [p.organisation_id for p in parties if p.organisation_id not in orgs]
    if missing:
        raise ValidationError(
            {"parties": [_("No organisation has the id %(id)s.") % {"id": missing[0]}]}
        )
    return [PartySpec(role=p.role.value, organisation=orgs[p.organisation_id]) for p in parties]


def _areas(codes: list[str]) -> list[CooperationArea]:
    found = {a.code: a for a in CooperationArea.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError(
            {"areas": [_("Unknown area code: %(codes)s.") % {"codes": ", ".join(unknown)}]}
        )
    return [found[c] for c in dict.fromkeys(codes)]


def _parent(request: HttpRequest, parent_id: int | None) -> Agreement | None:
    if parent_id is None:
        return None
    parent = selectors.agreement_list(viewer=request.user).filter(pk=parent_id).first()
    if parent is None:
        raise ValidationError({"parent_id": [_("No framework agreement has this id.")]})
    return parent


def _detail_out(request: HttpRequest, agreement: Agreement) -> Agreement:
    """The agreement, reloaded, with what AgreementDetailOut shows beyond its fields."""
    agreement = _agreement(request, agreement.pk)
    documents = selectors.documents_with_versions(agreement=agreement)
    agreement.api_documents = [  # type: ignore[attr-defined]
        {
            "id": d.pk,
            "kind": d.kind,
            "title": d.title,
            "versions": [
                {
                    "number": v.number,
                    "original_name": v.original_name,
                    "content_type": v.content_type,
                    "size": v.size,
                    "sha256": v.sha256,
                    "uploaded_at": v.uploaded_at,
                    "download_url": reverse(
                        "agreements:document_download", args=[agreement.pk, v.pk]
                    ),
                }
                for v in d.versions.all()
            ],
        }
        for d in documents
    ]
    agreement.api_signatories = [  # type: ignore[attr-defined]
        {"party_id": s.party_id, "person_id": s.person_id, "name": str(s.person), "title": s.title}
        for s in agreement.signatories.select_related("person")
    ]
    may_move = agreement_perms.can_transition(request.user, agreement)
    agreement.api_allowed_transitions = (  # type: ignore[attr-defined]
        [str(s) for s in services.allowed_next(agreement)] if may_move else []
    )
    agreement.api_renewed_by_id = (  # type: ignore[attr-defined]
        Agreement.objects.filter(renews=agreement)
        .exclude(status=AgreementStatus.TERMINATED)
        .values_list("pk", flat=True)
        .first()
    )
    return agreement


# --- Registry and taxonomy --------------------------------------------------------------------


@router.get("/metrics", response={200: list[MetricOut], **ERRORS}, summary="KPI metrics")
def metric_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Every registered KPI metric: what a commitment's KPI may measure."""
    _require_member(request)
    return [
        {
            "key": m.key,
            "label": str(m.label),
            "unit": m.unit_for(None),
            "description": str(m.description),
        }
        for m in all_metrics()
    ]


@router.get("/areas", response={200: list[AreaOut], **ERRORS}, summary="Cooperation areas")
def area_list(request: HttpRequest) -> Any:
    _require_member(request)
    return list(CooperationArea.objects.order_by("order", "code"))


# --- Agreements -------------------------------------------------------------------------------


@router.get("", response={200: AgreementPage, **ERRORS}, summary="Agreements")
def agreement_list(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="Search titles and reference"),
    partner: int | None = Query(None, ge=1, le=MAX_ID, description="Organisation id"),
    area: str = Query("", max_length=50, description="Area code"),
    status: AgreementStatus | None = None,
    kind: AgreementKind | None = None,
    country: str = Query("", max_length=2, description="ISO 3166-1 alpha-2 of a party"),
    expiring_within: int | None = Query(None, ge=0, le=3650, description="Days"),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(50, ge=1, le=100),
) -> dict[str, Any]:
    """The agreements the viewer's organisations are party to, filtered like the list page."""
    _only_params(request, LIST_PARAMS)
    _require_member(request)
    params = {
        "q": q,
        "partner": partner,
        "area": area,
        "status": status.value if status else None,
        "kind": kind.value if kind else None,
        "country": country.upper(),
        "expiring_within": expiring_within,
    }
    data = {k: str(v) for k, v in params.items() if v not in (None, "")}
    fs = AgreementFilter(
        data, queryset=selectors.agreement_list_rows(viewer=request.user), request=request
    )
    if not fs.is_valid():
        raise ValidationError(
            {f: [e["message"] for e in errs] for f, errs in fs.errors.get_json_data().items()}
        )
    qs = fs.qs.order_by("title", "pk")
    offset = (page - 1) * page_size
    return {
        "items": list(qs[offset : offset + page_size]),
        "count": qs.count(),
        "page": page,
        "page_size": page_size,
    }


@router.get("/{pk}", response={200: AgreementDetailOut, **ERRORS})
def agreement_get(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)) -> Agreement:
    return _detail_out(request, _agreement(request, pk))


@router.post("", response={201: AgreementDetailOut, **ERRORS})
def agreement_create(request: HttpRequest, payload: AgreementIn) -> Status:
    """Coordinators of a party organisation (which must be among the parties) and platform
    admins. The agreement starts as a draft."""
    perms.require(agreement_perms.can_create_agreement(request.user))
    parties = _parties(payload.parties)
    perms.require(
        agreement_perms.can_create_agreement_between(
            request.user, [p.organisation.pk for p in parties if p.organisation]
        )
    )
    fields = payload.model_dump(exclude={"parties", "areas", "parent_id"})
    if fields.get("remind_days_before") is None:
        fields.pop("remind_days_before", None)
    agreement = services.agreement_create(
        actor=request.user,
        parties=parties,
        areas=_areas(payload.areas),
        parent=_parent(request, payload.parent_id),
        **{k: v.value if hasattr(v, "value") else v for k, v in fields.items()},
    )
    return Status(201, _detail_out(request, agreement))


@router.patch("/{pk}", response={200: AgreementDetailOut, **ERRORS})
def agreement_update(
    request: HttpRequest, payload: AgreementPatch, pk: int = Path(..., ge=1, le=MAX_ID)
) -> Agreement:
    agreement = _editable(request, pk)
    data = payload.model_dump(exclude_unset=True)
    for name in ("kind", "title", "title_en", "title_zh", "summary", "reference", "currency"):
        if name in data and data[name] is None:
            raise ValidationError({name: [_("This field cannot be null.")]})
    if "remind_days_before" in data and data["remind_days_before"] is None:
        raise ValidationError({"remind_days_before": [_("This field cannot be null.")]})
    parties = None
    if "parties" in data:
        if data.pop("parties") is None:
            raise ValidationError({"parties": [_("This field cannot be null.")]})
        assert payload.parties is not None
        parties = _parties(payload.parties)
        perms.require(
            agreement_perms.can_create_agreement_between(
                request.user, [p.organisation.pk for p in parties if p.organisation]
            )
        )
    areas = None
    if "areas" in data:
        codes = data.pop("areas")
        if codes is None:
            raise ValidationError({"areas": [_("This field cannot be null.")]})
        areas = _areas(codes)
    if "parent_id" in data:
        data["parent"] = _parent(request, data.pop("parent_id"))
    data = {k: v.value if hasattr(v, "value") else v for k, v in data.items()}
    services.agreement_update(
        actor=request.user, agreement=agreement, parties=parties, areas=areas, **data
    )
    return _detail_out(request, agreement)


@router.post("/{pk}/transition", response={200: AgreementDetailOut, **ERRORS})
def agreement_transition(
    request: HttpRequest, payload: TransitionIn, pk: int = Path(..., ge=1, le=MAX_ID)
) -> Agreement:
    """Move along draft → negotiating → signed → active → expired | terminated; a 422 says what
    is missing (signatories, the signed copy, the validity period, a reason)."""
    agreement = _agreement(request, pk)
    perms.require(agreement_perms.can_transition(request.user, agreement))
    services.agreement_transition(
        actor=request.user,
        agreement=agreement,
        to=payload.to.value,
        on=payload.on,
        reason=payload.reason,
    )
    return _detail_out(request, agreement)


# --- Commitments ------------------------------------------------------------------------------


def _commitment_out(row: selectors.CommitmentRow) -> dict[str, Any]:
    c = row.commitment
    return {
        "id": c.pk,
        "area": c.area.code,
        "text": c.text,
        "owner_party_id": c.owner_id,
        "owner": str(c.owner.member),
        "due_date": c.due_date,
        "recurrence": c.recurrence,
        "kpi": row.kpi.as_json() if row.kpi else None,
    }


@router.get("/{pk}/commitments", response={200: list[CommitmentOut], **ERRORS})
def commitment_list(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """The clauses with their KPIs: actual values computed from the platform's records."""
    agreement = _agreement(request, pk)
    return [_commitment_out(r) for r in selectors.commitments_with_kpis(agreement=agreement)]


@router.post("/{pk}/commitments", response={201: CommitmentOut, **ERRORS})
def commitment_create(
    request: HttpRequest, payload: CommitmentIn, pk: int = Path(..., ge=1, le=MAX_ID)
) -> Status:
    agreement = _editable(request, pk)
    area = CooperationArea.objects.filter(code=payload.area).first()
    if area is None:
        raise ValidationError({"area": [_("Unknown area code.")]})
    owner = Party.objects.filter(agreement=agreement, pk=payload.owner_party_id).first()
    if owner is None:
        raise ValidationError({"owner_party_id": [_("Not a party to this agreement.")]})
    commitment = services.commitment_create(
        actor=request.user,
        agreement=agreement,
        area=area,
        text=payload.text,
        owner=owner,
        due_date=payload.due_date,
        recurrence=payload.recurrence.value,
        kpi_metric=payload.kpi_metric,
        kpi_target=payload.kpi_target,
        kpi_period=payload.kpi_period.value if payload.kpi_period else "",
    )
    row = selectors.CommitmentRow(commitment, kpi.evaluate(commitment, agreement=agreement))
    return Status(201, _commitment_out(row))


# --- Contributions ----------------------------------------------------------------------------


@router.get("/{pk}/contributions", response={200: list[ContributionOut], **ERRORS})
def contribution_list(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    agreement = _agreement(request, pk)
    return list(
        selectors.contribution_list(viewer=request.user)
        .filter(agreement=agreement)
        .order_by("-date", "-id")
    )


@router.post("/{pk}/contributions", response={201: ContributionOut, **ERRORS})
def contribution_create(
    request: HttpRequest, payload: ContributionIn, pk: int = Path(..., ge=1, le=MAX_ID)
) -> Status:
    """Record a contribution (JSON; evidence files are uploaded on the agreement's page)."""
    agreement = _editable(request, pk)
    party = Party.objects.filter(agreement=agreement, pk=payload.party_id).first()
    if party is None:
        raise ValidationError({"party_id": [_("Not a party to this agreement.")]})
    contribution = services.contribution_create(
        actor=request.user,
        agreement=agreement,
        party=party,
        kind=payload.kind.value,
        value=payload.value,
        currency=payload.currency,
        unit=payload.unit,
        date=payload.date,
        description=payload.description,
    )
    return Status(201, contribution)


# --- Committees, meetings, decisions, action items (their own module) -------------------------

from qiao.agreements.api_committees import router as committees_router  # noqa: E402

router.add_router("", committees_router)
