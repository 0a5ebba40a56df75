"""A database-level guard: an issued credential's content never changes.

Any UPDATE that changes one of the immutable columns of credentials_credential is refused by a
trigger (PostgreSQL and SQLite), whoever issues it: the ORM, a raw query, an admin shell. Only
the status columns (status, status_reason, status_changed_at) may change.
"""

from django.db import migrations

# Frozen here (not imported) so that this migration means the same forever.
IMMUTABLE_COLUMNS = (
    "id",
    "issuer_id",
    "organisation_id",
    "achievement_id",
    "person_id",
    "result_id",
    "signing_key_id",
    "document",
    "sha256",
    "issued_at",
    "valid_from",
    "valid_until",
    "status_list",
    "status_index",
    "issued_by_id",
)

TABLE = "credentials_credential"
MESSAGE = "credentials are immutable: only their status may change"


def _changed(old: str, new: str, op: str) -> str:
    return " OR ".join(f"{old}.{c} {op} {new}.{c}" for c in IMMUTABLE_COLUMNS)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION credentials_refuse_change() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;"
        )
        schema_editor.execute(
            f"CREATE TRIGGER credentials_immutable BEFORE UPDATE ON {TABLE} FOR EACH ROW "
            f"WHEN ({_changed('OLD', 'NEW', 'IS DISTINCT FROM')}) "
            "EXECUTE FUNCTION credentials_refuse_change();"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER credentials_immutable BEFORE UPDATE ON {TABLE} "
            f"WHEN {_changed('OLD', 'NEW', 'IS NOT')} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
        )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS credentials_immutable ON {TABLE};")
        schema_editor.execute("DROP FUNCTION IF EXISTS credentials_refuse_change();")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS credentials_immutable;")


class Migration(migrations.Migration):
    dependencies = [("credentials", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
