"""Issuing credentials: one at a time, or in batch from an exam session's passed results.

Every credential is built as an Open Badges 3.0 `OpenBadgeCredential`, signed with the issuer's
active key (eddsa-rdfc-2022), and stored exactly as signed with its SHA-256. It takes the next
entry of its issuer's status lists (the same entry in the revocation and the suspension list).
The recipient is the Person; inside the credential only a salted hash of their email appears.

A batch commits every BATCH_CHUNK credentials (so a long batch never holds the database's write
lock for long, and its progress is real); it is idempotent: a result gets at most one
credential, so running a batch again issues only what is missing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.core.models import Affiliation, Person
from qiao.core.types import Actor
from qiao.credentials import conf
from qiao.credentials.models import (
    Achievement,
    Credential,
    CredentialState,
    ExamResult,
    ExamSession,
    Issuer,
    SigningKey,
    StatusPurpose,
)
from qiao.credentials.services._common import add_months, audit, user_or_none
from qiao.credentials.services.assessment import is_affiliated
from qiao.credentials.services.issuers import active_key, issuer_ensure, keypair
from qiao.credentials.services.publishing import (
    absolute,
    entry_of,
    status_list_url,
    status_lists_ensure,
)
from qiao.vc import (
    Achievement as ObAchievement,
)
from qiao.vc import (
    Alignment,
    CredentialStatus,
    IssuerProfile,
    KeyPair,
    build_open_badge,
    sign,
)

SKILLS_FRAMEWORK = "Qiao skills"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class IssueRequest:
    """One credential to issue."""

    achievement: Achievement
    person: Person
    result: ExamResult | None = None
    valid_until: dt.datetime | None = None


@dataclass
class BatchOutcome:
    issued: list[str] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"issued": len(self.issued), "skipped": self.skipped}


def bilingual(en: str, zh: str, sep: str = " / ") -> str:
    """Both languages in one string (a credential's text has no language maps)."""
    en, zh = en.strip(), zh.strip()
    if en and zh and en != zh:
        return f"{en}{sep}{zh}"
    return en or zh


def recipient_email(person: Person) -> str:
    """The address the credential's hashed identity is made from."""
    email = person.email or (person.user.email if person.user_id and person.user else "")
    return email.strip().lower()


def ob_achievement(achievement: Achievement) -> ObAchievement:
    """The OB 3.0 Achievement, skills as alignments to the Qiao skills framework."""
    alignments = tuple(
        Alignment(
            target_name=bilingual(skill.label_en, skill.label_zh),
            target_url=absolute(f"/skills/{skill.code}/"),
            target_code=skill.code,
            target_framework=SKILLS_FRAMEWORK,
        )
        for skill in achievement.skills.order_by("code")
    )
    languages = achievement.language_list
    return ObAchievement(
        id=f"urn:uuid:{achievement.uuid}",
        name=bilingual(achievement.name_en, achievement.name_zh),
        description=bilingual(achievement.description_en, achievement.description_zh, "\n\n"),
        criteria_narrative=bilingual(achievement.criteria_en, achievement.criteria_zh, "\n\n"),
        achievement_type=achievement.ob_type,
        alignments=alignments,
        in_language=languages[0] if languages else None,
        human_code=achievement.human_code or None,
    )


def issuer_profile(issuer: Issuer) -> IssuerProfile:
    return IssuerProfile(id=issuer.did, name=issuer.name, url=issuer.url or conf.site_url())


def _check_request(
    request: IssueRequest, organisation_id: int, affiliated: set[int] | None = None
) -> str:
    """Why this request cannot be issued ("" if it can)."""
    achievement, person, result = request.achievement, request.person, request.result
    if achievement.organisation_id != organisation_id:
        return _("The achievement belongs to another organisation.")
    if not achievement.is_active:
        return _("The achievement is no longer awarded.")
    member = (
        person.pk in affiliated
        if affiliated is not None
        else is_affiliated(person, organisation_id)
    )
    if not member:
        return _("%(person)s is not affiliated with the issuing organisation.") % {"person": person}
    if not recipient_email(person):
        return _(
            "%(person)s has no email address: the credential identifies its holder by a hash "
            "of it. Add one first."
        ) % {"person": person}
    if result is not None:
        if result.person_id != person.pk:
            return _("The result is another person's.")
        if not result.passed:
            return _("%(person)s did not pass.") % {"person": person}
        if result.session.scheme.achievement_id != achievement.pk:
            return _("The result is for another achievement.")
    return ""


def _sign_one(
    *,
    credential_id: uuid.UUID,
    issuer: Issuer,
    profile: IssuerProfile,
    achievement: ObAchievement,
    email: str,
    issued_at: dt.datetime,
    valid_until: dt.datetime | None,
    index: int,
    pair: KeyPair,
) -> tuple[str, int, int]:
    number, position = entry_of(index)
    statuses = [
        CredentialStatus(
            status_list_url(slug=issuer.slug, purpose=purpose, number=number), position, purpose
        ).to_json()
        for purpose in (StatusPurpose.REVOCATION, StatusPurpose.SUSPENSION)
    ]
    document = build_open_badge(
        id=f"urn:uuid:{credential_id}",
        issuer=profile,
        achievement=achievement,
        valid_from=issued_at,
        valid_until=valid_until,
        awarded_date=issued_at,
        recipient_email=email,
    )
    document["credentialStatus"] = statuses
    signed = sign(document, pair, created=issued_at)
    return json.dumps(signed, ensure_ascii=False, indent=2), number, position


def _issue_chunk(
    *,
    actor: Actor,
    issuer: Issuer,
    key: SigningKey,
    pair: KeyPair,
    requests: Sequence[IssueRequest],
    achievements: dict[int, ObAchievement],
) -> list[Credential]:
    """Sign and store `requests` in one transaction, taking consecutive status entries."""
    with transaction.atomic():
        locked = Issuer.objects.select_for_update().get(pk=issuer.pk)
        start = locked.status_next
        locked.status_next = start + len(requests)
        locked.save(update_fields=["status_next"])
        profile = issuer_profile(issuer)
        issued_at = timezone.now().replace(microsecond=0)
        user = user_or_none(actor)
        credentials = []
        for offset, request in enumerate(requests):
            credential_id = uuid.uuid4()
            text, number, position = _sign_one(
                credential_id=credential_id,
                issuer=issuer,
                profile=profile,
                achievement=achievements[request.achievement.pk],
                email=recipient_email(request.person),
                issued_at=issued_at,
                valid_until=request.valid_until,
                index=start + offset,
                pair=pair,
            )
            credentials.append(
                Credential(
                    id=credential_id,
                    issuer=issuer,
                    organisation=request.achievement.organisation,
                    achievement=request.achievement,
                    person=request.person,
                    result=request.result,
                    signing_key=key,
                    document=text,
                    sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                    issued_at=issued_at,
                    valid_from=issued_at,
                    valid_until=request.valid_until,
                    status_list=number,
                    status_index=position,
                    issued_by=user,
                )
            )
        Credential.objects.bulk_create(credentials)
        status_lists_ensure(issuer=issuer, numbers={c.status_list for c in credentials})
        for credential in credentials:
            audit(
                actor=actor,
                action="credentials.credential.issue",
                instance=credential,
                organisation=issuer.organisation_id,
                changes={
                    "achievement": [None, credential.achievement_id],
                    "person": [None, credential.person_id],
                    "sha256": [None, credential.sha256],
                },
            )
    return credentials


def credentials_issue(
    *,
    actor: Actor,
    requests: Sequence[IssueRequest],
    progress: Progress | None = None,
    chunk: int | None = None,
) -> BatchOutcome:
    """Issue many credentials of one organisation, committing chunk by chunk.

    Requests that cannot be issued (not affiliated, no email, result not passed, already
    issued for this result) are skipped and reported; the rest are issued."""
    outcome = BatchOutcome()
    if not requests:
        return outcome
    organisation = requests[0].achievement.organisation
    if any(r.achievement.organisation_id != organisation.pk for r in requests):
        raise ValidationError(_("A batch issues for one organisation only."))
    issuer = issuer_ensure(actor=actor, organisation=organisation)
    key = active_key(issuer)
    pair = keypair(key)
    achievements = {
        r.achievement.pk: ob_achievement(r.achievement)
        for r in {r.achievement.pk: r for r in requests}.values()
    }
    issued_results = set(
        Credential.objects.filter(
            result_id__in=[r.result.pk for r in requests if r.result is not None]
        ).values_list("result_id", flat=True)
    )
    affiliated = set(
        Affiliation.objects.filter(
            organisation=organisation, person_id__in={r.person.pk for r in requests}
        ).values_list("person_id", flat=True)
    )
    valid: list[IssueRequest] = []
    for request in requests:
        reason = _check_request(request, organisation.pk, affiliated)
        if not reason and request.result is not None and request.result.pk in issued_results:
            reason = _("A credential was already issued for this result.")
        if reason:
            outcome.skipped.append({"person": request.person.pk, "reason": reason})
        else:
            valid.append(request)
    size = max(1, chunk or conf.BATCH_CHUNK)
    total = len(valid)
    if progress is not None:
        progress(0, total)
    for start in range(0, total, size):
        credentials = _issue_chunk(
            actor=actor,
            issuer=issuer,
            key=key,
            pair=pair,
            requests=valid[start : start + size],
            achievements=achievements,
        )
        outcome.issued.extend(str(c.pk) for c in credentials)
        if progress is not None:
            progress(len(outcome.issued), total)
    return outcome


def credential_issue(
    *,
    actor: Actor,
    achievement: Achievement,
    person: Person,
    result: ExamResult | None = None,
    valid_until: dt.datetime | None = None,
) -> Credential:
    """Issue one credential. Raises ValidationError naming the problem (nothing is issued).

    With a result, the validity comes from its scheme; a person who already holds a valid,
    unrevoked credential of the same achievement is refused."""
    if valid_until is not None and timezone.is_naive(valid_until):
        valid_until = timezone.make_aware(valid_until, dt.UTC)
    if result is not None and valid_until is None:
        months = result.session.scheme.validity_months
        if months:
            valid_until = add_months(timezone.now().replace(microsecond=0), months)
    if valid_until is not None and valid_until <= timezone.now():
        raise ValidationError({"valid_until": [_("The end of validity must be in the future.")]})
    request = IssueRequest(achievement, person, result, valid_until)
    reason = _check_request(request, achievement.organisation_id)
    if reason:
        raise ValidationError(reason)
    if result is not None and Credential.objects.filter(result=result).exists():
        raise ValidationError(_("A credential was already issued for this result."))
    holds = (
        Credential.objects.filter(achievement=achievement, person=person)
        .exclude(status=CredentialState.REVOKED)
        .exclude(valid_until__lte=timezone.now())
    )
    if holds.exists():
        raise ValidationError(
            _("%(person)s already holds a valid credential for this achievement.")
            % {"person": person}
        )
    outcome = credentials_issue(actor=actor, requests=[request])
    return Credential.objects.get(pk=outcome.issued[0])


def session_issue_requests(*, session: ExamSession) -> list[IssueRequest]:
    """Passed results of a session that have no credential yet."""
    scheme = session.scheme
    now = timezone.now().replace(microsecond=0)
    valid_until = add_months(now, scheme.validity_months) if scheme.validity_months else None
    results = (
        ExamResult.objects.filter(session=session, passed=True, credential__isnull=True)
        .select_related("person__user", "session__scheme")
        .order_by("id")
    )
    achievement = scheme.achievement
    return [IssueRequest(achievement, r.person, r, valid_until) for r in results]


def session_issue(
    *, actor: Actor, session: ExamSession, progress: Progress | None = None
) -> BatchOutcome:
    """Issue credentials for every passed result of the session that has none."""
    outcome = credentials_issue(
        actor=actor, requests=session_issue_requests(session=session), progress=progress
    )
    audit(
        actor=actor,
        action="credentials.session.issue",
        instance=session,
        organisation=session.organisation_id,
        changes={"issued": [0, len(outcome.issued)], "skipped": [0, len(outcome.skipped)]},
    )
    return outcome


def session_issue_start(*, actor: Any, session: ExamSession) -> Any:
    """Start batch issuance as a background job (progress bar on the job page)."""
    from qiao.core.services import jobs as job_services

    job = job_services.job_create(
        owner=actor,
        kind="credentials:issue",
        label=_("Issue credentials: %(session)s") % {"session": session},
        organisation=session.organisation,
        total=len(session_issue_requests(session=session)),
    )

    def enqueue() -> None:
        from qiao.credentials.tasks import issue_session_credentials

        task = issue_session_credentials.enqueue(job_id=str(job.pk), session_id=session.pk)
        job_services.job_set_task(job=job, task_id=str(task.id))

    transaction.on_commit(enqueue)
    return job


def session_issue_job(*, job_id: str, session_id: int) -> None:
    """What the task runs: issue, reporting progress to the job; finish or fail it."""
    from django.urls import reverse

    from qiao.core.models import JobProgress
    from qiao.core.services import jobs as job_services

    job = JobProgress.objects.select_related("owner").get(pk=job_id)
    session = ExamSession.objects.select_related("scheme__achievement__organisation").get(
        pk=session_id
    )

    def progress(done: int, total: int) -> None:
        job_services.job_progress(
            job_id=job.pk,
            done=done,
            total=total,
            message=_("%(done)d of %(total)d credentials issued") % {"done": done, "total": total},
        )

    try:
        outcome = session_issue(actor=job.owner, session=session, progress=progress)
    except Exception as error:
        job_services.job_fail(
            job_id=job.pk,
            message=_(
                "Issuance stopped: %(reason)s. Credentials issued so far are kept; run it "
                "again to issue the rest."
            )
            % {"reason": error},
        )
        raise
    message = _("%(issued)d credentials issued, %(skipped)d skipped.") % {
        "issued": len(outcome.issued),
        "skipped": len(outcome.skipped),
    }
    job_services.job_finish(
        job_id=job.pk,
        result=outcome.to_json(),
        message=message,
        result_url=reverse("credentials:session_detail", args=[session.pk]),
    )
