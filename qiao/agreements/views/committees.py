"""Committee pages: list, set up, page (members, charter, meetings, decisions), edit, members,
new meeting. Committees the viewer may not see answer 404; seen but not managed, 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qiao.agreements import permissions as agreement_perms
from qiao.agreements import selectors, services
from qiao.agreements.forms_committees import CommitteeForm, MeetingForm, MemberForm
from qiao.agreements.markdown import render_markdown
from qiao.agreements.models import Committee, CommitteeMember
from qiao.agreements.selectors import committees as committee_selectors
from qiao.agreements.views._common import form_page, show_error
from qiao.core import permissions as perms
from qiao.core.models import Organisation, Person
from qiao.core.views._helpers import or_404


def get_committee(request: HttpRequest, pk: int) -> Committee:
    committee: Committee = or_404(committee_selectors.committee_get(viewer=request.user, pk=pk))
    return committee


def get_managed(request: HttpRequest, pk: int) -> Committee:
    committee = get_committee(request, pk)
    perms.require(agreement_perms.can_manage_committee(request.user, committee))
    return committee


def committee_url(committee: Committee, anchor: str = "") -> str:
    url = reverse("agreements:committee_detail", args=[committee.pk])
    return f"{url}#{anchor}" if anchor else url


def _editable_agreements(request: HttpRequest) -> Any:
    """Agreements the viewer may attach a committee to: those they may edit."""
    visible = selectors.agreement_list(viewer=request.user).order_by("title")
    if perms.is_platform_admin(request.user):
        return visible
    from qiao.agreements.models import Party
    from qiao.core.models import Role

    managed = perms.organisation_ids(request.user, Role.COORDINATOR)
    return visible.filter(
        pk__in=Party.objects.filter(organisation_id__in=managed).values("agreement_id")
    )


def member_people(committee: Committee) -> Any:
    return Person.objects.filter(committee_memberships__committee=committee).order_by(
        "committee_memberships__order", "id"
    )


@login_required
def committee_list(request: HttpRequest) -> HttpResponse:
    perms.require(agreement_perms.can_use_agreements(request.user))
    return render(
        request,
        "agreements/committee_list.html",
        {"committees": committee_selectors.committee_list_rows(viewer=request.user)},
    )


@login_required
def committee_create(request: HttpRequest) -> HttpResponse:
    choices = _editable_agreements(request)
    perms.require(choices.exists())
    initial: dict[str, Any] = {}
    start = request.GET.get("agreement", "")
    first = choices.filter(pk=int(start)).first() if start.isdigit() else None
    if first is not None:
        initial = {
            "agreements": [first.pk],
            "name": _("Cooperation management committee: %(title)s")
            % {"title": first.display_title()},
        }
    form = CommitteeForm(request.POST or None, agreements=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["agreements"])
        perms.require(agreement_perms.can_create_committee(request.user, chosen))
        try:
            committee = services.committee_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                charter=form.cleaned_data["charter"],
                agreements=chosen,
            )
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Committee set up. Now add its members."))
            return redirect(committee_url(committee))
    return form_page(
        request,
        form=form,
        title=_("Set up a committee"),
        agreement=first,
        intro=_(
            "The cooperation management committee steers one agreement, or several agreements "
            "between the same partners. Its members see it; the parties' coordinators manage it."
        ),
    )


@login_required
def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    committee = get_committee(request, pk)
    page = committee_selectors.committee_page(committee=committee)
    return render(
        request,
        "agreements/committee_detail.html",
        {
            "committee": committee,
            "page": page,
            "charter_html": render_markdown(committee.charter),
            "can_manage": agreement_perms.can_manage_committee(request.user, committee),
            "today": timezone.localdate(),
        },
    )


@login_required
def committee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    committee = get_managed(request, pk)
    choices = _editable_agreements(request) | selectors.agreement_list(viewer=request.user).filter(
        committees=committee
    )
    form = CommitteeForm(
        request.POST or None,
        agreements=choices.distinct(),
        initial={
            "name": committee.name,
            "charter": committee.charter,
            "agreements": list(committee.agreements.values_list("pk", flat=True)),
        },
    )
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["agreements"])
        added = [a for a in chosen if not committee.agreements.filter(pk=a.pk).exists()]
        perms.require(not added or agreement_perms.can_create_committee(request.user, added))
        try:
            services.committee_update(
                actor=request.user,
                committee=committee,
                name=form.cleaned_data["name"],
                charter=form.cleaned_data["charter"],
                agreements=chosen,
            )
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(committee_url(committee))
    return form_page(
        request,
        form=form,
        title=_("Edit %(name)s") % {"name": committee},
        cancel_url=committee_url(committee),
    )


@login_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    committee = get_managed(request, pk)
    orgs = Organisation.objects.filter(pk__in=services.committees.committee_org_ids(committee))
    form = MemberForm(
        request.POST or None,
        candidates=services.member_candidates(committee),
        organisations=orgs.order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.member_add(actor=request.user, committee=committee, **form.cleaned_data)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Member added."))
            return redirect(committee_url(committee, "members"))
    return form_page(
        request,
        form=form,
        title=_("Add a member to %(name)s") % {"name": committee},
        cancel_url=committee_url(committee, "members"),
    )


@require_POST
@login_required
def member_remove(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    committee = get_managed(request, pk)
    member = or_404(CommitteeMember.objects.filter(committee=committee, pk=item).first())
    try:
        services.member_remove(actor=request.user, member=member)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Member removed."))
    return redirect(committee_url(committee, "members"))


@login_required
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    committee = get_managed(request, pk)
    form = MeetingForm(
        request.POST or None,
        members=member_people(committee),
        initial={"date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                actor=request.user, committee=committee, **form.cleaned_data
            )
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Meeting recorded. Add its decisions below."))
            return redirect("agreements:meeting_detail", pk=meeting.pk)
    return form_page(
        request,
        form=form,
        title=_("Record a meeting of %(name)s") % {"name": committee},
        cancel_url=committee_url(committee, "meetings"),
    )
