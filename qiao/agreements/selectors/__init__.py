"""Every read of the agreements pages, API, exports and dashboards; always scoped to what the
viewer may see (qiao.agreements.permissions.agreement_scope)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from qiao.agreements import kpi
from qiao.agreements import permissions as agreement_perms
from qiao.agreements.models import (
    Agreement,
    AgreementStatus,
    Commitment,
    Contribution,
    ContributionKind,
    CooperationArea,
    Direction,
    Document,
    DocumentVersion,
    EventPhoto,
    Party,
    Signatory,
)
from qiao.agreements.models.ledger import UNIT_LABELS
from qiao.agreements.timeline import TimelineItem, timeline_for
from qiao.core import permissions as perms
from qiao.core.models import Organisation, Person

# --- Agreements -------------------------------------------------------------------------------


# Annotated by agreement_list: in force and not past its validity.
IN_FORCE_NOW = Q(current_status__in=[AgreementStatus.SIGNED, AgreementStatus.ACTIVE])


def agreement_list(*, viewer: Any, today: dt.date | None = None) -> QuerySet[Agreement]:
    """Agreements the viewer may see, with `current_status` annotated."""
    scope = agreement_perms.agreement_scope(viewer)
    qs = Agreement.objects.with_current_status(today)
    return qs if scope is None else qs.filter(scope)


def parties_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "parties",
        queryset=Party.objects.select_related("organisation", "person").order_by("order", "id"),
    )


def agreement_list_rows(*, viewer: Any) -> QuerySet[Agreement]:
    """The list page, its export and the API list: parties and areas in two queries."""
    return agreement_list(viewer=viewer).prefetch_related(
        parties_prefetch(), Prefetch("areas", queryset=CooperationArea.objects.order_by("order"))
    )


def agreement_get(*, viewer: Any, pk: int) -> Agreement | None:
    return (
        agreement_list(viewer=viewer)
        .select_related("parent", "renews")
        .prefetch_related(parties_prefetch(), "areas")
        .filter(pk=pk)
        .first()
    )


def partner_organisations(*, viewer: Any) -> QuerySet[Organisation]:
    """Organisations that are party to an agreement the viewer may see (the list's filter)."""
    visible = agreement_list(viewer=viewer).values("pk")
    return Organisation.objects.filter(
        pk__in=Party.objects.filter(agreement__in=visible, organisation__isnull=False).values(
            "organisation_id"
        )
    ).order_by("name")


def framework_choices(*, viewer: Any) -> QuerySet[Agreement]:
    """Framework agreements the viewer may see and place another agreement under."""
    return (
        agreement_list(viewer=viewer)
        .filter(kind="framework")
        .exclude(status=AgreementStatus.TERMINATED)
        .order_by("title")
    )


def renewal_chain(*, viewer: Any, agreement: Agreement) -> list[Agreement]:
    """The agreements this one renews (oldest first), itself, and its renewals, as far as the
    viewer may see them. Chains are short (one link per renewal period)."""
    visible = agreement_list(viewer=viewer)
    back: list[Agreement] = []
    current = agreement
    seen = {agreement.pk}
    while current.renews_id and current.renews_id not in seen:
        previous = visible.filter(pk=current.renews_id).first()
        if previous is None:
            break
        back.append(previous)
        seen.add(previous.pk)
        current = previous
    forward: list[Agreement] = []
    current = agreement
    while True:
        following = (
            visible.filter(renews=current).exclude(pk__in=seen).order_by("-created_at").first()
        )
        if following is None:
            break
        forward.append(following)
        seen.add(following.pk)
        current = following
    chain = [*reversed(back), agreement, *forward]
    return chain if len(chain) > 1 else []


# --- Commitments and KPIs ---------------------------------------------------------------------


@dataclass
class CommitmentRow:
    commitment: Commitment
    kpi: kpi.KpiResult | None


def commitments_with_kpis(
    *, agreement: Agreement, today: dt.date | None = None, cache: kpi.KpiCache | None = None
) -> list[CommitmentRow]:
    """The agreement's commitments with their KPI actuals; each (metric, period) computed
    once."""
    cache = cache or kpi.KpiCache()
    rows = []
    for c in agreement.commitments.select_related("area", "owner__organisation", "owner__person"):
        rows.append(
            CommitmentRow(c, kpi.evaluate(c, agreement=agreement, today=today, cache=cache))
        )
    return rows


# --- Documents --------------------------------------------------------------------------------


def documents_with_versions(*, agreement: Agreement) -> list[Document]:
    return list(
        agreement.documents.prefetch_related(
            Prefetch(
                "versions",
                queryset=DocumentVersion.objects.select_related("uploaded_by").order_by("-number"),
            )
        ).order_by("kind", "title", "id")
    )


def document_version_get(*, viewer: Any, agreement_pk: int, pk: int) -> DocumentVersion | None:
    agreement = agreement_list(viewer=viewer).filter(pk=agreement_pk).values("pk")
    return (
        DocumentVersion.objects.select_related("document")
        .filter(pk=pk, document__agreement__in=agreement)
        .first()
    )


def photo_get(*, viewer: Any, agreement_pk: int, pk: int) -> EventPhoto | None:
    agreement = agreement_list(viewer=viewer).filter(pk=agreement_pk).values("pk")
    return EventPhoto.objects.filter(pk=pk, event__agreement__in=agreement).first()


def signatories(*, agreement: Agreement) -> dict[int, list[Signatory]]:
    """Signatories by party id."""
    by_party: dict[int, list[Signatory]] = defaultdict(list)
    for s in agreement.signatories.select_related("person").order_by("party__order", "order"):
        by_party[s.party_id].append(s)
    return by_party


# --- Contributions ----------------------------------------------------------------------------


def contribution_list(*, viewer: Any) -> QuerySet[Contribution]:
    visible = agreement_list(viewer=viewer).values("pk")
    return Contribution.objects.filter(agreement__in=visible).select_related(
        "agreement", "party__organisation", "party__person"
    )


def contribution_get(*, viewer: Any, agreement_pk: int, pk: int) -> Contribution | None:
    return contribution_list(viewer=viewer).filter(agreement_id=agreement_pk, pk=pk).first()


@dataclass
class Totals:
    """Contribution totals: rows of (party, direction, kind, measure, year, total, count), and
    sums by party, by kind and by direction — each per measure (a currency or a unit), since
    yuan and hours do not add up."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    by_party: list[dict[str, Any]] = field(default_factory=list)
    by_kind: list[dict[str, Any]] = field(default_factory=list)
    by_year: list[dict[str, Any]] = field(default_factory=list)
    inputs_outputs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.rows


def _measure_label(currency: str, unit: str) -> str:
    return currency or str(UNIT_LABELS.get(unit, unit))


def contribution_totals(*, contributions: QuerySet[Contribution]) -> Totals:
    """Totals of an already scoped queryset, in one aggregate query."""
    raw = list(
        contributions.order_by()
        .annotate(year=ExtractYear("date"))
        .values(
            "party__organisation_id",
            "party__person_id",
            "direction",
            "kind",
            "currency",
            "unit",
            "year",
        )
        .annotate(total=Sum("value"), n=Count("id"))
    )
    names: dict[tuple[str, int], str] = {}
    org_ids = {r["party__organisation_id"] for r in raw if r["party__organisation_id"]}
    person_ids = {r["party__person_id"] for r in raw if r["party__person_id"]}
    if org_ids:
        names.update({("o", o.pk): str(o) for o in Organisation.objects.filter(pk__in=org_ids)})
    if person_ids:
        names.update({("p", p.pk): str(p) for p in Person.objects.filter(pk__in=person_ids)})
    kinds = dict(ContributionKind.choices)
    directions = dict(Direction.choices)
    totals = Totals()
    by_party: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    by_kind: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    by_year: dict[tuple[int, str, str], Decimal] = defaultdict(Decimal)
    io: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for r in raw:
        if r["party__organisation_id"]:
            party = names.get(("o", r["party__organisation_id"]), "")
        else:
            party = names.get(("p", r["party__person_id"]), "")
        measure = _measure_label(r["currency"], r["unit"])
        row = {
            "party": party,
            "direction": str(directions.get(r["direction"], r["direction"])),
            "direction_key": r["direction"],
            "kind": str(kinds.get(r["kind"], r["kind"])),
            "kind_key": r["kind"],
            "measure": measure,
            "year": r["year"],
            "total": r["total"],
            "count": r["n"],
        }
        totals.rows.append(row)
        by_party[(party, row["direction"], measure)] += r["total"]
        by_kind[(row["kind"], row["direction"], measure)] += r["total"]
        by_year[(r["year"], row["direction"], measure)] += r["total"]
        io[(row["direction"], measure)] += r["total"]
    totals.rows.sort(key=lambda r: (r["party"], r["direction_key"], r["kind"], r["year"]))
    totals.by_party = [
        {"party": p, "direction": d, "measure": m, "total": t}
        for (p, d, m), t in sorted(by_party.items())
    ]
    totals.by_kind = [
        {"kind": k, "direction": d, "measure": m, "total": t}
        for (k, d, m), t in sorted(by_kind.items())
    ]
    totals.by_year = [
        {"year": y, "direction": d, "measure": m, "total": t}
        for (y, d, m), t in sorted(by_year.items())
    ]
    totals.inputs_outputs = [
        {"direction": d, "measure": m, "total": t} for (d, m), t in sorted(io.items())
    ]
    return totals


# --- The agreement page -----------------------------------------------------------------------


@dataclass
class AgreementPage:
    agreement: Agreement
    signatories: dict[int, list[Signatory]]
    commitments: list[CommitmentRow]
    documents: list[Document]
    recent_contributions: list[Contribution]
    contribution_count: int
    totals: Totals
    timeline: list[TimelineItem]
    chain: list[Agreement]
    children: list[Agreement]


RECENT_CONTRIBUTIONS = 10


def agreement_page(
    *, viewer: Any, agreement: Agreement, today: dt.date | None = None
) -> AgreementPage:
    """Everything the agreement page shows, in a number of queries that does not grow with
    the number of commitments, documents, contributions or events."""
    contributions = Contribution.objects.filter(agreement=agreement).select_related(
        "party__organisation", "party__person"
    )
    return AgreementPage(
        agreement=agreement,
        signatories=signatories(agreement=agreement),
        commitments=commitments_with_kpis(agreement=agreement, today=today),
        documents=documents_with_versions(agreement=agreement),
        recent_contributions=list(contributions.order_by("-date", "-id")[:RECENT_CONTRIBUTIONS]),
        contribution_count=contributions.count(),
        totals=contribution_totals(contributions=contributions),
        timeline=timeline_for(agreement, viewer),
        chain=renewal_chain(viewer=viewer, agreement=agreement),
        children=list(
            agreement_list(viewer=viewer).filter(parent=agreement).order_by("-signed_on", "title")
        ),
    )


# --- Dashboards -------------------------------------------------------------------------------

STATUS_COLOURS = {
    AgreementStatus.DRAFT: "#6c757d",
    AgreementStatus.NEGOTIATING: "#0dcaf0",
    AgreementStatus.SIGNED: "#0b5394",
    AgreementStatus.ACTIVE: "#198754",
    AgreementStatus.EXPIRED: "#ffc107",
    AgreementStatus.TERMINATED: "#dc3545",
}


# One colour per contribution kind, the same in every chart.
KIND_COLOURS = [
    "#0b5394",
    "#e69138",
    "#6aa84f",
    "#a61c00",
    "#674ea7",
    "#45818e",
    "#bf9000",
    "#a64d79",
    "#3d85c6",
    "#38761d",
    "#cc4125",
]


def _kind_datasets(
    values: dict[tuple[str, str], Decimal], parties: list[str]
) -> list[dict[str, Any]]:
    kinds = dict(ContributionKind.choices)
    used = sorted({k for _p, k in values}, key=lambda k: list(kinds).index(k))
    return [
        {
            "label": str(kinds[kind]),
            "data": [float(values.get((p, kind), 0)) for p in parties],
            "stack": "kinds",
            "colours": KIND_COLOURS[list(kinds).index(kind) % len(KIND_COLOURS)],
        }
        for kind in used
    ]


def contributions_chart(
    *, contributions: QuerySet[Contribution], currency: str, group: str = "party"
) -> dict[str, Any]:
    """Money contributed, by party (or partner organisation) and kind, in one currency."""
    rows = (
        contributions.filter(currency=currency)
        .order_by()
        .values("party__organisation_id", "party__person_id", "kind")
        .annotate(total=Sum("value"))
    )
    org_ids = {r["party__organisation_id"] for r in rows if r["party__organisation_id"]}
    names = {o.pk: str(o) for o in Organisation.objects.filter(pk__in=org_ids)}
    values: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for r in rows:
        name = names.get(r["party__organisation_id"], "") or "—"
        values[(name, r["kind"])] += r["total"]
    parties = sorted({p for p, _k in values})
    return {
        "type": "bar",
        "labels": parties,
        "datasets": _kind_datasets(values, parties),
        "stacked": True,
        "y_title": currency,
    }


def main_currency(contributions: QuerySet[Contribution], default: str = "CNY") -> str:
    """The currency most of the money is recorded in (the one worth charting)."""
    row = (
        contributions.exclude(currency="")
        .order_by()
        .values("currency")
        .annotate(n=Count("id"))
        .order_by("-n", "currency")
        .first()
    )
    return row["currency"] if row else default


def _percent(value: Decimal | None, target: Decimal) -> float:
    return round(float(value * 100 / target), 1) if value is not None and target else 0.0


def kpi_chart(rows: list[CommitmentRow], labels: dict[str, str]) -> dict[str, Any]:
    """Each KPI's actual value and what is expected by today, as a share of its target (so
    that yuan, hours and people fit on one axis); the table beside it has the numbers."""
    kpis = [r.kpi for r in rows if r.kpi is not None and r.kpi.actual is not None]
    return {
        "type": "bar",
        "labels": [f"{k.label} ({k.period.label if k.period else ''})" for k in kpis],
        "datasets": [
            {"label": labels["actual"], "data": [_percent(k.actual, k.target) for k in kpis]},
            {
                "label": labels["expected"],
                "data": [_percent(k.expected, k.target) for k in kpis],
            },
        ],
        "status": [k.status for k in kpis],
        "horizontal": True,
        "y_title": labels["percent"],
        "suggested_max": 100,
    }


def agreement_dashboard(
    *, viewer: Any, agreement: Agreement, labels: dict[str, str]
) -> dict[str, Any]:
    rows = commitments_with_kpis(agreement=agreement)
    contributions = Contribution.objects.filter(agreement=agreement)
    return {
        "commitments": rows,
        "kpi_chart": kpi_chart(rows, labels),
        "kpi_counts": Counter(r.kpi.status for r in rows if r.kpi is not None),
        "contributions_chart": contributions_chart(
            contributions=contributions, currency=agreement.currency
        ),
        "currency": agreement.currency,
        "totals": contribution_totals(contributions=contributions),
    }


OVERVIEW_KPI_AGREEMENTS = 12


def overview_agreements(*, viewer: Any, organisation: Organisation | None) -> QuerySet[Agreement]:
    """The agreements an overview covers: the viewer's organisation's (all for a platform admin
    acting for no organisation)."""
    qs = agreement_list(viewer=viewer)
    if organisation is not None:
        qs = qs.filter(
            pk__in=Party.objects.filter(organisation=organisation).values("agreement_id")
        )
    elif not perms.is_platform_admin(viewer):
        qs = qs.none()
    return qs


def dashboard_overview(
    *,
    viewer: Any,
    organisation: Organisation | None,
    labels: dict[str, str],
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Agreements by status, money contributed by partner and kind, KPI status by agreement,
    and what expires soon — for the viewer's organisation."""
    today = today or timezone.localdate()
    agreements = overview_agreements(viewer=viewer, organisation=organisation)
    counts = dict(
        agreements.order_by()
        .values("current_status")  # type: ignore[misc]
        .annotate(n=Count("id"))
        .values_list("current_status", "n")
    )
    statuses = [s for s in AgreementStatus if counts.get(s.value)]
    status_chart = {
        "type": "doughnut",
        "labels": [str(s.label) for s in statuses],
        "datasets": [
            {
                "label": labels["agreements"],
                "data": [counts[s.value] for s in statuses],
                "colours": [STATUS_COLOURS[s] for s in statuses],
            }
        ],
    }
    contributions = Contribution.objects.filter(agreement__in=agreements.values("pk"))
    currency = main_currency(contributions)
    in_force = list(
        agreements.filter(IN_FORCE_NOW)
        .filter(commitments__kpi_metric__gt="")
        .distinct()
        .order_by("-signed_on", "pk")[:OVERVIEW_KPI_AGREEMENTS]
    )
    cache = kpi.KpiCache()
    per_agreement: list[tuple[Agreement, Counter[str]]] = []
    for a in in_force:
        rows = commitments_with_kpis(agreement=a, today=today, cache=cache)
        per_agreement.append((a, Counter(r.kpi.status for r in rows if r.kpi is not None)))
    kpi_statuses = [kpi.ON_TRACK, kpi.AT_RISK, kpi.BEHIND, kpi.NOT_STARTED]
    kpi_chart_data = {
        "type": "bar",
        "labels": [a.display_title() for a, _c in per_agreement],
        "datasets": [
            {
                "label": str(kpi.STATUS_LABELS[s]),
                "data": [c.get(s, 0) for _a, c in per_agreement],
                "stack": "kpi",
                "status": s,
            }
            for s in kpi_statuses
        ],
        "stacked": True,
        "horizontal": True,
    }
    expiring = list(
        agreements.filter(
            IN_FORCE_NOW,
            valid_to__gte=today,
            valid_to__lte=today + dt.timedelta(days=90),
        )
        .prefetch_related(parties_prefetch())
        .order_by("valid_to")
    )
    return {
        "total": sum(counts.values()),
        "counts": counts,
        "status_chart": status_chart,
        "status_rows": [(s, counts[s.value]) for s in statuses],
        "currency": currency,
        "contributions_chart": contributions_chart(contributions=contributions, currency=currency),
        "kpi_chart": kpi_chart_data,
        "kpi_rows": per_agreement,
        "expiring": expiring,
        "totals": contribution_totals(contributions=contributions),
    }


def area_choices() -> QuerySet[CooperationArea]:
    return CooperationArea.objects.filter(is_active=True).order_by("order", "code")
