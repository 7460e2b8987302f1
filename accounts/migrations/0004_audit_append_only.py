"""The audit trail is append-only: on PostgreSQL a trigger refuses UPDATE and DELETE of its rows.

Both tables of the trail: our AuditEvent and django-auditlog's LogEntry (which holds the field
changes an AuditEvent points to). SQLite, the try-it-out database, has no such trigger; the
application never updates or deletes these rows on either. TRUNCATE (a test database being reset,
a restore) is a different statement and is not refused.
"""

from django.db import migrations

TABLES = ("accounts_auditevent", "auditlog_logentry")

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION clinic_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % on % is refused.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION, params=None)  # None: the % signs are PL/pgSQL's, not placeholders
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION clinic_audit_append_only();"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS clinic_audit_append_only();")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_audit_event"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
