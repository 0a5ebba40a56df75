"""Template helpers of the placements pages."""

from __future__ import annotations

from typing import Any

from django import template

from qiao.placements.forms import RunOptionsForm

register = template.Library()


@register.filter
def run_options(options: dict[str, Any] | None) -> str:
    """An allocation run's options in the reader's language, e.g. "Stable (deferred
    acceptance) · Students (best for students) · One lottery for all openings"."""
    if not options:
        return ""
    form = RunOptionsForm()
    parts = []
    for name in ("objective", "proposing", "tie_breaking"):
        value = options.get(name)
        if value is None:
            continue
        choices = dict(form.fields[name].choices)  # type: ignore[attr-defined]
        parts.append(str(choices.get(value, value)))
    return " · ".join(parts)
