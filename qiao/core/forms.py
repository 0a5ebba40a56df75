from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from qiao.core.models import Affiliation, Department, Organisation, Person


class StyledFormMixin:
    """Bootstrap classes and aria-describedby on every widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}_help"


class LoginForm(StyledFormMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        # Emails are stored in lower case. Lower-casing here (before authenticate) also gives
        # django-axes one key per account, so "A@x" and "a@x" share one failure count.
        return str(self.cleaned_data.get("username") or "").strip().lower()


class OrganisationForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "kind",
            "name",
            "name_en",
            "name_local",
            "short_name",
            "country",
            "city",
            "website",
            "logo",
            "description",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "name": _("The name as the organisation writes it."),
            "name_local": _("For example 中兴通讯 or สถาบัน…"),
        }

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "size") and logo.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The logo is too large (at most 2 MB)."))
        return logo


class DepartmentForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "name_en", "name_local", "code"]


class PersonForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "family_name",
            "given_name",
            "native_name",
            "family_name_first",
            "email",
            "phone",
            "date_of_birth",
            "nationality",
        ]
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class AffiliationForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Affiliation
        fields = [
            "kind",
            "department",
            "student_number",
            "major",
            "cohort_year",
            "title",
            "start",
            "end",
        ]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = organisation.departments.all()  # type: ignore[attr-defined]
        self.fields["major"].queryset = organisation.majors.all()  # type: ignore[attr-defined]
        # The model's check constraint, said on the field instead of "Constraint … violated".
        cohort = self.fields["cohort_year"]
        cohort.validators += [MinValueValidator(1950), MaxValueValidator(2100)]
        cohort.widget.attrs.update(min=1950, max=2100)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            # Named here, before the model's check constraint answers "Constraint … violated".
            self.add_error("end", _("The end comes before the start."))
        return data


class ApiTokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the token is for."))
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"), min_value=1, max_value=3650, required=False
    )
