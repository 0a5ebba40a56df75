"""Forms of the placement lifecycle pages. They parse input; the services validate and write
(a day's hours are checked by the service, so the message is the same in the API)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiao.core.forms import StyledFormMixin
from qiao.core.models import AffiliationKind, Person
from qiao.placements.models import Placement
from qiao.placements.services.evaluations import RUBRICS
from qiao.placements.services.timesheets import DayEntry

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SCORE_CHOICES = [("", "—")] + [(str(i), str(i)) for i in range(1, 6)]


class AssignForm(StyledFormMixin, forms.Form):
    supervising_teacher = forms.ModelChoiceField(
        label=_("Supervising teacher"), queryset=Person.objects.none(), required=False
    )
    mentor = forms.ModelChoiceField(
        label=_("Mentor"), queryset=Person.objects.none(), required=False
    )

    def __init__(self, *args: Any, placement: Placement, school: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teachers = Person.objects.filter(
            affiliations__organisation_id=placement.school_id,
            affiliations__kind__in=[AffiliationKind.TEACHER, AffiliationKind.STAFF],
        ).distinct()
        mentors = Person.objects.filter(
            affiliations__organisation_id=placement.host_id,
            affiliations__kind__in=[AffiliationKind.MENTOR, AffiliationKind.STAFF],
        ).distinct()
        self.fields["supervising_teacher"].queryset = teachers  # type: ignore[attr-defined]
        self.fields["mentor"].queryset = mentors  # type: ignore[attr-defined]
        self.initial.setdefault("supervising_teacher", placement.supervising_teacher_id)
        self.initial.setdefault("mentor", placement.mentor_id)
        if not school:  # a host assigns only its mentor
            del self.fields["supervising_teacher"]


class InsuranceForm(StyledFormMixin, forms.Form):
    insurer = forms.CharField(label=_("Insurer"), max_length=200, required=False)
    number = forms.CharField(label=_("Policy number"), max_length=100, required=False)
    starts = forms.DateField(label=_("Covered from"), widget=DATE, required=False)
    ends = forms.DateField(label=_("Covered to"), widget=DATE, required=False)


class TerminateForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class AcceptForm(forms.Form):
    party = forms.ChoiceField(
        choices=[("school", "school"), ("host", "host"), ("student", "student")]
    )
    sha256 = forms.CharField(max_length=64)


class ReviewForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=pgettext_lazy("timesheet review", "Decision"),
        choices=[("sign", _("Sign off")), ("return", _("Return"))],
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class TimesheetForm(StyledFormMixin, forms.Form):
    """Seven days: hours (as text, so the service names a wrong value), activities, night,
    and, on a day the calendar does not know as a public holiday, a tick for a local one.
    `holidays` are the calendar's public holidays of the week (day → name): those days show
    the name and offer no tick — the service marks them whatever is posted."""

    def __init__(
        self,
        *args: Any,
        week_start: dt.date,
        holidays: Mapping[dt.date, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.week_start = week_start
        self.holidays = dict(holidays or {})
        for day in self.days():
            key = day.isoformat()
            self.fields[f"hours_{key}"] = forms.CharField(
                label=_("Hours"), required=False, max_length=10
            )
            self.fields[f"activities_{key}"] = forms.CharField(
                label=_("Activities"), required=False, max_length=2000
            )
            self.fields[f"night_{key}"] = forms.BooleanField(label=_("Night"), required=False)
            if day not in self.holidays:
                self.fields[f"holiday_{key}"] = forms.BooleanField(
                    label=_("Other public holiday (local)"),
                    required=False,
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )

    def days(self) -> list[dt.date]:
        return [self.week_start + dt.timedelta(days=i) for i in range(7)]

    def rows(self) -> list[dict[str, Any]]:
        rows = []
        for day in self.days():
            key = day.isoformat()
            rows.append(
                {
                    "day": day,
                    "hours": self[f"hours_{key}"],
                    "activities": self[f"activities_{key}"],
                    "night": self[f"night_{key}"],
                    "holiday_name": self.holidays.get(day, ""),
                    "holiday": self[f"holiday_{key}"] if day not in self.holidays else None,
                }
            )
        return rows

    def entries(self) -> list[DayEntry]:
        data = self.cleaned_data
        out = []
        for day in self.days():
            key = day.isoformat()
            hours = (data.get(f"hours_{key}") or "").strip()
            activities = data.get(f"activities_{key}") or ""
            if not hours and not activities:
                continue
            out.append(
                DayEntry(
                    day=day,
                    hours=hours or "0",
                    activities=activities,
                    night=bool(data.get(f"night_{key}")),
                    # The student's tick; the service adds the calendar's holidays.
                    holiday=bool(data.get(f"holiday_{key}")),
                )
            )
        return out


class EvaluationForm(StyledFormMixin, forms.Form):
    comments = forms.CharField(
        label=_("Comments"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role = role
        self.criteria = list(RUBRICS[role].items())  # type: ignore[index]
        for key, label in self.criteria:
            self.fields[key] = forms.ChoiceField(label=label, choices=SCORE_CHOICES, required=False)
        self.order_fields([k for k, _label in self.criteria] + ["comments"])

    def scores(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k) or "" for k, _label in self.criteria}
