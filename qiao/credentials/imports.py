"""The "exam_results" import kind: scores of an exam session, one candidate a row.

Rows name the candidate by student number (at the importing organisation) or email, the score,
and the session by its code (column `session_code`), unless the page passed a session in the
import options (`ctx.options["session"]`, a session id), in which case the column may be left
out. Every row is checked (candidate affiliated, score within the scheme's range, no candidate
twice in a session, capacity, no change to a result whose credential is issued); nothing is
saved unless every row is right. Passing is computed from the scheme's pass mark.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.core.importexport.registry import (
    ImportColumn,
    ImportContext,
    ImportKind,
    ImportRowsError,
    ImportSummary,
    RowError,
)
from qiao.core.models import Affiliation, Organisation, Person, User
from qiao.credentials import permissions as cred_perms
from qiao.credentials.models import ExamCandidate, ExamResult, ExamSession
from qiao.credentials.services.assessment import ResultInput, parse_score, results_record


@dataclass(frozen=True)
class ResultRow:
    row: int
    session_id: int
    person_id: int
    score: Decimal


@dataclass
class _State:
    sessions_by_code: dict[str, ExamSession]
    fixed_session: ExamSession | None
    by_number: dict[str, int]
    by_email: dict[str, list[int]]
    registered: dict[int, set[int]]
    seen: dict[tuple[int, int], int]
    issued: dict[int, dict[int, Decimal]]


class ExamResultsImport(ImportKind):
    key = "exam_results"
    label = gettext_lazy("exam results")
    description = gettext_lazy(
        "One row is one candidate's score in an exam session of the organisation you act for. "
        "Name the candidate by student number or email, and the session by its code. Candidates "
        "not yet registered are registered, within the session's capacity. A score already "
        "stored is corrected, unless its credential has been issued. Pass or fail follows the "
        "scheme's pass mark."
    )
    columns = (
        ImportColumn(
            "session_code",
            max_length=60,
            help=gettext_lazy("The exam session's code, e.g. HCIA-CLOUD-2026-03."),
            aliases=("session", "exam_session"),
        ),
        ImportColumn(
            "student_number",
            max_length=40,
            help=gettext_lazy("The candidate's student number at your organisation."),
            aliases=("student_no", "number", "学号"),
        ),
        ImportColumn(
            "email",
            max_length=254,
            help=gettext_lazy("Or the candidate's email, when there is no student number."),
            aliases=("e_mail",),
        ),
        ImportColumn(
            "score",
            required=True,
            max_length=20,
            help=gettext_lazy("The score, e.g. 78 or 78.5 (at most two decimals)."),
            aliases=("mark", "result", "成绩"),
        ),
    )
    example_rows = (
        {"session_code": "HCIA-CLOUD-2026-03", "student_number": "SZPT20240001", "score": "82"},
        {"session_code": "HCIA-CLOUD-2026-03", "email": "li.hua@example.edu", "score": "57.5"},
    )

    def allowed(self, user: User, organisation: Organisation | None) -> bool:
        return organisation is not None and cred_perms.can_manage_credentials(user, organisation)

    def prepare(self, ctx: ImportContext) -> None:
        org = ctx.organisation
        assert org is not None
        sessions = ExamSession.objects.filter(organisation=org).select_related("scheme")
        fixed = None
        if ctx.options.get("session") is not None:
            fixed = sessions.filter(pk=ctx.options["session"]).first()
        by_email: dict[str, list[int]] = defaultdict(list)
        for pk, email in (
            Person.objects.filter(affiliations__organisation=org)
            .exclude(email="")
            .values_list("pk", "email")
            .distinct()
        ):
            by_email[email.strip().lower()].append(pk)
        registered: dict[int, set[int]] = defaultdict(set)
        for session_id, person_id in ExamCandidate.objects.filter(
            session__organisation=org
        ).values_list("session_id", "person_id"):
            registered[session_id].add(person_id)
        issued: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for session_id, person_id, score in ExamResult.objects.filter(
            session__organisation=org, credential__isnull=False
        ).values_list("session_id", "person_id", "score"):
            issued[session_id][person_id] = score
        ctx.state["results"] = _State(
            sessions_by_code={s.code.lower(): s for s in sessions},
            fixed_session=fixed,
            by_number={
                number: pk
                for pk, number in Affiliation.objects.filter(organisation=org, kind="student")
                .exclude(student_number="")
                .values_list("person_id", "student_number")
            },
            by_email=dict(by_email),
            registered=registered,
            seen={},
            issued=issued,
        )

    def validate_row(
        self, row_number: int, values: dict[str, str], ctx: ImportContext
    ) -> tuple[Any, list[RowError]]:
        state: _State = ctx.state["results"]
        errors: list[RowError] = []
        code = values.get("session_code", "")
        session = state.fixed_session
        if code:
            session = state.sessions_by_code.get(code.lower())
            if session is None:
                errors.append(
                    RowError(row_number, "session_code", _("No exam session has this code."), code)
                )
        elif session is None:
            errors.append(RowError(row_number, "session_code", _("Give the session's code.")))
        number, email = values.get("student_number", ""), values.get("email", "").lower()
        person_id = None
        if number:
            person_id = state.by_number.get(number)
            if person_id is None:
                errors.append(
                    RowError(
                        row_number,
                        "student_number",
                        _("No student of your organisation has this number."),
                        number,
                    )
                )
        elif email:
            found = state.by_email.get(email, [])
            if len(found) == 1:
                person_id = found[0]
            else:
                message = (
                    _(
                        "Several people of your organisation have this email: use the student "
                        "number."
                    )
                    if found
                    else _("No one of your organisation has this email.")
                )
                errors.append(RowError(row_number, "email", message, email))
        else:
            errors.append(
                RowError(row_number, "student_number", _("Give a student number or an email."))
            )
        score = None
        if session is not None and values.get("score"):
            try:
                score = parse_score(values["score"], session.scheme)
            except ValidationError as error:
                errors.append(
                    RowError(row_number, "score", " ".join(error.messages), values["score"])
                )
        if session is None or person_id is None or score is None:
            return None, errors
        key = (session.pk, person_id)
        if key in state.seen:
            errors.append(
                RowError(
                    row_number,
                    "student_number" if number else "email",
                    _("This candidate already has a score in row %(row)d.")
                    % {"row": state.seen[key]},
                )
            )
            return None, errors
        state.seen[key] = row_number
        issued = state.issued.get(session.pk, {})
        if person_id in issued and issued[person_id] != score:
            errors.append(
                RowError(
                    row_number,
                    "score",
                    _(
                        "The credential for this result is issued: revoke it before changing the "
                        "score."
                    ),
                    values["score"],
                )
            )
        registered = state.registered[session.pk]
        if person_id not in registered:
            if len(registered) >= session.capacity:
                errors.append(
                    RowError(
                        row_number,
                        "session_code",
                        _("The session is full (%(n)d seats).") % {"n": session.capacity},
                        code,
                    )
                )
            else:
                registered.add(person_id)
        if errors:
            return None, errors
        return ResultRow(row_number, session.pk, person_id, score), []

    def commit(self, cleaned: list[Any], ctx: ImportContext) -> ImportSummary:
        summary = ImportSummary()
        by_session: dict[int, list[ResultRow]] = defaultdict(list)
        for row in cleaned:
            by_session[row.session_id].append(row)
        people = Person.objects.in_bulk([row.person_id for row in cleaned])
        for session_id, rows in by_session.items():
            session = ExamSession.objects.select_related("scheme").get(pk=session_id)
            try:
                outcome = results_record(
                    actor=ctx.actor,
                    session=session,
                    results=[ResultInput(people[r.person_id], r.score) for r in rows],
                )
            except ValidationError as error:
                raise ImportRowsError(
                    [RowError(rows[0].row, "", message) for message in error.messages]
                ) from error
            summary.created += outcome.created
            summary.updated += outcome.updated
            summary.unchanged += outcome.unchanged
        summary.details = {"sessions": len(by_session)}
        return summary
