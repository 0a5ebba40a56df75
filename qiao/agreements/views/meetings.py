"""Meeting pages (agenda, attendees, minutes, attachments, decisions with their action items),
action-item status changes, and "My action items" with its export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from qiao.agreements import permissions as agreement_perms
from qiao.agreements import services
from qiao.agreements.filters import ActionItemFilter
from qiao.agreements.forms_committees import (
    ActionItemForm,
    AttachmentForm,
    DecisionForm,
    MeetingForm,
    StatusForm,
)
from qiao.agreements.markdown import render_markdown
from qiao.agreements.models import PENDING, ActionItemStatus, Commitment, Meeting
from qiao.agreements.selectors import committees as committee_selectors
from qiao.agreements.views._common import form_page, show_error
from qiao.agreements.views.committees import member_people
from qiao.agreements.views.files import _serve
from qiao.core import permissions as perms
from qiao.core.importexport.export import Column
from qiao.core.lists import ListPage, SortOption
from qiao.core.views._helpers import or_404


def get_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting: Meeting = or_404(committee_selectors.meeting_get(viewer=request.user, pk=pk))
    return meeting


def get_managed_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_meeting(request, pk)
    perms.require(agreement_perms.can_manage_committee(request.user, meeting.committee))
    return meeting


def meeting_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("agreements:meeting_detail", args=[meeting.pk])
    return f"{url}#{anchor}" if anchor else url


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting(request, pk)
    can_manage = agreement_perms.can_manage_committee(request.user, meeting.committee)
    user_id = request.user.pk
    decisions = []
    for decision in meeting.decisions.all():
        items = [
            {
                "item": item,
                "next": services.allowed_statuses(item)
                if can_manage or item.owner.user_id == user_id
                else (),
            }
            for item in decision.action_items.all()
        ]
        decisions.append({"decision": decision, "items": items})
    return render(
        request,
        "agreements/meeting_detail.html",
        {
            "meeting": meeting,
            "committee": meeting.committee,
            "agenda_html": render_markdown(meeting.agenda),
            "minutes_html": render_markdown(meeting.minutes),
            "decisions": decisions,
            "can_manage": can_manage,
            "status_labels": dict(ActionItemStatus.choices),
            "today": timezone.localdate(),
        },
    )


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_managed_meeting(request, pk)
    form = MeetingForm(
        request.POST or None,
        members=member_people(meeting.committee),
        initial={
            "title": meeting.title,
            "date": meeting.date,
            "place": meeting.place,
            "agenda": meeting.agenda,
            "minutes": meeting.minutes,
            "attendees": [p.pk for p in meeting.attendees.all()],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        attendees = data.pop("attendees")
        try:
            services.meeting_update(
                actor=request.user, meeting=meeting, attendees=attendees, **data
            )
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(meeting_url(meeting))
    return form_page(
        request,
        form=form,
        title=_("Edit %(title)s") % {"title": meeting},
        cancel_url=meeting_url(meeting),
    )


@login_required
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_managed_meeting(request, pk)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_attachment_add(
                actor=request.user,
                meeting=meeting,
                file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("File attached."))
            return redirect(meeting_url(meeting, "attachments"))
    return form_page(
        request,
        form=form,
        title=_("Attach a file to %(title)s") % {"title": meeting},
        multipart=True,
        cancel_url=meeting_url(meeting, "attachments"),
    )


@require_GET
@login_required
def attachment_download(request: HttpRequest, pk: int, item: int) -> FileResponse:
    found = or_404(committee_selectors.attachment_get(viewer=request.user, meeting_pk=pk, pk=item))
    return _serve(
        found.file, content_type=found.content_type, filename=found.original_name, attachment=True
    )


@login_required
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_managed_meeting(request, pk)
    commitments = Commitment.objects.filter(
        agreement__in=meeting.committee.agreements.values("pk")
    ).select_related("area")
    form = DecisionForm(request.POST or None, commitments=commitments)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_create(
                actor=request.user, meeting=meeting, **form.cleaned_data
            )
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Decision recorded. Add its action items."))
            return redirect(meeting_url(meeting, f"decision-{decision.pk}"))
    return form_page(
        request,
        form=form,
        title=_("Record a decision of %(title)s") % {"title": meeting},
        cancel_url=meeting_url(meeting),
    )


@login_required
def action_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    decision = or_404(committee_selectors.decision_get(viewer=request.user, pk=pk))
    meeting = decision.meeting
    perms.require(agreement_perms.can_manage_committee(request.user, meeting.committee))
    form = ActionItemForm(request.POST or None, members=member_people(meeting.committee))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.action_item_create(
                actor=request.user, decision=decision, **form.cleaned_data
            )
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Action item added; its owner has been notified."))
            return redirect(meeting_url(meeting, f"action-{item.pk}"))
    return form_page(
        request,
        form=form,
        title=_("Add an action item"),
        intro=str(decision),
        cancel_url=meeting_url(meeting, f"decision-{decision.pk}"),
    )


@login_required
def action_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = or_404(committee_selectors.action_item_get(viewer=request.user, pk=pk))
    meeting = item.decision.meeting
    perms.require(agreement_perms.can_manage_committee(request.user, meeting.committee))
    form = ActionItemForm(
        request.POST or None,
        members=member_people(meeting.committee),
        initial={"text": item.text, "owner": item.owner_id, "due_date": item.due_date},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_item_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(meeting_url(meeting, f"action-{item.pk}"))
    return form_page(
        request,
        form=form,
        title=_("Edit the action item"),
        intro=str(item.decision),
        cancel_url=meeting_url(meeting, f"action-{item.pk}"),
    )


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_POST
@login_required
def action_item_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an action item along (its owner, or the committee's managers)."""
    item = or_404(committee_selectors.action_item_get(viewer=request.user, pk=pk))
    committee = item.decision.meeting.committee
    perms.require(agreement_perms.can_update_action_item(request.user, item, committee))
    form = StatusForm(request.POST)
    back = _back(request, meeting_url(item.decision.meeting, f"action-{item.pk}"))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    try:
        services.action_item_set_status(
            actor=request.user,
            item=item,
            status=form.cleaned_data["status"],
            on=form.cleaned_data["on"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("“%(text)s” is now %(status)s.")
            % {
                "text": item.text,
                "status": str(ActionItemStatus(form.cleaned_data["status"]).label).lower(),
            },
        )
    return redirect(back)


# --- My action items --------------------------------------------------------------------------


MY_SORTS = [
    SortOption("due_date", gettext_lazy("Due date"), ["due_date"]),
    SortOption("status", gettext_lazy("Status"), ["status", "due_date"]),
    SortOption("meeting", gettext_lazy("Meeting"), ["decision__meeting__date", "due_date"]),
    SortOption("committee", gettext_lazy("Committee"), ["decision__meeting__committee__name"]),
]

MY_EXPORT = [
    Column("id", lambda i: i.pk),
    Column("action", lambda i: i.text),
    Column("status", lambda i: i.status),
    Column("overdue", lambda i: bool(i.late)),
    Column("due_date", lambda i: i.due_date),
    Column("done_on", lambda i: i.done_on),
    Column("committee", lambda i: i.decision.meeting.committee.name),
    Column("meeting", lambda i: i.decision.meeting.title),
    Column("meeting_date", lambda i: i.decision.meeting.date),
    Column("decision", lambda i: i.decision.text),
]


@login_required
def my_action_items(request: HttpRequest) -> HttpResponseBase:
    page = ListPage(
        request=request,
        queryset=committee_selectors.my_action_items(viewer=request.user).select_related(
            "decision"
        ),
        filterset_class=ActionItemFilter,
        sorts=MY_SORTS,
        default_sort="due_date",
        export_columns=MY_EXPORT,
        export_name="my-action-items",
    )
    download = page.export()
    if download is not None:
        return download
    context = page.context()
    context["rows"] = [
        {"item": i, "next": services.allowed_statuses(i)} for i in context["object_list"]
    ]
    context["status_labels"] = dict(ActionItemStatus.choices)
    context["pending"] = PENDING
    context["today"] = timezone.localdate()
    return render(request, "agreements/my_action_items.html", context)
