"""Every read of the credentials app the pages, the API and exports share; always scoped."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from qiao.core import permissions as perms
from qiao.core.models import Organisation, Person
from qiao.credentials import permissions as cred_perms
from qiao.credentials.models import (
    Achievement,
    CertificationScheme,
    Credential,
    ExamResult,
    ExamSession,
    Issuer,
    ShareLink,
)


def _scoped(qs: QuerySet[Any], scope: Q | None) -> QuerySet[Any]:
    return qs if scope is None else qs.filter(scope)


def issuer_list(*, viewer: Any) -> QuerySet[Issuer]:
    """Issuers are public (they are on the published trust list): everyone sees them."""
    return Issuer.objects.select_related("organisation").prefetch_related("keys")


def issuer_for(*, organisation: Organisation) -> Issuer | None:
    return Issuer.objects.filter(organisation=organisation).prefetch_related("keys").first()


def achievement_list(*, viewer: Any) -> QuerySet[Achievement]:
    qs = Achievement.objects.select_related("organisation").prefetch_related("skills")
    return _scoped(qs, cred_perms.organisation_scope(viewer))


def achievement_get(*, viewer: Any, pk: int) -> Achievement | None:
    return achievement_list(viewer=viewer).filter(pk=pk).first()


def scheme_list(*, viewer: Any) -> QuerySet[CertificationScheme]:
    qs = CertificationScheme.objects.select_related("achievement", "organisation")
    return _scoped(qs, cred_perms.organisation_scope(viewer))


def scheme_get(*, viewer: Any, pk: int) -> CertificationScheme | None:
    return scheme_list(viewer=viewer).filter(pk=pk).first()


def session_list(*, viewer: Any) -> QuerySet[ExamSession]:
    qs = ExamSession.objects.select_related("scheme__achievement", "organisation").annotate(
        n_candidates=Count("registrations", distinct=True),
        n_passed=Count("results", filter=Q(results__passed=True), distinct=True),
    )
    return _scoped(qs, cred_perms.organisation_scope(viewer))


def session_get(*, viewer: Any, pk: int) -> ExamSession | None:
    return session_list(viewer=viewer).filter(pk=pk).first()


def session_results(*, session: ExamSession) -> QuerySet[ExamResult]:
    return (
        ExamResult.objects.filter(session=session)
        .select_related("person", "credential")
        .order_by("-score", "person__family_name", "id")
    )


def session_candidates_without_result(*, session: ExamSession) -> QuerySet[Person]:
    return (
        Person.objects.filter(exam_registrations__session=session)
        .exclude(exam_results__session=session)
        .order_by("family_name", "given_name", "id")
    )


def credential_list(*, viewer: Any) -> QuerySet[Credential]:
    """Credentials the viewer may see: their own, and those their organisations issued."""
    qs = Credential.objects.select_related("achievement", "person", "organisation", "issuer")
    return _scoped(qs, cred_perms.credential_scope(viewer))


def issued_list(*, viewer: Any) -> QuerySet[Credential]:
    """Credentials the viewer's organisations issued (what they manage)."""
    qs = Credential.objects.select_related("achievement", "person", "organisation", "issuer")
    return _scoped(qs, cred_perms.organisation_scope(viewer))


def credential_get(*, viewer: Any, pk: Any) -> Credential | None:
    return credential_list(viewer=viewer).filter(pk=pk).first()


def wallet(*, viewer: Any) -> QuerySet[Credential]:
    """The viewer's own credentials, by the Person linked to the account (never by email)."""
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return Credential.objects.none()
    return (
        Credential.objects.filter(person__user=viewer)
        .select_related("achievement", "organisation", "issuer", "person")
        .order_by("-issued_at", "id")
    )


def wallet_get(*, viewer: Any, pk: Any) -> Credential | None:
    return wallet(viewer=viewer).filter(pk=pk).first()


def share_links(*, credential: Credential) -> QuerySet[ShareLink]:
    return credential.shares.order_by("-created_at", "id")


def public_credential(*, pk: Any) -> Credential | None:
    """A credential by its id, for the public page (the id is an unguessable UUID)."""
    return (
        Credential.objects.select_related("achievement", "issuer", "organisation", "person")
        .filter(pk=pk)
        .first()
    )


def share_link_get(*, token: str) -> ShareLink | None:
    """An active share link; revoked and unknown tokens alike find nothing."""
    if not token or len(token) > 64:
        return None
    return (
        ShareLink.objects.select_related("credential__person", "credential__achievement")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )


def people_for_issuance(*, viewer: Any, organisation: Organisation) -> QuerySet[Person]:
    """People the viewer may issue to: visible to them and affiliated with the organisation."""
    scope = perms.person_scope(viewer)
    qs = Person.objects.filter(affiliations__organisation=organisation).distinct()
    if scope is not None:
        qs = qs.filter(pk__in=Person.objects.filter(scope).values("pk"))
    return qs.order_by("family_name", "given_name", "id")


def management_summary(*, viewer: Any, organisation: Organisation) -> dict[str, Any]:
    if not cred_perms.can_manage_credentials(viewer, organisation):
        return {}
    issued = Credential.objects.filter(organisation=organisation)
    return {
        "achievements": Achievement.objects.filter(organisation=organisation).count(),
        "schemes": CertificationScheme.objects.filter(organisation=organisation).count(),
        "sessions": ExamSession.objects.filter(organisation=organisation).count(),
        "issued": issued.count(),
        "revoked": issued.filter(status="revoked").count(),
        "suspended": issued.filter(status="suspended").count(),
    }


def find_person(*, organisation: Organisation, text: str) -> Person | None:
    """A person affiliated with `organisation`, by student number there or by email."""
    text = (text or "").strip()
    if not text:
        return None
    if "@" in text:
        return (
            Person.objects.filter(affiliations__organisation=organisation, email__iexact=text)
            .order_by("id")
            .first()
        )
    return (
        Person.objects.filter(
            affiliations__organisation=organisation, affiliations__student_number=text
        )
        .order_by("id")
        .first()
    )
