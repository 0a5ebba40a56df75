"""Small template helpers of the agreements pages."""

from __future__ import annotations

from typing import Any

from django import template

from qiao.agreements.models import AgreementStatus

register = template.Library()

STATUS_CLASSES = {
    AgreementStatus.DRAFT: "text-bg-secondary",
    AgreementStatus.NEGOTIATING: "text-bg-info",
    AgreementStatus.SIGNED: "text-bg-primary",
    AgreementStatus.ACTIVE: "text-bg-success",
    AgreementStatus.EXPIRED: "text-bg-warning",
    AgreementStatus.TERMINATED: "text-bg-danger",
}


@register.filter
def status_class(status: str) -> str:
    """Bootstrap badge class of an agreement status."""
    return STATUS_CLASSES.get(status, "text-bg-secondary")  # type: ignore[call-overload]


@register.filter
def status_label(status: str) -> Any:
    try:
        return AgreementStatus(status).label
    except ValueError:
        return status


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """mapping[key] in a template, or an empty list."""
    try:
        return mapping.get(key, [])
    except AttributeError:
        return []
