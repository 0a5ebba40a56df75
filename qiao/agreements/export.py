"""One agreement, everything recorded about it, as one XLSX workbook: the agreement, parties and
signatories, commitments with their KPI target against the value computed from the records,
documents with their SHA-256, every contribution, the committee's meetings, decisions and action
items, and the timeline. Headers are stable keys (like every other export), so the workbook can
be read back by a script; what the viewer may not see (another committee) is not in it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qiao.agreements import selectors
from qiao.agreements.models import ActionItem, Agreement, Contribution, Decision, Meeting
from qiao.agreements.selectors import committees as committee_selectors
from qiao.agreements.timeline import timeline_for
from qiao.core.importexport.export import Column, Sheet


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _party(party: Any) -> str:
    return _text(party.organisation or party.person) if party is not None else ""


def _facts(agreement: Agreement, today: dt.date) -> list[tuple[str, Any]]:
    return [
        ("id", agreement.pk),
        ("reference", agreement.reference),
        ("kind", agreement.kind),
        ("status", agreement.effective_status(today)),
        ("title", agreement.title),
        ("title_en", agreement.title_en),
        ("title_zh", agreement.title_zh),
        ("summary", agreement.summary),
        ("areas", "|".join(a.code for a in agreement.areas.all())),
        ("signed_on", agreement.signed_on),
        ("valid_from", agreement.valid_from),
        ("valid_to", agreement.valid_to),
        ("terminated_on", agreement.terminated_on),
        ("termination_reason", agreement.termination_reason),
        ("framework_id", agreement.parent_id),
        ("renews_id", agreement.renews_id),
        ("currency", agreement.currency),
        ("exported_on", today),
    ]


def agreement_workbook(
    *, viewer: Any, agreement: Agreement, today: dt.date | None = None
) -> list[Sheet]:
    """The sheets of the agreement's workbook, read with the viewer's permissions."""
    today = today or dt.date.today()
    # Only the parts the workbook holds (the agreement page also builds totals, the renewal
    # chain and more, which the workbook does not need).
    signatories = selectors.signatories(agreement=agreement)
    commitments = selectors.commitments_with_kpis(agreement=agreement, today=today)
    documents = selectors.documents_with_versions(agreement=agreement)
    timeline = timeline_for(agreement, viewer)
    parties = list(agreement.parties.select_related("organisation", "person"))
    meetings: list[Meeting] = committee_selectors.agreement_meetings(
        viewer=viewer, agreement=agreement
    )
    decisions = list(
        Decision.objects.filter(meeting__in=meetings)
        .select_related("meeting__committee")
        .order_by("meeting__date", "meeting_id", "order", "id")
    )
    items = list(
        ActionItem.objects.filter(decision__in=decisions)
        .select_related("decision__meeting__committee", "owner")
        .order_by("decision__meeting__date", "decision_id", "due_date", "id")
    )
    contributions = list(
        Contribution.objects.filter(agreement=agreement)
        .select_related("party__organisation", "party__person")
        .order_by("date", "id")
    )
    versions = [(d, v) for d in documents for v in d.versions.all()]
    return [
        Sheet(
            "agreement",
            [Column("field", lambda r: r[0]), Column("value", lambda r: r[1])],
            _facts(agreement, today),
        ),
        Sheet(
            "parties",
            [
                Column("role", lambda p: p.role),
                Column("party", _party),
                Column("country", lambda p: p.organisation.country if p.organisation else ""),
                Column(
                    "signatories",
                    lambda p: "|".join(
                        f"{s.person}{' — ' + s.title if s.title else ''}"
                        for s in signatories.get(p.pk, [])
                    ),
                ),
            ],
            parties,
        ),
        Sheet(
            "commitments",
            [
                Column("id", lambda r: r.commitment.pk),
                Column("area", lambda r: r.commitment.area.code if r.commitment.area else ""),
                Column("commitment", lambda r: r.commitment.text),
                Column("owner", lambda r: _party(r.commitment.owner)),
                Column("due_date", lambda r: r.commitment.due_date),
                Column("recurrence", lambda r: r.commitment.recurrence),
                Column("kpi_metric", lambda r: r.kpi.metric_key if r.kpi else ""),
                Column("kpi_period", lambda r: r.kpi.period_kind if r.kpi else ""),
                Column(
                    "period_start", lambda r: r.kpi.period.start if r.kpi and r.kpi.period else ""
                ),
                Column("period_end", lambda r: r.kpi.period.end if r.kpi and r.kpi.period else ""),
                Column("target", lambda r: float(r.kpi.target) if r.kpi else ""),
                Column(
                    "actual",
                    lambda r: float(r.kpi.actual) if r.kpi and r.kpi.actual is not None else "",
                ),
                Column(
                    "expected_by_now",
                    lambda r: float(r.kpi.expected) if r.kpi and r.kpi.expected is not None else "",
                ),
                Column("unit", lambda r: r.kpi.unit if r.kpi else ""),
                Column("kpi_status", lambda r: r.kpi.status if r.kpi else ""),
            ],
            commitments,
        ),
        Sheet(
            "documents",
            [
                Column("document", lambda r: r[0].title),
                Column("kind", lambda r: r[0].kind),
                Column("version", lambda r: r[1].number),
                Column("file_name", lambda r: r[1].original_name),
                Column("content_type", lambda r: r[1].content_type),
                Column("size", lambda r: r[1].size),
                Column("sha256", lambda r: r[1].sha256),
                Column("uploaded_at", lambda r: r[1].uploaded_at),
                Column("note", lambda r: r[1].note),
            ],
            versions,
        ),
        Sheet(
            "contributions",
            [
                Column("date", lambda c: c.date),
                Column("party", lambda c: _party(c.party)),
                Column("direction", lambda c: c.direction),
                Column("kind", lambda c: c.kind),
                Column("value", lambda c: float(c.value)),
                Column("currency", lambda c: c.currency),
                Column("unit", lambda c: c.unit),
                Column("description", lambda c: c.description),
                Column("evidence", lambda c: c.evidence_name),
            ],
            contributions,
        ),
        Sheet(
            "meetings",
            [
                Column("committee", lambda m: m.committee.name),
                Column("date", lambda m: m.date),
                Column("meeting", lambda m: m.title),
                Column("place", lambda m: m.place),
                Column("attendees", lambda m: "|".join(str(p) for p in m.attendees.all())),
                Column("decisions", lambda m: len(m.decisions.all())),
                Column("minutes", lambda m: m.minutes),
            ],
            sorted(meetings, key=lambda m: (m.date, m.pk)),
        ),
        Sheet(
            "decisions",
            [
                Column("meeting_date", lambda d: d.meeting.date),
                Column("meeting", lambda d: d.meeting.title),
                Column("decision", lambda d: d.text),
            ],
            decisions,
        ),
        Sheet(
            "action_items",
            [
                Column("meeting_date", lambda i: i.decision.meeting.date),
                Column("decision", lambda i: str(i.decision)),
                Column("action_item", lambda i: i.text),
                Column("owner", lambda i: str(i.owner)),
                Column("due_date", lambda i: i.due_date),
                Column("status", lambda i: i.status),
                Column("done_on", lambda i: i.done_on),
                Column("overdue", lambda i: i.is_overdue(today)),
            ],
            items,
        ),
        Sheet(
            "timeline",
            [
                Column("date", lambda t: t.date),
                Column("kind", lambda t: t.kind),
                Column("label", lambda t: t.label),
                Column("title", lambda t: t.title),
                Column("description", lambda t: t.description),
                Column("location", lambda t: t.location),
                Column("people", lambda t: "|".join(t.people)),
            ],
            sorted(timeline, key=lambda t: t.date),
        ),
    ]
