"""The export and import permissions again, now that the pages ask for them (options only: no table changes)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0003_remove_unchecked_permissions"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="integrationtoken",
            options={
                "ordering": ["-created_at", "-id"],
                "permissions": [
                    ("export_patient_record", "Export a patient's whole record"),
                    ("export_clinic_data", "Export the clinic's data as CSV files"),
                    ("import_patients", "Import patients from a CSV file"),
                ],
            },
        ),
    ]
