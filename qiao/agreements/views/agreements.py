"""Agreement list, page, create and edit forms, lifecycle steps and renewal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qiao.agreements import conf, selectors, services
from qiao.agreements import permissions as agreement_perms
from qiao.agreements.export import agreement_workbook
from qiao.agreements.filters import AgreementFilter
from qiao.agreements.forms import (
    AgreementForm,
    PartyFormSet,
    RenewForm,
    TransitionForm,
    initial_for,
)
from qiao.agreements.markdown import render_markdown
from qiao.agreements.models import Agreement, AgreementKind, AgreementStatus, PartyRole
from qiao.agreements.selectors import committees as committee_selectors
from qiao.agreements.services import PartySpec
from qiao.agreements.views._common import (
    detail_url,
    form_page,
    get_agreement,
    get_editable,
    show_error,
)
from qiao.core import permissions as perms
from qiao.core.importexport.export import Column, workbook_response
from qiao.core.lists import ListPage, SortOption
from qiao.core.models import Organisation


def _parties_text(a: Agreement) -> str:
    return "; ".join(f"{p.member} [{p.role}]" for p in a.parties.all())


def _countries(a: Agreement) -> str:
    codes = {p.organisation.country.code for p in a.parties.all() if p.organisation}
    return "|".join(sorted(codes))


AGREEMENT_EXPORT = [
    Column("id", lambda a: a.pk),
    Column("reference", lambda a: a.reference),
    Column("kind", lambda a: a.kind),
    Column("status", lambda a: a.effective_status()),
    Column("title", lambda a: a.title),
    Column("title_en", lambda a: a.title_en),
    Column("title_zh", lambda a: a.title_zh),
    Column("parties", _parties_text),
    Column("countries", _countries),
    Column("areas", lambda a: "|".join(area.code for area in a.areas.all())),
    Column("signed_on", lambda a: a.signed_on),
    Column("valid_from", lambda a: a.valid_from),
    Column("valid_to", lambda a: a.valid_to),
    Column("framework_id", lambda a: a.parent_id),
    Column("renews_id", lambda a: a.renews_id),
]

AGREEMENT_SORTS = [
    SortOption("title", gettext_lazy("Title"), ["title"]),
    SortOption("status", gettext_lazy("Status"), ["current_status", "title"]),
    SortOption("valid_to", gettext_lazy("Valid to"), ["valid_to", "title"]),
    SortOption("signed_on", gettext_lazy("Signed on"), ["signed_on", "title"]),
]

ACTION_LABELS = {
    AgreementStatus.NEGOTIATING: gettext_lazy("Start negotiating"),
    AgreementStatus.DRAFT: gettext_lazy("Back to draft"),
    AgreementStatus.SIGNED: gettext_lazy("Mark as signed"),
    AgreementStatus.ACTIVE: gettext_lazy("Activate"),
    AgreementStatus.EXPIRED: gettext_lazy("Record as expired"),
    AgreementStatus.TERMINATED: gettext_lazy("Terminate"),
}


@login_required
def agreement_list(request: HttpRequest) -> HttpResponseBase:
    perms.require(agreement_perms.can_use_agreements(request.user))
    page = ListPage(
        request=request,
        queryset=selectors.agreement_list_rows(viewer=request.user),
        filterset_class=AgreementFilter,
        sorts=AGREEMENT_SORTS,
        default_sort="title",
        export_columns=AGREEMENT_EXPORT,
        export_name="agreements",
    )
    download = page.export()
    if download is not None:
        return download
    context = page.context()
    context["can_create"] = agreement_perms.can_create_agreement(request.user)
    context["today"] = timezone.localdate()
    return render(request, "agreements/agreement_list.html", context)


def _actions(request: HttpRequest, agreement: Agreement) -> list[dict[str, Any]]:
    """The lifecycle buttons this viewer may press, with what still stands in the way."""
    if not agreement_perms.can_transition(request.user, agreement):
        return []
    actions = []
    for to in services.allowed_next(agreement):
        problems = services.transition_problems(agreement, to)
        if to == AgreementStatus.EXPIRED and problems:
            continue  # the nightly command records expiry; no button before the end
        actions.append(
            {
                "to": to,
                "label": ACTION_LABELS[AgreementStatus(to)],
                "problems": [m for msgs in problems.values() for m in msgs],
                "destructive": to == AgreementStatus.TERMINATED,
                "asks_date": to in (AgreementStatus.SIGNED, AgreementStatus.TERMINATED),
            }
        )
    return actions


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement(request, pk)
    page = selectors.agreement_page(viewer=request.user, agreement=agreement)
    can_edit = agreement_perms.can_edit_agreement(request.user, agreement)
    closed = agreement.is_closed
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "page": page,
            "summary_html": render_markdown(agreement.summary),
            "can_edit": can_edit,
            "can_edit_terms": can_edit and not closed,
            "can_sign": can_edit
            and agreement.status
            in (
                AgreementStatus.DRAFT,
                AgreementStatus.NEGOTIATING,
            ),
            "can_renew": can_edit
            and agreement.effective_status()
            in (AgreementStatus.SIGNED, AgreementStatus.ACTIVE, AgreementStatus.EXPIRED)
            and not any(a.renews_id == agreement.pk for a in page.chain),
            "actions": _actions(request, agreement),
            "today": timezone.localdate(),
            "committees": committee_selectors.committees_for_agreement(
                viewer=request.user, agreement=agreement
            ),
            "can_create_committee": can_edit and not closed,
        },
    )


@login_required
def agreement_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything recorded about the agreement that the viewer may see, as one workbook."""
    agreement = get_agreement(request, pk)
    return workbook_response(
        sheets=agreement_workbook(viewer=request.user, agreement=agreement),
        filename=f"agreement-{agreement.reference or agreement.pk}",
    )


# --- Create and edit --------------------------------------------------------------------------


def _party_rows(formset: Any) -> list[PartySpec]:
    return [
        PartySpec(role=f.cleaned_data["role"], organisation=f.cleaned_data["organisation"])
        for f in formset.forms
        if f.cleaned_data.get("organisation")
    ]


def _default_role(org: Organisation | None) -> str:
    if org is None:
        return ""
    return PartyRole.SCHOOL if org.is_school else PartyRole.ENTERPRISE


def _render_form(
    request: HttpRequest,
    form: AgreementForm,
    formset: Any,
    party_errors: list[str],
    *,
    title: str,
    agreement: Agreement | None,
) -> HttpResponse:
    return render(
        request,
        "agreements/agreement_form.html",
        {
            "form": form,
            "formset": formset,
            "party_errors": party_errors,
            "title": title,
            "agreement": agreement,
            "cancel_url": detail_url(agreement) if agreement else _list_url(),
        },
    )


def _list_url() -> str:
    from django.urls import reverse

    return reverse("agreements:agreement_list")


def _split_party_errors(error: ValidationError) -> tuple[ValidationError | None, list[str]]:
    if not hasattr(error, "error_dict"):
        return error, []
    rest = {k: v for k, v in error.message_dict.items() if k != "parties"}
    return (ValidationError(rest) if rest else None), error.message_dict.get("parties", [])


@login_required
def agreement_create(request: HttpRequest) -> HttpResponse:
    perms.require(agreement_perms.can_create_agreement(request.user))
    acting: Organisation | None = getattr(request, "organisation", None)
    organisations = Organisation.objects.filter(is_active=True).order_by("name")
    form = AgreementForm(
        request.POST or None,
        frameworks=selectors.framework_choices(viewer=request.user),
        initial={
            "kind": AgreementKind.FRAMEWORK,
            "remind_days_before": conf.AGREEMENT_REMIND_DAYS_BEFORE,
            "currency": "CNY",
        },
    )
    formset = PartyFormSet(
        request.POST or None,
        prefix="parties",
        form_kwargs={"organisations": organisations, "empty_permitted": False},
        initial=[{"organisation": acting, "role": _default_role(acting)}, {}, {}],
    )
    party_errors: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        parties = _party_rows(formset)
        data = dict(form.cleaned_data)
        areas = data.pop("areas")
        if not agreement_perms.can_create_agreement_between(
            request.user, [p.organisation.pk for p in parties if p.organisation]
        ):
            party_errors.append(_("One of the parties must be an organisation you coordinate."))
        else:
            try:
                agreement = services.agreement_create(
                    actor=request.user, parties=parties, areas=areas, **data
                )
            except ValidationError as error:
                rest, party_errors = _split_party_errors(error)
                if rest is not None:
                    show_error(form, rest)
            else:
                messages.success(request, _("Agreement created as a draft."))
                return redirect("agreements:agreement_detail", pk=agreement.pk)
    return _render_form(
        request, form, formset, party_errors, title=_("New agreement"), agreement=None
    )


@login_required
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_editable(request, pk)
    if agreement.is_closed:
        messages.error(request, _("A closed agreement can no longer be changed."))
        return redirect(detail_url(agreement))
    editable_parties = (
        agreement.status
        in (
            AgreementStatus.DRAFT,
            AgreementStatus.NEGOTIATING,
        )
        and agreement.kind != AgreementKind.INTERNSHIP
    )
    form = AgreementForm(
        request.POST or None,
        frameworks=selectors.framework_choices(viewer=request.user),
        agreement=agreement,
        initial=initial_for(agreement),
    )
    formset = None
    if editable_parties:
        formset = PartyFormSet(
            request.POST or None,
            prefix="parties",
            form_kwargs={
                "organisations": Organisation.objects.filter(is_active=True).order_by("name"),
                # Rows shown pre-filled must be read even when left as they were.
                "empty_permitted": False,
            },
            initial=[
                {"organisation": p.organisation, "role": p.role} for p in agreement.parties.all()
            ]
            + [{}],
        )
    party_errors: list[str] = []
    if request.method == "POST" and form.is_valid() and (formset is None or formset.is_valid()):
        data = dict(form.cleaned_data)
        areas = data.pop("areas")
        parties = _party_rows(formset) if formset is not None else None
        if parties is not None and not agreement_perms.can_create_agreement_between(
            request.user, [p.organisation.pk for p in parties if p.organisation]
        ):
            party_errors.append(_("Your organisation must stay a party to the agreement."))
        else:
            try:
                services.agreement_update(
                    actor=request.user, agreement=agreement, parties=parties, areas=areas, **data
                )
            except ValidationError as error:
                rest, party_errors = _split_party_errors(error)
                if rest is not None:
                    show_error(form, rest)
            else:
                messages.success(request, _("Saved."))
                return redirect(detail_url(agreement))
    return _render_form(
        request,
        form,
        formset,
        party_errors,
        title=_("Edit %(title)s") % {"title": agreement},
        agreement=agreement,
    )


# --- Lifecycle and renewal --------------------------------------------------------------------


@require_POST
@login_required
def agreement_transition(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement(request, pk)
    perms.require(agreement_perms.can_transition(request.user, agreement))
    form = TransitionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(detail_url(agreement))
    to = form.cleaned_data["to"]
    try:
        services.agreement_transition(
            actor=request.user,
            agreement=agreement,
            to=to,
            reason=form.cleaned_data["reason"] or "",
            on=form.cleaned_data["on"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The agreement is now %(status)s.")
            % {"status": str(AgreementStatus(to).label).lower()},
        )
    return redirect(detail_url(agreement))


@login_required
def agreement_renew(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_editable(request, pk)
    initial: dict[str, Any] = {}
    if agreement.valid_to:
        start = agreement.valid_to + dt.timedelta(days=1)
        length = (
            agreement.valid_to - agreement.valid_from
            if agreement.valid_from
            else dt.timedelta(days=365 * 3)
        )
        initial = {"valid_from": start, "valid_to": start + length}
    form = RenewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            renewal = services.agreement_renew(
                actor=request.user, agreement=agreement, **form.cleaned_data
            )
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(
                request, _("Renewal created as a draft, with the parties and commitments.")
            )
            return redirect(detail_url(renewal))
    return form_page(
        request,
        form=form,
        title=_("Renew %(title)s") % {"title": agreement},
        agreement=agreement,
        intro=_(
            "The renewal is a new agreement linked to this one, starting as a draft with the same "
            "parties, areas and commitments. It may overlap this one by a short handover period "
            "at most."
        ),
    )
