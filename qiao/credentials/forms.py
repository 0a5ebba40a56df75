"""Forms of the credentials pages. They parse input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qiao.core.forms import StyledFormMixin
from qiao.core.models import Organisation
from qiao.credentials import conf
from qiao.credentials.models import Achievement, CertificationScheme, ExamSession
from qiao.skills.models import Skill


class AchievementForm(StyledFormMixin, forms.ModelForm):
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.filter(is_active=True).order_by("code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Each becomes an alignment of the credential to the Qiao skills framework."),
    )

    class Meta:
        model = Achievement
        fields = [
            "kind",
            "human_code",
            "name_en",
            "name_zh",
            "description_en",
            "description_zh",
            "criteria_en",
            "criteria_zh",
            "languages",
            "skills",
            "is_active",
        ]
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "description_zh": forms.Textarea(attrs={"rows": 3}),
            "criteria_en": forms.Textarea(attrs={"rows": 3}),
            "criteria_zh": forms.Textarea(attrs={"rows": 3}),
        }


class SchemeForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = CertificationScheme
        fields = ["achievement", "code", "pass_mark", "max_score", "validity_months", "is_active"]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["achievement"].queryset = Achievement.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation
        )


class SessionForm(StyledFormMixin, forms.ModelForm):
    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=CertificationScheme.objects.none())

    class Meta:
        model = ExamSession
        fields = ["scheme", "code", "site", "date", "capacity"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = CertificationScheme.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation, is_active=True
        ).select_related("achievement")
        if self.instance.pk:
            self.fields["scheme"].disabled = True


class PersonLookupForm(StyledFormMixin, forms.Form):
    who = forms.CharField(
        label=_("Student number or email"),
        max_length=254,
        help_text=_("Of a person affiliated with your organisation."),
    )


class ResultForm(PersonLookupForm):
    score = forms.DecimalField(label=_("Score"), min_value=0, max_digits=6, decimal_places=2)


class IssueForm(PersonLookupForm):
    achievement = forms.ModelChoiceField(
        label=_("Achievement"), queryset=Achievement.objects.none()
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for no end of validity."),
    )
    field_order = ["achievement", "who", "valid_until"]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["achievement"].queryset = Achievement.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation, is_active=True
        )


class StatusForm(StyledFormMixin, forms.Form):
    action = forms.ChoiceField(
        choices=[("revoke", "revoke"), ("suspend", "suspend"), ("unsuspend", "unsuspend")],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class ShareForm(StyledFormMixin, forms.Form):
    label = forms.CharField(
        label=_("Note (only you see it)"),
        max_length=100,
        required=False,
        help_text=_("For example: the company you send it to."),
    )


class VerifyForm(StyledFormMixin, forms.Form):
    """Paste or upload. Sizes are checked here, before any parsing."""

    document = forms.CharField(
        label=_("Paste the credential (JSON)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "font-monospace"}),
    )
    file = forms.FileField(
        label=_("…or upload the credential file"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": ".json,application/json,application/ld+json"}
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text, upload = data.get("document") or "", data.get("file")
        limit = conf.VERIFY_MAX_BYTES
        if upload is not None:
            if upload.size > limit:
                raise forms.ValidationError(
                    _("The file is too large (%(size)d bytes): a credential is at most %(max)d.")
                    % {"size": upload.size, "max": limit}
                )
            data["payload"] = upload.read(limit + 1)
        elif text.strip():
            if len(text.encode("utf-8")) > limit:
                raise forms.ValidationError(
                    _("The text is too large: a credential is at most %(max)d bytes.")
                    % {"max": limit}
                )
            data["payload"] = text
        else:
            raise forms.ValidationError(_("Paste a credential or choose a file."))
        return data
