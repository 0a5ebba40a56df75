"""Sites: create and update."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qiao.core.audit import snapshot
from qiao.core.services._base import assign, save_validated
from qiao.placements import permissions as pp
from qiao.placements.models import Site

# The fields of a site a service call may set (forms show them in this order).
SITE_FIELDS = (
    "name",
    "name_en",
    "kind",
    "school",
    "host",
    "agreement",
    "address",
    "city",
    "country",
    "capacity",
    "facilities",
    "contact_name",
    "contact_email",
    "contact_phone",
    "is_active",
)


def _check(actor: Any, site: Site) -> None:
    if actor is not None and not pp.can_edit_site(actor, site):
        raise PermissionDenied
    if not site.school.is_school:
        raise ValidationError({"school": _("Choose a school.")})
    if site.agreement is not None:
        party_orgs = set(site.agreement.parties.values_list("organisation_id", flat=True))
        if not {site.school_id, site.host_id} <= party_orgs:
            raise ValidationError(
                {"agreement": _("The school and the host must both be parties to the agreement.")}
            )


@transaction.atomic
def site_create(*, actor: Any, **fields: Any) -> Site:
    """A new site; the actor must coordinate its school or its host."""
    unknown = set(fields) - set(SITE_FIELDS)
    if unknown:
        raise TypeError(f"unknown site fields: {sorted(unknown)}")
    site = Site(**fields)
    _check(actor, site)
    return save_validated(
        site, actor=actor, action="placements.site.create", before=None, organisation=site.school
    )


@transaction.atomic
def site_update(*, actor: Any, site: Site, **fields: Any) -> Site:
    if actor is not None and not pp.can_edit_site(actor, site):
        raise PermissionDenied
    before = snapshot(site)
    assign(site, fields)
    _check(actor, site)
    return save_validated(
        site, actor=actor, action="placements.site.update", before=before, organisation=site.school
    )
