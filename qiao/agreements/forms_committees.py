"""Forms of the committee pages. They parse input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qiao.agreements.conf import AGREEMENT_DOCUMENT_MAX_BYTES
from qiao.agreements.forms import DATE, DOCUMENT_ACCEPT
from qiao.agreements.models import ActionItemStatus, Agreement, Commitment, CommitteeRole
from qiao.core.forms import StyledFormMixin
from qiao.core.models import Organisation, Person

MARKDOWN_HELP = _("Markdown: **bold**, lists, links, tables. HTML is removed.")


class CommitteeForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    agreements = forms.ModelMultipleChoiceField(
        label=_("Agreements it steers"),
        queryset=Agreement.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One agreement, or several between the same partners."),
    )
    charter = forms.CharField(
        label=_("Charter"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKDOWN_HELP,
    )

    def __init__(self, *args: Any, agreements: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreements"].queryset = agreements  # type: ignore[attr-defined]
        self.fields["agreements"].widget.attrs["class"] = "form-check-input"


class MemberForm(StyledFormMixin, forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    organisation = forms.ModelChoiceField(
        label=_("For the party"), queryset=Organisation.objects.none()
    )
    role = forms.ChoiceField(label=_("Role"), choices=CommitteeRole.choices)

    def __init__(self, *args: Any, candidates: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = candidates  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class MeetingForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HELP,
    )
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attendees"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Members of the committee who attended."),
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=MARKDOWN_HELP,
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = members  # type: ignore[attr-defined]
        self.fields["attendees"].widget.attrs["class"] = "form-check-input"


class AttachmentForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
        help_text=_("PDF, Word, Excel, PNG or JPEG; at most %(mb)s MB.")
        % {"mb": AGREEMENT_DOCUMENT_MAX_BYTES // (1024 * 1024)},
    )


class DecisionForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Decision"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )
    commitments = forms.ModelMultipleChoiceField(
        label=_("About the commitments"),
        queryset=Commitment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, commitments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commitments"].queryset = commitments  # type: ignore[attr-defined]
        self.fields["commitments"].widget.attrs["class"] = "form-check-input"


class ActionItemForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Action"), max_length=500)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Person.objects.none())
    due_date = forms.DateField(label=_("Due date"), widget=DATE)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionItemStatus.choices)
    on = forms.DateField(label=_("On"), required=False, widget=DATE)
