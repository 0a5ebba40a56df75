"""Filters of the openings and sites tabs of a run's review (lists sorted and paged in Python,
since a run's per-opening figures are stored with the run)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class _Styled(forms.Form):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select form-select-sm"
                if isinstance(field, forms.ChoiceField)
                else "form-control form-control-sm"
            )


class RunSitesFilterForm(_Styled):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)


class RunOpeningsFilterForm(RunSitesFilterForm):
    fill = forms.ChoiceField(
        label=_("Seats"),
        required=False,
        choices=(
            ("", "---------"),
            ("unfilled", _("Seats left")),
            ("full", _("Full")),
            ("empty", _("No one placed")),
        ),
    )
