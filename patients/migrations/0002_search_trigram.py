"""Trigram indexes for the registry's name and phone search, on PostgreSQL only.

`LIKE '%term%'` on search_name and phone_digits uses them; SQLite has no equivalent and scans,
which is fine at the size a single-machine SQLite clinic reaches.
"""

from django.db import migrations

INDEXES = (
    ("patient_search_name_trgm", "search_name"),
    ("patient_phone_digits_trgm", "phone_digits"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON patients_patient USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("patients", "0001_patient_and_consent")]

    operations = [migrations.RunPython(create, drop)]
