"""Management pages of an issuing organisation: overview, issuer keys, achievements, schemes,
exam sessions with candidates and results, batch issuance."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qiao.core import permissions as perms
from qiao.core.models import Organisation
from qiao.core.views._helpers import apply_validation_error, or_404
from qiao.credentials import crypto, selectors
from qiao.credentials import permissions as cred_perms
from qiao.credentials.forms import (
    AchievementForm,
    PersonLookupForm,
    ResultForm,
    SchemeForm,
    SessionForm,
)
from qiao.credentials.models import ExamSession
from qiao.credentials.services import assessment, issuance, issuers, publishing
from qiao.credentials.views._common import form_context, managed_organisation, require_management


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """/credentials/: managers to the management pages, everyone else to their wallet."""
    if cred_perms.can_use_management(request.user):
        return redirect("credentials:home")
    return redirect("credentials:wallet")


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Managers: the issuer, its keys and counts. Everyone else goes to their wallet."""
    if not cred_perms.can_use_management(request.user):
        return redirect("credentials:wallet")
    org: Organisation | None = getattr(request, "organisation", None)
    if org is None or not cred_perms.can_manage_credentials(request.user, org):
        org = None
    issuer = selectors.issuer_for(organisation=org) if org is not None else None
    return render(
        request,
        "credentials/overview.html",
        {
            "organisation": org,
            "issuer": issuer,
            "keys": list(issuer.keys.all()) if issuer else [],
            "did_url": reverse("credentials_public:issuer_did", args=[issuer.slug])
            if issuer
            else "",
            "summary": selectors.management_summary(viewer=request.user, organisation=org)
            if org is not None
            else {},
            "anchors": publishing.alliance_anchors(),
        },
    )


@require_POST
@login_required
def issuer_setup(request: HttpRequest) -> HttpResponse:
    org = managed_organisation(request)
    try:
        issuers.issuer_ensure(actor=request.user, organisation=org)
    except crypto.KeyEncryptionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The issuer is set up with its first key."))
    return redirect("credentials:home")


@require_POST
@login_required
def key_rotate(request: HttpRequest) -> HttpResponse:
    org = managed_organisation(request)
    issuer = or_404(selectors.issuer_for(organisation=org))
    try:
        key = issuers.key_rotate(actor=request.user, issuer=issuer)
    except crypto.KeyEncryptionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "New signing key %(key)s. The old key stays published: what it signed still "
                "verifies."
            )
            % {"key": key.key_name},
        )
    return redirect("credentials:home")


def _organisation_of(request: HttpRequest, obj: Any) -> Organisation:
    """The organisation of the object being edited (the selectors scoped it), else the one the
    viewer acts for, which they must manage."""
    if obj is None:
        return managed_organisation(request)
    perms.require(cred_perms.can_manage_credentials(request.user, obj.organisation))
    organisation: Organisation = obj.organisation
    return organisation


# --- Achievements -------------------------------------------------------------------------------


@login_required
def achievement_list(request: HttpRequest) -> HttpResponse:
    require_management(request)
    items = selectors.achievement_list(viewer=request.user).order_by("name_en", "name_zh")
    return render(request, "credentials/achievement_list.html", {"achievements": items})


@login_required
def achievement_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    achievement = (
        or_404(selectors.achievement_get(viewer=request.user, pk=pk)) if pk is not None else None
    )
    org = _organisation_of(request, achievement)
    form = AchievementForm(request.POST or None, instance=achievement)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        skills = data.pop("skills")
        try:
            if achievement is None:
                assessment.achievement_create(
                    actor=request.user, organisation=org, skills=skills, **data
                )
            else:
                achievement.refresh_from_db()
                assessment.achievement_update(
                    actor=request.user, achievement=achievement, skills=skills, **data
                )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("credentials:achievement_list")
    title = (
        _("New achievement") if achievement is None else _("Edit %(name)s") % {"name": achievement}
    )
    return render(
        request,
        "core/form_page.html",
        form_context(title, form, reverse("credentials:achievement_list")),
    )


# --- Schemes ------------------------------------------------------------------------------------


@login_required
def scheme_list(request: HttpRequest) -> HttpResponse:
    require_management(request)
    schemes = selectors.scheme_list(viewer=request.user).order_by("code")
    return render(request, "credentials/scheme_list.html", {"schemes": schemes})


@login_required
def scheme_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    scheme = or_404(selectors.scheme_get(viewer=request.user, pk=pk)) if pk is not None else None
    org = _organisation_of(request, scheme)
    form = SchemeForm(request.POST or None, instance=scheme, organisation=org)
    if request.method == "POST" and form.is_valid():
        try:
            if scheme is None:
                assessment.scheme_create(actor=request.user, organisation=org, **form.cleaned_data)
            else:
                scheme.refresh_from_db()
                assessment.scheme_update(actor=request.user, scheme=scheme, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("credentials:scheme_list")
    title = (
        _("New certification scheme")
        if scheme is None
        else _("Edit %(name)s") % {"name": scheme.code}
    )
    return render(
        request,
        "core/form_page.html",
        form_context(title, form, reverse("credentials:scheme_list")),
    )


# --- Sessions -----------------------------------------------------------------------------------


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    require_management(request)
    sessions = selectors.session_list(viewer=request.user).order_by("-date", "code")
    return render(request, "credentials/session_list.html", {"sessions": sessions})


@login_required
def session_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    session = or_404(selectors.session_get(viewer=request.user, pk=pk)) if pk is not None else None
    org = _organisation_of(request, session)
    form = SessionForm(request.POST or None, instance=session, organisation=org)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        scheme = data.pop("scheme")
        try:
            if session is None:
                session = assessment.session_create(actor=request.user, scheme=scheme, **data)
            else:
                session = assessment.session_update(actor=request.user, session=session, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("credentials:session_detail", pk=session.pk)
    title = _("New exam session") if session is None else _("Edit %(name)s") % {"name": session}
    return render(
        request,
        "core/form_page.html",
        form_context(title, form, reverse("credentials:session_list")),
    )


def _session(request: HttpRequest, pk: int) -> ExamSession:
    session: ExamSession = or_404(selectors.session_get(viewer=request.user, pk=pk))
    return session


def _render_session(
    request: HttpRequest,
    session: ExamSession,
    candidate_form: PersonLookupForm | None = None,
    result_form: ResultForm | None = None,
    status: int = 200,
) -> HttpResponse:
    results: QuerySet = selectors.session_results(session=session)
    return render(
        request,
        "credentials/session_detail.html",
        {
            "session": session,
            "results": results,
            "waiting": selectors.session_candidates_without_result(session=session),
            "to_issue": len(issuance.session_issue_requests(session=session)),
            "candidate_form": candidate_form or PersonLookupForm(prefix="cand"),
            "result_form": result_form or ResultForm(prefix="res"),
        },
        status=status,
    )


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_session(request, _session(request, pk))


@require_POST
@login_required
def session_candidate(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    form = PersonLookupForm(request.POST, prefix="cand")
    if form.is_valid():
        person = selectors.find_person(
            organisation=session.organisation, text=form.cleaned_data["who"]
        )
        if person is None:
            form.add_error(
                "who", _("No one of your organisation has this student number or email.")
            )
        else:
            try:
                assessment.candidate_register(actor=request.user, session=session, person=person)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("%(person)s is registered.") % {"person": person})
                return redirect("credentials:session_detail", pk=session.pk)
    return _render_session(request, session, candidate_form=form, status=400)


@require_POST
@login_required
def session_result(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    form = ResultForm(request.POST, prefix="res")
    if form.is_valid():
        person = selectors.find_person(
            organisation=session.organisation, text=form.cleaned_data["who"]
        )
        if person is None:
            form.add_error(
                "who", _("No one of your organisation has this student number or email.")
            )
        else:
            try:
                result = assessment.result_record(
                    actor=request.user,
                    session=session,
                    person=person,
                    score=form.cleaned_data["score"],
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                verdict = _("passed") if result.passed else _("did not pass")
                messages.success(
                    request, _("%(person)s: %(verdict)s.") % {"person": person, "verdict": verdict}
                )
                return redirect("credentials:session_detail", pk=session.pk)
    return _render_session(request, session, result_form=form, status=400)


@require_POST
@login_required
def session_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Start batch issuance for the session's passed results (a background job)."""
    session = _session(request, pk)
    if not issuance.session_issue_requests(session=session):
        messages.info(request, _("Every passed candidate already holds the credential."))
        return redirect("credentials:session_detail", pk=session.pk)
    try:
        crypto.current_kek()
    except crypto.KeyEncryptionError as error:
        messages.error(request, str(error))
        return redirect("credentials:session_detail", pk=session.pk)
    job = issuance.session_issue_start(actor=request.user, session=session)
    return redirect("core:job_detail", pk=job.pk)
