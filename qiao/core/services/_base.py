from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from qiao.core.audit import audit_record, diff, snapshot

M = TypeVar("M", bound=models.Model)


def save_validated(
    instance: M,
    *,
    actor: Any,
    action: str,
    before: dict[str, Any] | None,
    organisation: Any = None,
    exclude: list[str] | None = None,
) -> M:
    """full_clean, save, and audit the field-level change (nothing if nothing changed)."""
    instance.full_clean(exclude=exclude)
    after = snapshot(instance)
    changes = diff(before or {}, after)
    if before is not None and not changes:
        return instance
    instance.save()
    audit_record(
        actor=actor, action=action, instance=instance, organisation=organisation, changes=changes
    )
    return instance


def assign(instance: models.Model, fields: dict[str, Any]) -> None:
    allowed = {f.name for f in instance._meta.concrete_fields} | {
        f.attname for f in instance._meta.concrete_fields
    }
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"{type(instance).__name__} has no field {name!r}")
        setattr(instance, name, value)
