from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qiao.core.forms import StyledFormMixin
from qiao.skills.models import Skill
from qiao.skills.services import ALIAS_MAX, LABEL_MAX


class BroaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {obj.label()}"


class SkillForm(StyledFormMixin, forms.Form):
    """Create or edit a skill. Aliases are one per line; the service normalises them."""

    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        help_text=_("Stable identifier such as SW-PY: letters, digits, dot, hyphen, underscore."),
    )
    label_en = forms.CharField(label=_("English label"), max_length=LABEL_MAX)
    label_zh = forms.CharField(label=_("Chinese label"), max_length=LABEL_MAX, required=False)
    broader = BroaderChoiceField(
        label=_("Broader skill"),
        queryset=Skill.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("— none (a top-level domain) —"),
    )
    aliases = forms.CharField(
        label=_("Aliases"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Other ways people write this skill, one per line (k8s, python3, 云计算运维)."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_zh = forms.CharField(
        label=_("Chinese description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_active = forms.BooleanField(
        label=_("Active (offered when matching free text)"), required=False, initial=True
    )

    def __init__(self, *args: Any, skill: Skill | None = None, **kwargs: Any) -> None:
        if skill is not None:
            kwargs.setdefault(
                "initial",
                {
                    "code": skill.code,
                    "label_en": skill.label_en,
                    "label_zh": skill.label_zh,
                    "broader": skill.broader.code if skill.broader else None,
                    "aliases": "\n".join(a.text for a in skill.aliases.all()),
                    "description": skill.description,
                    "description_zh": skill.description_zh,
                    "is_active": skill.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        broader = Skill.objects.order_by("code")
        if skill is not None:
            broader = broader.exclude(pk=skill.pk)
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("The code of a skill never changes.")
        self.fields["broader"].queryset = broader  # type: ignore[attr-defined]

    def clean_aliases(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data.get("aliases", "").splitlines()]
        too_long = [line for line in lines if len(line) > ALIAS_MAX]
        if too_long:
            raise forms.ValidationError(
                _("An alias is at most %(max)d characters: “%(alias)s…”."),
                params={"max": ALIAS_MAX, "alias": too_long[0][:30]},
            )
        return [line for line in lines if line]


class MatchForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Free text"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "python, k8s, 云计算"}),
        help_text=_("Separate skills with commas, semicolons, 、 or new lines."),
    )
