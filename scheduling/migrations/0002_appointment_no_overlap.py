"""No two appointments holding time overlap for a practitioner (with the buffer) or a patient.

PostgreSQL only (btree_gist exclusion constraints): the service checks the same rules under a lock on
the practitioner's row, so SQLite gives the same answers; here the database is the backstop.
"""

from django.db import migrations

PRACTITIONER = "appointment_no_practitioner_overlap"
PATIENT = "appointment_no_patient_overlap"
HOLDING_TIME = "status NOT IN ('cancelled', 'no_show')"


def add_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE scheduling_appointment ADD CONSTRAINT {PRACTITIONER} EXCLUDE USING gist "
        f"(practitioner_id WITH =, tstzrange(starts_at, blocked_until, '[)') WITH &&) WHERE ({HOLDING_TIME})"
    )
    schema_editor.execute(
        f"ALTER TABLE scheduling_appointment ADD CONSTRAINT {PATIENT} EXCLUDE USING gist "
        f"(patient_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE ({HOLDING_TIME})"
    )


def drop_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in (PRACTITIONER, PATIENT):
        schema_editor.execute(f"ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_practitioners_types_appointments")]

    operations = [migrations.RunPython(add_constraints, drop_constraints)]
