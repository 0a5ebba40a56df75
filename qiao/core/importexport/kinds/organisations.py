"""The "organisations" import kind (platform administrators only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiao.core import permissions as perms
from qiao.core.importexport.kinds.common import (
    choice_lookup,
    country_code,
    lookup_key,
    row_errors,
    url_validator,
)
from qiao.core.importexport.registry import (
    ImportColumn,
    ImportContext,
    ImportKind,
    ImportRowsError,
    ImportSummary,
    RowError,
)
from qiao.core.models import Organisation, OrganisationKind, User
from qiao.core.services import organisations as organisation_services


@dataclass(slots=True)
class OrganisationRow:
    row: int
    fields: dict[str, Any]
    existing: int | None


class OrganisationImport(ImportKind):
    key = "organisations"
    label = gettext_lazy("organisations")
    description = gettext_lazy(
        "One row is one organisation. A row whose name and country match a stored organisation "
        "updates it (empty cells leave the stored values as they are); other rows create new "
        "organisations. Only platform administrators import organisations."
    )
    columns = (
        ImportColumn(
            "kind",
            required=True,
            max_length=60,
            help=gettext_lazy(
                "vocational_college, university, enterprise, overseas_institution, government "
                "or association (the English or Chinese label works too)."
            ),
            aliases=("type", "organisation_kind"),
        ),
        ImportColumn(
            "name",
            required=True,
            max_length=200,
            help=gettext_lazy(
                "The name as the organisation writes it; with the country, it "
                "identifies the organisation."
            ),
            aliases=("organisation", "organisation_name"),
        ),
        ImportColumn("name_en", max_length=200, help=gettext_lazy("English name.")),
        ImportColumn(
            "name_local",
            max_length=200,
            help=gettext_lazy("Name in the local script, e.g. 中兴通讯."),
        ),
        ImportColumn("short_name", max_length=40, help=gettext_lazy("Short name, e.g. SZPT.")),
        ImportColumn(
            "country",
            required=True,
            max_length=60,
            help=gettext_lazy("ISO 3166 code such as CN, KE or TH (a country name works too)."),
        ),
        ImportColumn("city", max_length=120, help=gettext_lazy("City.")),
        ImportColumn(
            "website",
            max_length=200,
            help=gettext_lazy("Web address; https:// is added when missing."),
            aliases=("url", "web"),
        ),
    )
    example_rows = (
        {
            "kind": "vocational_college",
            "name": "深圳职业技术大学",
            "name_en": "Shenzhen Polytechnic University",
            "name_local": "深圳职业技术大学",
            "short_name": "SZPU",
            "country": "CN",
            "city": "Shenzhen",
            "website": "https://www.szpu.edu.cn",
        },
        {
            "kind": "enterprise",
            "name": "Nairobi Cloud Services Ltd",
            "country": "KE",
            "city": "Nairobi",
            "website": "www.example.co.ke",
        },
    )

    def allowed(self, user: User, organisation: Organisation | None) -> bool:
        return perms.can_create_organisation(user)

    def prepare(self, ctx: ImportContext) -> None:
        existing: dict[tuple[str, str], int] = {}
        folded: dict[tuple[str, str], int] = {}
        for pk, name, country in Organisation.objects.values_list("pk", "name", "country"):
            existing[(name, str(country))] = pk
            folded.setdefault((name.casefold(), str(country)), pk)
        ctx.state.update(
            existing=existing,
            folded=folded,
            kinds=choice_lookup(OrganisationKind),
            seen={},
        )

    def validate_row(
        self, row_number: int, values: dict[str, str], ctx: ImportContext
    ) -> tuple[Any, list[RowError]]:
        state = ctx.state
        errors: list[RowError] = []
        fields: dict[str, Any] = {}
        kind_text = values["kind"]
        kind = state["kinds"].get(lookup_key(kind_text))
        if kind_text and kind is None:
            errors.append(
                RowError(
                    row_number,
                    "kind",
                    _("Unknown kind. Use one of: %(choices)s.")
                    % {"choices": ", ".join(OrganisationKind.values)},
                    kind_text,
                )
            )
        fields["kind"] = kind
        country_text = values["country"]
        country = country_code(country_text) if country_text else None
        if country_text and country is None:
            errors.append(
                RowError(
                    row_number,
                    "country",
                    _("Unknown country: use an ISO 3166 code such as CN or KE."),
                    country_text,
                )
            )
        fields["country"] = country
        name = values["name"]
        fields["name"] = name
        for column in ("name_en", "name_local", "short_name", "city"):
            if values[column]:
                fields[column] = values[column]
        website = values["website"]
        if website:
            if "://" not in website:
                website = "https://" + website
            try:
                url_validator(website)
            except ValidationError:
                errors.append(
                    RowError(
                        row_number, "website", _("Not a valid web address."), values["website"]
                    )
                )
            else:
                if len(website) > 200:
                    errors.append(
                        RowError(row_number, "website", _("Too long: at most 200 characters."))
                    )
                fields["website"] = website
        existing = None
        if name and country:
            identity = (name.casefold(), country)
            first = state["seen"].get(identity)
            if first is not None:
                errors.append(
                    RowError(
                        row_number,
                        "name",
                        _("The same name and country already appear in row %(row)d.")
                        % {"row": first},
                        name,
                    )
                )
            state["seen"][identity] = first or row_number
            existing = state["existing"].get((name, country)) or state["folded"].get(identity)
        if errors:
            return None, errors
        return OrganisationRow(row=row_number, fields=fields, existing=existing), []

    def commit(self, cleaned: list[Any], ctx: ImportContext) -> ImportSummary:
        # Organisation files are small (hundreds of rows), so each row goes through the
        # services: full validation and a field-level audit entry per organisation.
        summary = ImportSummary()
        rows: list[OrganisationRow] = cleaned
        stored = Organisation.objects.in_bulk([r.existing for r in rows if r.existing])
        for row in rows:
            try:
                if row.existing is None:
                    organisation_services.organisation_create(actor=ctx.actor, **row.fields)
                    summary.created += 1
                    continue
                organisation = stored[row.existing]
                changed = any(
                    (
                        organisation.country.code
                        if name == "country"
                        else getattr(organisation, name)
                    )
                    != value
                    for name, value in row.fields.items()
                )
                if not changed:
                    summary.unchanged += 1
                    continue
                organisation_services.organisation_update(
                    actor=ctx.actor, organisation=organisation, **row.fields
                )
                summary.updated += 1
            except ValidationError as error:
                raise ImportRowsError(row_errors(row.row, error)) from error
        return summary
