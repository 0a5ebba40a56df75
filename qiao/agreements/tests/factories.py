"""Test factories for agreements. They call the real services, so what a test builds is what
the platform would build (validated and audited)."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import itertools
import zipfile
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qiao.agreements import services
from qiao.agreements.models import Agreement, CooperationArea, Party
from qiao.agreements.services import PartySpec
from qiao.conftest import World
from qiao.core.models import Organisation, Person
from qiao.core.services import people

_seq = itertools.count(1)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def today() -> dt.date:
    return timezone.localdate()


def pdf(name: str = "agreement.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_bytes(size: tuple[int, int] = (8, 6), fmt: str = "PNG") -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (11, 83, 148)).save(buf, format=fmt)
    return buf.getvalue()


def png(name: str = "photo.png", **kwargs: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(fmt="JPEG"), content_type="image/jpeg")


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buf = io.BytesIO()
    wb = Workbook()
    wb.active.append(["a", 1])  # type: ignore[union-attr]
    wb.save(buf)
    return buf.getvalue()


def area(code: str = "joint-lab") -> CooperationArea:
    """A default area. Transactional tests (the browser tests) flush the tables between tests,
    taking the areas the data migration seeded with them, so they are seeded again if gone."""
    if not CooperationArea.objects.exists():
        from django.apps import apps

        importlib.import_module("qiao.agreements.migrations.0002_default_areas").seed(apps, None)
    return CooperationArea.objects.get(code=code)


def staff(org: Organisation, given: str = "", title: str = "President") -> Person:
    person = people.person_create(
        actor=None, family_name="Signer", given_name=given or f"S{next(_seq)}"
    )
    people.affiliation_create(
        actor=None, person=person, organisation=org, kind="staff", title=title
    )
    return person


def agreement(
    world: World,
    *,
    kind: str = "framework",
    title: str = "",
    parties: list[PartySpec] | None = None,
    areas: tuple[str, ...] = ("joint-lab", "certification"),
    actor: Any = None,
    **fields: Any,
) -> Agreement:
    """A draft between world.school and world.enterprise (unless other parties are given)."""
    return services.agreement_create(
        actor=actor,
        kind=kind,
        title=title or f"Cooperation {next(_seq)}",
        parties=parties
        or [
            PartySpec(role="school", organisation=world.school),
            PartySpec(role="enterprise", organisation=world.enterprise),
        ],
        areas=[area(code) for code in areas],
        **fields,
    )


def party(a: Agreement, org: Organisation) -> Party:
    return a.parties.get(organisation=org)


def ready_to_sign(a: Agreement) -> Agreement:
    """Negotiating, with a signatory for every party and the signed copy uploaded."""
    if a.status == "draft":
        a = services.agreement_transition(actor=None, agreement=a, to="negotiating")
    for p in a.parties.select_related("organisation"):
        if p.organisation is not None:
            services.signatory_add(
                actor=None, agreement=a, party=p, person=staff(p.organisation), title="President"
            )
    services.document_create(
        actor=None, agreement=a, kind="signed", title="Signed agreement", file=pdf()
    )
    return a


def signed(world: World, *, on: dt.date | None = None, **fields: Any) -> Agreement:
    fields.setdefault("valid_from", today() - dt.timedelta(days=30))
    fields.setdefault("valid_to", today() + dt.timedelta(days=700))
    a = ready_to_sign(agreement(world, **fields))
    return services.agreement_transition(
        actor=None, agreement=a, to="signed", on=on or fields["valid_from"]
    )


def active(world: World, **fields: Any) -> Agreement:
    a = signed(world, **fields)
    return services.agreement_transition(actor=None, agreement=a, to="active")


def contribution(
    a: Agreement, org: Organisation, kind: str = "funding", value: str = "1000", **fields: Any
) -> Any:
    fields.setdefault("date", today() - dt.timedelta(days=1))
    if kind in ("funding", "equipment", "software_licences", "scholarships", "facilities"):
        fields.setdefault("currency", a.currency)
    return services.contribution_create(
        actor=None, agreement=a, party=party(a, org), kind=kind, value=Decimal(value), **fields
    )


# --- Committees -------------------------------------------------------------------------------


def committee(world: World, a: Agreement | None = None, **fields: Any) -> Any:
    """A committee of `a` (an active agreement by default) with a chair from the school, a
    vice-chair from the enterprise, and the teacher persona (world.people["teacher"]) as
    secretary. The mentor and the student are not on it."""
    a = a or active(world)
    c = services.committee_create(
        actor=None,
        name=fields.pop("name", f"Committee {next(_seq)}"),
        agreements=[a],
        charter=fields.pop("charter", "The **charter**."),
    )
    services.member_add(
        actor=None,
        committee=c,
        person=staff(world.school, title="Vice President"),
        organisation=world.school,
        role="chair",
    )
    services.member_add(
        actor=None,
        committee=c,
        person=staff(world.enterprise, title="Director"),
        organisation=world.enterprise,
        role="vice_chair",
    )
    services.member_add(
        actor=None,
        committee=c,
        person=world.people["teacher"],
        organisation=world.school,
        role="secretary",
    )
    return c


def meeting(c: Any, *, days_ago: int = 10, **fields: Any) -> Any:
    fields.setdefault("title", f"Meeting {next(_seq)}")
    fields.setdefault("minutes", "We met.")
    return services.meeting_create(
        actor=None,
        committee=c,
        date=today() - dt.timedelta(days=days_ago),
        attendees=fields.pop("attendees", [m.person for m in c.members.all()]),
        **fields,
    )


def action_item(m: Any, owner: Person, *, due_in: int = 20, **fields: Any) -> Any:
    decision = fields.pop("decision", None) or services.decision_create(
        actor=None, meeting=m, text="Do the thing."
    )
    return services.action_item_create(
        actor=None,
        decision=decision,
        text=fields.pop("text", "Write the report"),
        owner=owner,
        due_date=m.date + dt.timedelta(days=due_in),
        **fields,
    )
