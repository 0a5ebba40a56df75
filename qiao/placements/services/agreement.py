"""The three-party agreement (school, host, student) of a placement: generated as a bilingual
PDF (WeasyPrint) from the opening's conditions, the supervising teacher and the mentor, stored
with its SHA-256; each party accepts that exact document (who, when, the SHA-256). When all
three have accepted, the placement's agreement is signed, and the agreement is registered in
qiao.agreements as an agreement of kind "internship" (one call site: `_register`)."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core.models import Affiliation, AffiliationKind
from qiao.placements import permissions as pp
from qiao.placements.models import (
    AgreementAcceptance,
    AgreementDocument,
    OpeningKind,
    Party,
    Placement,
    PlacementState,
)
from qiao.placements.services.lifecycle import _audit, _move, lock

logger = logging.getLogger("qiao.placements")

KIND_ZH = {
    OpeningKind.COGNITIVE: "认识实习",
    OpeningKind.FOLLOW_UP: "跟岗实习",
    OpeningKind.POST: "岗位实习",
    OpeningKind.APPRENTICESHIP: "学徒制",
    OpeningKind.JOB: "就业岗位",
}
KIND_EN = {
    OpeningKind.COGNITIVE: "cognitive internship",
    OpeningKind.FOLLOW_UP: "follow-up internship",
    OpeningKind.POST: "post internship",
    OpeningKind.APPRENTICESHIP: "apprenticeship",
    OpeningKind.JOB: "job",
}


def agreement_html(placement: Placement, version: int) -> str:
    opening = placement.opening
    number = (
        Affiliation.objects.filter(
            person_id=placement.student_id,
            organisation_id=placement.school_id,
            kind=AffiliationKind.STUDENT,
        )
        .values_list("student_number", flat=True)
        .first()
    )
    return render_to_string(
        "placements/lifecycle/agreement_pdf.html",
        {
            "placement": placement,
            "version": version,
            "generated": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "school": placement.school,
            "host": placement.host,
            "student": placement.student,
            "student_number": number or "",
            "opening": opening,
            "site": opening.site,
            "kind_en": KIND_EN.get(OpeningKind(opening.kind), opening.kind),
            "kind_zh": KIND_ZH.get(OpeningKind(opening.kind), ""),
        },
    )


def agreement_pdf(placement: Placement, version: int) -> bytes:
    """The agreement as PDF bytes (nothing is fetched while rendering)."""
    stylesheet = finders.find("placements/agreement.css")
    # WeasyPrint logs every rendering step at INFO: keep the demo loader's output readable.
    progress = logging.getLogger("weasyprint.progress")
    level = progress.level
    progress.setLevel(max(level, logging.WARNING))
    try:
        from weasyprint import CSS, HTML
        from weasyprint.urls import URLFetcher

        fetcher = URLFetcher(allowed_protocols=["data"])
        html = HTML(string=agreement_html(placement, version), url_fetcher=fetcher)
        css = CSS(filename=str(stylesheet), url_fetcher=fetcher)
        data: bytes = html.write_pdf(stylesheets=[css])
    finally:
        progress.setLevel(level)
    return data


def current_document(placement: Placement) -> AgreementDocument | None:
    return AgreementDocument.objects.filter(placement=placement).order_by("-version").first()


def _generate(actor: Any, row: Placement) -> AgreementDocument:
    version = (row.agreement_documents.aggregate(v=Max("version"))["v"] or 0) + 1
    data = agreement_pdf(row, version)
    digest = hashlib.sha256(data).hexdigest()
    doc = AgreementDocument(placement=row, version=version, sha256=digest)
    doc.file.save(f"placement-{row.pk}-v{version}.pdf", ContentFile(data), save=False)
    try:
        doc.save()
    except Exception:
        doc.file.delete(save=False)
        raise
    _audit(actor, "agreement_generate", row, {"version": [None, version], "sha256": [None, digest]})
    return doc


@transaction.atomic
def agreement_generate(*, actor: Any, placement: Placement) -> AgreementDocument:
    """Generate (again) the agreement of an accepted placement. Needs the supervising teacher
    and the mentor, whom it names. Acceptances of an earlier version do not carry over."""
    row = lock(placement)
    if actor is not None and not (
        pp.can_manage_placement(actor, row) or pp.can_host_placement(actor, row)
    ):
        raise PermissionDenied
    if row.state != PlacementState.ACCEPTED:
        raise ValidationError(_("The agreement is generated once the offer is accepted."))
    errors = {}
    if row.supervising_teacher_id is None:
        errors["supervising_teacher"] = _("Assign the supervising teacher first.")
    if row.mentor_id is None:
        errors["mentor"] = _("Assign the mentor first.")
    if errors:
        raise ValidationError(errors)
    return _generate(actor, row)


def agreement_refresh(*, placement: Placement) -> AgreementDocument | None:
    """After the teacher or mentor changed on an accepted placement: a new version when both
    are assigned (the caller holds the lock)."""
    if placement.supervising_teacher_id is None or placement.mentor_id is None:
        return None
    return _generate(None, placement)


@transaction.atomic
def agreement_accept(
    *, actor: Any, placement: Placement, party: str, sha256: str
) -> AgreementAcceptance:
    """One party accepts the current document, naming its SHA-256 (so nobody accepts a version
    they did not see). The school's coordinators accept for the school, the host's for the
    host, the student for herself. Accepting twice is refused. When all three accepted, the
    placement's agreement is signed."""
    row = lock(placement)
    if party not in Party.values:
        raise ValidationError({"party": _("Accept for the school, the host or the student.")})
    if actor is not None and party not in pp.parties_of(actor, row):
        raise PermissionDenied
    if row.state != PlacementState.ACCEPTED:
        raise ValidationError(_("This agreement is not waiting for acceptances."))
    doc = current_document(row)
    if doc is None:
        raise ValidationError(_("The agreement has not been generated yet."))
    if (sha256 or "").strip().lower() != doc.sha256:
        raise ValidationError(
            {"sha256": _("The agreement changed since you opened it: read the new version.")}
        )
    if doc.acceptances.filter(party=party).exists():
        raise ValidationError(
            _("The %(party)s has already accepted this agreement.")
            % {"party": str(Party(party).label).lower()}
        )
    acceptance = AgreementAcceptance.objects.create(
        document=doc,
        party=party,
        accepted_by=actor if getattr(actor, "is_authenticated", False) else None,
        sha256=doc.sha256,
    )
    _audit(actor, "agreement_accept", row, {"party": [None, party], "sha256": [None, doc.sha256]})
    accepted = set(doc.acceptances.values_list("party", flat=True))
    if accepted >= set(Party.values):
        old = _move(row, PlacementState.AGREEMENT_SIGNED)
        row.agreement_signed_at = timezone.now()
        row.internship_agreement = _register(actor, row, doc)
        row.save(
            update_fields=["state", "agreement_signed_at", "internship_agreement", "updated_at"]
        )
        _audit(actor, "agreement_signed", row, {"state": [old, row.state]})
    placement.refresh_from_db()
    return acceptance


def _signatory(doc: AgreementDocument, party: str, org_id: int | None) -> Any:
    """The person who accepted for a party, when they work for it (for the register)."""
    acceptance = doc.acceptances.filter(party=party).select_related("accepted_by").first()
    user = acceptance.accepted_by if acceptance else None
    person = getattr(user, "person", None) if user is not None else None
    if person is None or org_id is None:
        return person
    works = (
        person.affiliations.filter(organisation_id=org_id)
        .exclude(kind=AffiliationKind.STUDENT)
        .exists()
    )
    return person if works else None


def _register(actor: Any, row: Placement, doc: AgreementDocument) -> Any:
    """Record the signed agreement in qiao.agreements: kind "internship", the three parties,
    the placement's period, the PDF as the signed copy. Marked signed there when each party's
    acceptor is a person of that party (the register needs signatories); otherwise it stays
    "negotiating" with the signed copy attached, and the placement is signed all the same.
    A refusal of the register is logged, never blocks the placement."""
    from qiao.agreements import services as agreement_services
    from qiao.agreements.models import AgreementStatus, DocumentKind, PartyRole

    try:
        with transaction.atomic():
            opening = row.opening
            agreement = agreement_services.agreement_create(
                actor=actor,
                kind="internship",
                title=f"{row.student} · {opening.title}"[:200],
                title_en=f"Internship agreement: {row.student} at {row.host}"[:200],
                title_zh=f"学生实习三方协议：{row.student}（{row.host}）"[:200],
                valid_from=opening.start,
                valid_to=opening.end,
                parties=[
                    agreement_services.PartySpec(role=PartyRole.SCHOOL, organisation=row.school),
                    agreement_services.PartySpec(role=PartyRole.HOST, organisation=row.host),
                    agreement_services.PartySpec(role=PartyRole.STUDENT, person=row.student),
                ],
            )
            doc.file.open("rb")
            try:
                content = ContentFile(doc.file.read(), name=f"placement-{row.pk}.pdf")
            finally:
                doc.file.close()
            agreement_services.document_create(
                actor=actor,
                agreement=agreement,
                kind=DocumentKind.SIGNED,
                title=f"Three-party agreement v{doc.version} (SHA-256 {doc.sha256[:12]}…)",
                file=content,
            )
            agreement_services.agreement_transition(
                actor=actor, agreement=agreement, to=AgreementStatus.NEGOTIATING
            )
            signers = {
                "school": _signatory(doc, "school", row.school_id),
                "host": _signatory(doc, "host", row.host_id),
                "student": row.student,
            }
            if all(signers.values()):
                parties = {p.role: p for p in agreement.parties.all()}
                for key, person in signers.items():
                    agreement_services.signatory_add(
                        actor=actor, agreement=agreement, party=parties[key], person=person
                    )
                agreement_services.agreement_transition(
                    actor=actor, agreement=agreement, to=AgreementStatus.SIGNED
                )
            return agreement
    except ValidationError as exc:
        logger.warning("Internship agreement of placement %s not registered: %s", row.pk, exc)
        return None
