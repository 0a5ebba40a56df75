"""Achievements, certification schemes, exam sessions, candidates and results.

Keyword-only, atomic, audited. Bad input raises ValidationError naming the field, and nothing
is changed. A result's `passed` is computed here from the scheme's pass mark.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qiao.core.audit import diff, snapshot
from qiao.core.models import Affiliation, Organisation, Person
from qiao.core.services._base import assign
from qiao.core.types import Actor
from qiao.credentials.models import (
    Achievement,
    CertificationScheme,
    ExamCandidate,
    ExamResult,
    ExamSession,
)
from qiao.credentials.services._common import audit, raise_errors, user_or_none
from qiao.skills.models import Skill

ACHIEVEMENT_FIELDS = (
    "kind",
    "human_code",
    "name_en",
    "name_zh",
    "description_en",
    "description_zh",
    "criteria_en",
    "criteria_zh",
    "languages",
    "is_active",
)
SCHEME_FIELDS = ("achievement", "code", "pass_mark", "max_score", "validity_months", "is_active")
SESSION_FIELDS = ("code", "site", "date", "capacity")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")


# --- Achievements -------------------------------------------------------------------------------


def _check_achievement(achievement: Achievement) -> None:
    errors: dict[str, list[str]] = {}
    try:
        achievement.full_clean(exclude=["skills"], validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not (achievement.name_en.strip() or achievement.name_zh.strip()):
        errors.setdefault("name_en", [_("Give a name in English or in Chinese.")])
    if not (achievement.description_en.strip() or achievement.description_zh.strip()):
        errors.setdefault("description_en", [_("Give a description in English or in Chinese.")])
    if not (achievement.criteria_en.strip() or achievement.criteria_zh.strip()):
        errors.setdefault("criteria_en", [_("Say what earns it, in English or in Chinese.")])
    tags = achievement.language_list
    if not tags or not all(_LANGUAGE_TAG.fullmatch(t) for t in tags):
        errors.setdefault("languages", [_("Use language tags such as zh-CN or en.")])
    if (
        "name_en" not in errors
        and Achievement.objects.filter(
            organisation_id=achievement.organisation_id,
            name_en=achievement.name_en,
            name_zh=achievement.name_zh,
        )
        .exclude(pk=achievement.pk)
        .exists()
    ):
        errors["name_en"] = [_("This organisation already has an achievement with this name.")]
    raise_errors(errors)


@transaction.atomic
def achievement_create(
    *,
    actor: Actor,
    organisation: Organisation,
    skills: Iterable[Skill] = (),
    **fields: Any,
) -> Achievement:
    achievement = Achievement(organisation=organisation)
    assign(achievement, {k: v for k, v in fields.items() if k in ACHIEVEMENT_FIELDS})
    unknown = set(fields) - set(ACHIEVEMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown achievement fields: {sorted(unknown)}")
    achievement.languages = ",".join(achievement.language_list)
    _check_achievement(achievement)
    achievement.save()
    skill_codes = sorted(s.code for s in skills)
    achievement.skills.set(list(skills))
    audit(
        actor=actor,
        action="credentials.achievement.create",
        instance=achievement,
        organisation=organisation,
        changes={**diff({}, snapshot(achievement)), "skills": [[], skill_codes]},
    )
    return achievement


@transaction.atomic
def achievement_update(
    *, actor: Actor, achievement: Achievement, skills: Iterable[Skill] | None = None, **fields: Any
) -> Achievement:
    """Change an achievement. Credentials already issued keep what they said (they are
    immutable); new ones say the new text."""
    unknown = set(fields) - set(ACHIEVEMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown achievement fields: {sorted(unknown)}")
    before = snapshot(achievement)
    old_skills = sorted(achievement.skills.values_list("code", flat=True))
    assign(achievement, fields)
    achievement.languages = ",".join(achievement.language_list)
    _check_achievement(achievement)
    achievement.save()
    changes: dict[str, Any] = diff(before, snapshot(achievement))
    if skills is not None:
        skills = list(skills)
        achievement.skills.set(skills)
        new_skills = sorted(s.code for s in skills)
        if new_skills != old_skills:
            changes["skills"] = [old_skills, new_skills]
    if changes:
        audit(
            actor=actor,
            action="credentials.achievement.update",
            instance=achievement,
            organisation=achievement.organisation_id,
            changes=changes,
        )
    return achievement


# --- Schemes ------------------------------------------------------------------------------------


def _check_scheme(scheme: CertificationScheme) -> None:
    errors: dict[str, list[str]] = {}
    try:
        scheme.full_clean(validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if scheme.achievement_id and scheme.achievement.organisation_id != scheme.organisation_id:
        errors.setdefault("achievement", [_("The achievement belongs to another organisation.")])
    max_score = scheme.max_score if isinstance(scheme.max_score, Decimal) else None
    pass_mark = scheme.pass_mark if isinstance(scheme.pass_mark, Decimal) else None
    if max_score is not None and max_score <= 0:
        errors.setdefault("max_score", [_("The maximum score must be above zero.")])
    if pass_mark is not None and max_score is not None and not 0 <= pass_mark <= max_score:
        errors.setdefault(
            "pass_mark", [_("The pass mark must be between 0 and the maximum score.")]
        )
    if scheme.validity_months is not None and not 1 <= scheme.validity_months <= 240:
        errors.setdefault("validity_months", [_("Between 1 and 240 months, or empty.")])
    if (
        "code" not in errors
        and CertificationScheme.objects.filter(
            organisation_id=scheme.organisation_id, code=scheme.code
        )
        .exclude(pk=scheme.pk)
        .exists()
    ):
        errors["code"] = [_("This code is already used by another scheme.")]
    raise_errors(errors)


@transaction.atomic
def scheme_create(
    *, actor: Actor, organisation: Organisation, **fields: Any
) -> CertificationScheme:
    scheme = CertificationScheme(organisation=organisation)
    assign(scheme, fields)
    _check_scheme(scheme)
    scheme.save()
    audit(
        actor=actor,
        action="credentials.scheme.create",
        instance=scheme,
        organisation=organisation,
        changes=diff({}, snapshot(scheme)),
    )
    return scheme


@transaction.atomic
def scheme_update(
    *, actor: Actor, scheme: CertificationScheme, **fields: Any
) -> CertificationScheme:
    """Change a scheme. Results already recorded keep the pass mark that applied to them."""
    before = snapshot(scheme)
    assign(scheme, fields)
    _check_scheme(scheme)
    scheme.save()
    changes = diff(before, snapshot(scheme))
    if changes:
        audit(
            actor=actor,
            action="credentials.scheme.update",
            instance=scheme,
            organisation=scheme.organisation_id,
            changes=changes,
        )
    return scheme


# --- Sessions and candidates --------------------------------------------------------------------


def _check_session(session: ExamSession) -> None:
    errors: dict[str, list[str]] = {}
    try:
        session.full_clean(exclude=["organisation"], validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if isinstance(session.capacity, int) and not 1 <= session.capacity <= 100_000:
        errors.setdefault("capacity", [_("Between 1 and 100,000 candidates.")])
    if session.pk and isinstance(session.capacity, int):
        registered = session.registrations.count()
        if session.capacity < registered:
            errors.setdefault(
                "capacity",
                [
                    _("%(count)d candidates are registered: the capacity cannot be lower.")
                    % {"count": registered}
                ],
            )
    if (
        "code" not in errors
        and ExamSession.objects.filter(organisation_id=session.organisation_id, code=session.code)
        .exclude(pk=session.pk)
        .exists()
    ):
        errors["code"] = [_("This code is already used by another session.")]
    raise_errors(errors)


@transaction.atomic
def session_create(*, actor: Actor, scheme: CertificationScheme, **fields: Any) -> ExamSession:
    session = ExamSession(scheme=scheme, organisation_id=scheme.organisation_id)
    assign(session, fields)
    _check_session(session)
    session.save()
    audit(
        actor=actor,
        action="credentials.session.create",
        instance=session,
        organisation=scheme.organisation_id,
        changes=diff({}, snapshot(session)),
    )
    return session


@transaction.atomic
def session_update(*, actor: Actor, session: ExamSession, **fields: Any) -> ExamSession:
    session = ExamSession.objects.select_for_update().get(pk=session.pk)
    before = snapshot(session)
    assign(session, fields)
    _check_session(session)
    session.save()
    changes = diff(before, snapshot(session))
    if changes:
        audit(
            actor=actor,
            action="credentials.session.update",
            instance=session,
            organisation=session.organisation_id,
            changes=changes,
        )
    return session


def is_affiliated(person: Person, organisation_id: int) -> bool:
    return Affiliation.objects.filter(person=person, organisation_id=organisation_id).exists()


def _lock_session(session: ExamSession) -> ExamSession:
    """Re-read under a row lock so that two registrations cannot both take the last seat."""
    return ExamSession.objects.select_related("scheme").select_for_update().get(pk=session.pk)


@transaction.atomic
def candidate_register(*, actor: Actor, session: ExamSession, person: Person) -> ExamCandidate:
    """Register a person of the session's organisation, within the session's capacity."""
    session = _lock_session(session)
    existing = ExamCandidate.objects.filter(session=session, person=person).first()
    if existing is not None:
        return existing
    if not is_affiliated(person, session.organisation_id):
        raise ValidationError(
            {"person": [_("This person is not affiliated with the session's organisation.")]}
        )
    if session.registrations.count() >= session.capacity:
        raise ValidationError(
            {"person": [_("The session is full (%(n)d seats).") % {"n": session.capacity}]}
        )
    candidate = ExamCandidate.objects.create(session=session, person=person)
    audit(
        actor=actor,
        action="credentials.candidate.register",
        instance=candidate,
        organisation=session.organisation_id,
        changes={"person": [None, person.pk], "session": [None, session.pk]},
    )
    return candidate


@transaction.atomic
def candidate_remove(*, actor: Actor, session: ExamSession, person: Person) -> None:
    """Unregister a candidate who has no result yet."""
    if ExamResult.objects.filter(session=session, person=person).exists():
        raise ValidationError(_("This candidate has a result and cannot be removed."))
    deleted, _detail = ExamCandidate.objects.filter(session=session, person=person).delete()
    if deleted:
        audit(
            actor=actor,
            action="credentials.candidate.remove",
            instance=session,
            organisation=session.organisation_id,
            changes={"person": [person.pk, None]},
        )


# --- Results ------------------------------------------------------------------------------------


def parse_score(value: Any, scheme: CertificationScheme) -> Decimal:
    """A score as a Decimal within 0..max_score, or ValidationError."""
    try:
        score = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(_("The score must be a number.")) from exc
    if not score.is_finite() or score < 0 or score > scheme.max_score:
        raise ValidationError(
            _("The score must be between 0 and %(max)s.") % {"max": scheme.max_score}
        )
    if score != score.quantize(Decimal("0.01")):
        raise ValidationError(_("At most two decimal places."))
    return score


@dataclass(frozen=True)
class ResultInput:
    person: Person
    score: Decimal


@dataclass
class ResultsOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@transaction.atomic
def results_record(
    *, actor: Actor, session: ExamSession, results: Sequence[ResultInput]
) -> ResultsOutcome:
    """Record (or correct) scores; unregistered people are registered within capacity.

    A result whose credential has been issued cannot change (correct it by revoking the
    credential). Raises ValidationError naming the person; nothing is saved then."""
    session = _lock_session(session)
    scheme = session.scheme
    registered = set(session.registrations.values_list("person_id", flat=True))
    existing = {r.person_id: r for r in ExamResult.objects.filter(session=session)}
    issued = set(
        ExamResult.objects.filter(session=session, credential__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    errors: list[str] = []
    new_candidates = []
    outcome = ResultsOutcome()
    user = user_or_none(actor)
    to_create: list[ExamResult] = []
    to_update: list[ExamResult] = []
    seen: set[int] = set()
    for item in results:
        if item.person.pk in seen:
            errors.append(_("%(person)s appears twice.") % {"person": item.person})
            continue
        seen.add(item.person.pk)
        score = (
            parse_score(item.score, scheme) if not isinstance(item.score, Decimal) else item.score
        )
        if not 0 <= score <= scheme.max_score:
            errors.append(_("%(person)s: the score is out of range.") % {"person": item.person})
            continue
        if item.person.pk not in registered:
            if not is_affiliated(item.person, session.organisation_id):
                errors.append(
                    _("%(person)s is not affiliated with the session's organisation.")
                    % {"person": item.person}
                )
                continue
            registered.add(item.person.pk)
            new_candidates.append(ExamCandidate(session=session, person=item.person))
        passed = score >= scheme.pass_mark
        current = existing.get(item.person.pk)
        if current is None:
            to_create.append(
                ExamResult(
                    session=session,
                    person=item.person,
                    score=score,
                    pass_mark=scheme.pass_mark,
                    passed=passed,
                    recorded_by=user,
                )
            )
        elif current.score == score:
            outcome.unchanged += 1
        elif item.person.pk in issued:
            errors.append(
                _(
                    "%(person)s already holds the credential for this result; revoke it before "
                    "correcting the score."
                )
                % {"person": item.person}
            )
        else:
            current.score, current.pass_mark, current.passed = score, scheme.pass_mark, passed
            current.recorded_by = user
            to_update.append(current)
    if len(registered) > session.capacity:
        errors.append(
            _("The session has %(capacity)d seats; these results need %(needed)d.")
            % {"capacity": session.capacity, "needed": len(registered)}
        )
    if errors:
        raise ValidationError(errors)
    ExamCandidate.objects.bulk_create(new_candidates)
    ExamResult.objects.bulk_create(to_create)
    for result in to_update:
        result.save(update_fields=["score", "pass_mark", "passed", "recorded_by", "recorded_at"])
    outcome.created, outcome.updated = len(to_create), len(to_update)
    audit(
        actor=actor,
        action="credentials.results.record",
        instance=session,
        organisation=session.organisation_id,
        changes={
            "created": [0, outcome.created],
            "updated": [0, outcome.updated],
            "registered": [0, len(new_candidates)],
        },
    )
    return outcome


def result_record(*, actor: Actor, session: ExamSession, person: Person, score: Any) -> ExamResult:
    """Record one candidate's score (see results_record)."""
    try:
        value = parse_score(score, session.scheme)
    except ValidationError as error:
        raise ValidationError({"score": error.messages}) from error
    results_record(actor=actor, session=session, results=[ResultInput(person, value)])
    return ExamResult.objects.get(session=session, person=person)
