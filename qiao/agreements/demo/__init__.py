"""The demo's agreements: the two cooperations of the background documents and a few fictional
ones with the overseas partners. Idempotent: agreements are found by their reference and never
created twice. Every signatory is a fictional person; the demo personas take part in events.

Dates fit a demo run in late 2026: the SZPT–ZTE framework agreement signed on 9 January 2024,
the SZIIT–Tencent agreement on 11 May 2022 (the day of the news item), one partner agreement
ending three weeks after the day the demo is loaded, one terminated in November 2025.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from qiao.agreements import services
from qiao.agreements.demo.committees import load_demo_committees
from qiao.agreements.demo.data import SIGNERS, Spec, specs
from qiao.agreements.demo.files import demo_pdf, demo_photo, demo_xlsx
from qiao.agreements.models import Agreement, CooperationArea, Party
from qiao.agreements.services import PartySpec
from qiao.core.demo import DATA
from qiao.core.models import Organisation, Person
from qiao.core.services import people as people_services

D = dt.date


def _signers(orgs: dict[str, Organisation]) -> dict[str, Person]:
    found = {p.email: p for p in Person.objects.filter(email__in=[s.email for s in SIGNERS])}
    out: dict[str, Person] = {}
    for s in SIGNERS:
        person = found.get(s.email)
        if person is None:
            chinese = s.country == "CN"
            person = people_services.person_create(
                actor=None,
                family_name=s.family,
                given_name=s.given,
                native_name=s.native,
                family_name_first=chinese,
                email=s.email,
                nationality=s.country,
            )
            people_services.affiliation_create(
                actor=None,
                person=person,
                organisation=orgs[s.org],
                kind="staff",
                title=s.title,
                start=D(2018, 1, 1),
            )
        out[s.org] = person
    return out


def _persona(email: str) -> Person | None:
    return Person.objects.filter(user__email=email).first()


MONEY_KINDS = ("funding", "equipment", "software_licences", "scholarships", "facilities")


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _build(spec: Spec, orgs: dict[str, Organisation], signers: dict[str, Person]) -> Agreement:
    areas = list(CooperationArea.objects.filter(code__in=spec.areas))
    parent = Agreement.objects.get(reference=spec.parent) if spec.parent else None
    fields: dict[str, Any] = {
        "title_en": spec.title_en,
        "title_zh": spec.title_zh,
        "summary": spec.summary,
        "reference": spec.reference,
        "parent": parent,
        "valid_from": spec.valid_from,
        "valid_to": spec.valid_to,
        "currency": spec.currency,
        "remind_days_before": spec.remind_days_before,
    }
    parties = [PartySpec(role=role, organisation=orgs[key]) for key, role in spec.parties]
    if spec.renews:
        original = Agreement.objects.get(reference=spec.renews)
        assert spec.valid_from and spec.valid_to
        agreement = services.agreement_renew(
            actor=None,
            agreement=original,
            valid_from=spec.valid_from,
            valid_to=spec.valid_to,
            reference=spec.reference,
        )
        agreement = services.agreement_update(
            actor=None, agreement=agreement, title_en=spec.title_en, title_zh=spec.title_zh
        )
    else:
        agreement = services.agreement_create(
            actor=None, kind=spec.kind, title=spec.title, parties=parties, areas=areas, **fields
        )
    party = {p.organisation_id: p for p in Party.objects.filter(agreement=agreement)}
    by_key = {key: party[orgs[key].pk] for key, _role in spec.parties}
    for clause in spec.clauses:
        metric, target, period = clause.kpi or ("", "", "")
        services.commitment_create(
            actor=None,
            agreement=agreement,
            area=CooperationArea.objects.get(code=clause.area),
            text=clause.text,
            owner=by_key[clause.owner],
            due_date=clause.due,
            recurrence=clause.recurrence,
            kpi_metric=metric,
            kpi_target=Decimal(target) if target else None,
            kpi_period=period,
        )
    if spec.status == "draft":
        return agreement
    agreement = services.agreement_transition(actor=None, agreement=agreement, to="negotiating")
    for key, _role in spec.parties:
        services.signatory_add(
            actor=None,
            agreement=agreement,
            party=by_key[key],
            person=signers[key],
            title=next(s.title for s in SIGNERS if s.org == key),
        )
    if spec.status == "negotiating":
        services.document_create(
            actor=None,
            agreement=agreement,
            kind="draft",
            title="Draft for discussion",
            file=_upload("draft.pdf", demo_pdf(spec.title_en, ["Draft for discussion."])),
        )
        return agreement
    signed_text = [
        f"Reference: {spec.reference}",
        "Parties: " + ", ".join(orgs[k].name_en or orgs[k].name for k, _r in spec.parties),
        f"Signed on {spec.signed_on}; valid {spec.valid_from} to {spec.valid_to}.",
        "Demo document: fictional signatories, placeholder text.",
    ]
    services.document_create(
        actor=None,
        agreement=agreement,
        kind="signed",
        title="Signed agreement",
        file=_upload(f"{spec.reference}.pdf", demo_pdf(spec.title_en, signed_text)),
        note="Scanned copy with both seals",
    )
    if spec.annex:
        services.document_create(
            actor=None,
            agreement=agreement,
            kind="annex",
            title="Annex 1: equipment list",
            file=_upload("annex-equipment.xlsx", demo_xlsx(spec.annex)),
        )
    assert spec.signed_on is not None
    services.agreement_transition(
        actor=None, agreement=agreement, to="signed", on=spec.signed_on, today=spec.signed_on
    )
    start = spec.valid_from or spec.signed_on
    agreement = services.agreement_transition(
        actor=None, agreement=agreement, to="active", today=start
    )
    for key, kind, value, day, description in spec.ledger:
        services.contribution_create(
            actor=None,
            agreement=agreement,
            party=by_key[key],
            kind=kind,
            value=Decimal(value),
            date=day,
            currency=spec.currency if kind in MONEY_KINDS else "",
            description=description,
            today=max(day, timezone.localdate()),
        )
    for kind, day, title, location, description, emails, colour in spec.events:
        participants = [p for p in (_persona(e) for e in emails) if p is not None]
        event = services.event_create(
            actor=None,
            agreement=agreement,
            kind=kind,
            date=day,
            title=title,
            location=location,
            description=description,
            participants=participants
            + ([signers[k] for k, _r in spec.parties] if kind == "signing" else []),
        )
        if colour is not None:
            services.event_photo_add(
                actor=None,
                event=event,
                image=_upload("photo.jpg", demo_photo(title, colour)),
                caption=title,
            )
    if spec.termination is not None:
        day, reason = spec.termination
        agreement = services.agreement_transition(
            actor=None, agreement=agreement, to="terminated", on=day, reason=reason
        )
    elif spec.status == "expired":
        assert spec.valid_to is not None
        agreement = services.agreement_transition(
            actor=None, agreement=agreement, to="expired", today=spec.valid_to + dt.timedelta(1)
        )
    return agreement


@transaction.atomic
def load_demo_agreements(say: Callable[[str], None]) -> None:
    """The demo's part (registered with core's demo loader; idempotent)."""
    keys = {
        "szpt": "Shenzhen Polytechnic",
        "zte": "ZTE Corporation",
        "sziit": "Shenzhen Institute of Information Technology",
        "tencent": "Tencent",
    }
    rows = {
        row["key"]: row
        for row in json.loads((DATA / "organisations.json").read_text(encoding="utf-8"))
    }
    orgs: dict[str, Organisation] = {}
    for key, row in rows.items():
        org = Organisation.objects.filter(name=row["name"], country=row["country"]).first()
        if org is not None:
            orgs[key] = org
    missing = set(keys) - set(orgs)
    if missing:
        say(f"agreements: skipped (organisations missing: {', '.join(sorted(missing))})")
        return
    signers = _signers(orgs)
    existing = set(Agreement.objects.values_list("reference", flat=True))
    created = 0
    for spec in specs(timezone.localdate()):
        if spec.reference in existing:
            continue
        if any(key not in orgs for key, _role in spec.parties):
            continue
        _build(spec, orgs, signers)
        created += 1
    load_demo_committees(orgs, say)
    say(f"agreements: {created} new ({len(existing)} already there)")
