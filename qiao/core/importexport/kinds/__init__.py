"""Core's import kinds: organisations, and people with one affiliation each.

Imported by `CoreConfig.ready()`, which registers them. Both follow one update rule: a row that
matches a stored record updates it, and an empty cell leaves the stored value as it is (an
import never erases data; edit the record to clear a field).
"""

from qiao.core.importexport.kinds.organisations import OrganisationImport
from qiao.core.importexport.kinds.people import PeopleImport
from qiao.core.importexport.registry import register_import

register_import(OrganisationImport())
register_import(PeopleImport())

__all__ = ["OrganisationImport", "PeopleImport"]
