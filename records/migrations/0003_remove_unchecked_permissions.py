"""Drop the export and import permissions: no view, template or back office asked for them. Who may
export or import is the view's role check (role_required), the one mechanism the pages use.

The rows go too (with their grants to the groups); undone, post_migrate makes them again.
Since 0004 the pages ask for these permissions again (accounts.permissions), and the roles table grants them."""

from django.db import migrations

UNCHECKED = ("export_patient_record", "export_clinic_data", "import_patients")


def delete_unchecked_permissions(apps, schema_editor) -> None:
    apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="records", content_type__model="integrationtoken", codename__in=UNCHECKED
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("records", "0002_integration_token_content_type"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="integrationtoken",
            options={"ordering": ["-created_at", "-id"]},
        ),
        migrations.RunPython(delete_unchecked_permissions, migrations.RunPython.noop),
    ]
