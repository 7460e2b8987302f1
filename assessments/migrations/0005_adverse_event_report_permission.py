"""The permission to read the adverse-event report (options only: no table changes)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_dates_within_clinic_range"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="adverseevent",
            options={
                "ordering": ["reported_at", "id"],
                "permissions": [("view_adverse_event_report", "Read the adverse-event report (counts, no patients)")],
            },
        ),
    ]
