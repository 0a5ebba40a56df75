"""Forms of the agreements pages. They parse input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from qiao.agreements.conf import AGREEMENT_DOCUMENT_MAX_BYTES, AGREEMENT_PHOTO_MAX_BYTES
from qiao.agreements.metrics import metric_choices
from qiao.agreements.models import (
    INPUT_KINDS,
    OUTPUT_KINDS,
    Agreement,
    AgreementKind,
    AgreementStatus,
    ContributionKind,
    CooperationArea,
    DocumentKind,
    EventKind,
    KpiPeriod,
    Party,
    PartyRole,
    Recurrence,
)
from qiao.core.forms import StyledFormMixin
from qiao.core.models import Organisation, Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DOCUMENT_ACCEPT = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"
PHOTO_ACCEPT = ".jpg,.jpeg,.png,.webp"


def _mb(n: int) -> int:
    return n // (1024 * 1024)


class AgreementForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k.value, k.label) for k in AgreementKind if k != AgreementKind.INTERNSHIP],
    )
    parent = forms.ModelChoiceField(
        label=_("Under the framework agreement"),
        queryset=Agreement.objects.none(),
        required=False,
        help_text=_("Required for a specific agreement; its parties must be in the framework."),
    )
    reference = forms.CharField(label=_("Reference"), max_length=64, required=False)
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        help_text=_("As written on the agreement."),
    )
    title_en = forms.CharField(label=_("English title"), max_length=300, required=False)
    title_zh = forms.CharField(label=_("Chinese title"), max_length=300, required=False)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, *italic*, lists, [links](https://…)."),
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Cooperation areas"),
        queryset=CooperationArea.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE)
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DATE)
    remind_days_before = forms.IntegerField(
        label=_("Remind days before expiry"),
        min_value=0,
        max_value=365,
        help_text=_("The parties' coordinators get an email this many days before it ends."),
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        min_length=3,
        help_text=_("ISO 4217 code for money targets, e.g. CNY."),
    )

    def __init__(
        self,
        *args: Any,
        frameworks: Any,
        agreement: Agreement | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if agreement is not None:
            frameworks = frameworks.exclude(pk=agreement.pk)
        self.fields["parent"].queryset = frameworks  # type: ignore[attr-defined]
        areas = CooperationArea.objects.filter(is_active=True)
        if agreement is not None:
            areas = CooperationArea.objects.filter(
                pk__in=areas.values("pk")
            ) | CooperationArea.objects.filter(agreements=agreement)
        self.fields["areas"].queryset = areas.distinct().order_by(  # type: ignore[attr-defined]
            "order", "code"
        )
        self.fields["areas"].widget.attrs["class"] = "form-check-input"
        if agreement is not None:
            if agreement.kind == AgreementKind.INTERNSHIP:
                self.fields["kind"].choices = AgreementKind.choices  # type: ignore[attr-defined]
            if agreement.status not in (AgreementStatus.DRAFT, AgreementStatus.NEGOTIATING):
                for name in ("kind", "parent"):
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _("Fixed once the agreement is signed.")

    def clean_currency(self) -> str:
        return str(self.cleaned_data.get("currency") or "").strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The validity ends before it starts."))
        return data


def initial_for(agreement: Agreement) -> dict[str, Any]:
    return {
        "kind": agreement.kind,
        "parent": agreement.parent_id,
        "reference": agreement.reference,
        "title": agreement.title,
        "title_en": agreement.title_en,
        "title_zh": agreement.title_zh,
        "summary": agreement.summary,
        "areas": list(agreement.areas.all()),
        "valid_from": agreement.valid_from,
        "valid_to": agreement.valid_to,
        "remind_days_before": agreement.remind_days_before,
        "currency": agreement.currency,
    }


class PartyForm(StyledFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", "—")] + [(r.value, r.label) for r in PartyRole if r != PartyRole.STUDENT],
        required=False,
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("organisation") and not data.get("role"):
            self.add_error("role", _("Give this party its role."))
        if data.get("role") and not data.get("organisation"):
            self.add_error("organisation", _("Choose the organisation."))
        return data


PartyFormSet = forms.formset_factory(PartyForm, extra=0, max_num=20, absolute_max=20)


class CommitmentForm(StyledFormMixin, forms.Form):
    area = forms.ModelChoiceField(label=_("Area"), queryset=CooperationArea.objects.none())
    text = forms.CharField(
        label=_("Commitment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    owner = forms.ModelChoiceField(label=_("Owning party"), queryset=Party.objects.none())
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)
    recurrence = forms.ChoiceField(
        label=_("Recurrence"), choices=Recurrence.choices, initial=Recurrence.NONE
    )
    kpi_metric = forms.ChoiceField(label=_("KPI metric"), required=False)
    kpi_target = forms.DecimalField(
        label=_("KPI target"), required=False, max_digits=16, decimal_places=2, min_value=0
    )
    kpi_period = forms.ChoiceField(
        label=_("KPI period"), required=False, choices=[("", "—"), *KpiPeriod.choices]
    )

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = CooperationArea.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ) | CooperationArea.objects.filter(commitments__agreement=agreement)
        self.fields["area"].queryset = self.fields["area"].queryset.distinct()  # type: ignore[attr-defined]
        self.fields["owner"].queryset = agreement.parties.select_related(  # type: ignore[attr-defined]
            "organisation", "person"
        )
        self.fields["kpi_metric"].choices = [  # type: ignore[attr-defined]
            ("", _("No KPI")),
            *metric_choices(),
        ]
        self.fields["kpi_metric"].help_text = _(
            "The actual value is computed by the platform from its records."
        )


class SignatoryForm(StyledFormMixin, forms.Form):
    party = forms.ModelChoiceField(label=_("Signs for"), queryset=Party.objects.none())
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    title = forms.CharField(
        label=_("Title at signing"),
        max_length=200,
        required=False,
        help_text=_("As printed under the signature, e.g. President."),
    )

    def __init__(self, *args: Any, agreement: Agreement, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = agreement.parties.select_related(  # type: ignore[attr-defined]
            "organisation", "person"
        )
        self.fields["person"].queryset = candidates  # type: ignore[attr-defined]
        self.fields["person"].help_text = _(
            "Staff, teachers and mentors of the party organisations."
        )


class DocumentForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
        help_text=format_lazy(
            _("PDF, Word (.docx), Excel (.xlsx), PNG or JPEG; at most {mb} MB."),
            mb=_mb(AGREEMENT_DOCUMENT_MAX_BYTES),
        ),
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class VersionForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
        help_text=_("The new version; earlier versions are kept."),
    )
    note = forms.CharField(label=_("What changed"), max_length=255, required=False)


def _kind_groups() -> list[Any]:
    return [
        ("", "—"),
        (_("Inputs"), [(k.value, k.label) for k in INPUT_KINDS]),
        (_("Outputs"), [(k.value, k.label) for k in OUTPUT_KINDS]),
    ]


class ContributionForm(StyledFormMixin, forms.Form):
    party = forms.ModelChoiceField(label=_("Party"), queryset=Party.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=_kind_groups)
    value = forms.DecimalField(label=_("Value"), max_digits=16, decimal_places=2, min_value=0)
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        required=False,
        help_text=_("For money (funding, equipment, licences, scholarships, facilities)."),
    )
    unit = forms.CharField(
        label=_("Unit"),
        max_length=32,
        required=False,
        help_text=_(
            "Only for “other” kinds without money; mentor hours, hires, courses and "
            "patents have their own unit."
        ),
    )
    date = forms.DateField(label=_("Date"), widget=DATE)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = forms.FileField(
        label=_("Evidence"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
        help_text=_("Optional: an invoice, a list, a certificate (PDF, DOCX, XLSX, PNG, JPEG)."),
    )

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = agreement.parties.select_related(  # type: ignore[attr-defined]
            "organisation", "person"
        )

    def clean_kind(self) -> str:
        kind = str(self.cleaned_data.get("kind") or "")
        if kind not in ContributionKind.values:
            raise forms.ValidationError(_("Choose the kind of contribution."))
        return kind


class EventForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    date = forms.DateField(label=_("Date"), widget=DATE)
    title = forms.CharField(label=_("Title"), max_length=200)
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("People of the parties who took part (hold Ctrl or ⌘ to choose several)."),
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = candidates  # type: ignore[attr-defined]


class PhotoForm(StyledFormMixin, forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT}),
        help_text=format_lazy(
            _("JPEG, PNG or WebP; at most {mb} MB."), mb=_mb(AGREEMENT_PHOTO_MAX_BYTES)
        ),
    )
    caption = forms.CharField(label=_("Caption"), max_length=255, required=False)


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=AgreementStatus.choices)
    on = forms.DateField(label=_("Date"), required=False, widget=DATE)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=5000)


class RenewForm(StyledFormMixin, forms.Form):
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_to = forms.DateField(label=_("Valid to"), widget=DATE)
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to keep the current title."),
    )
    reference = forms.CharField(label=_("Reference"), max_length=64, required=False)
