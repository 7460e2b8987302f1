from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0011_visit_appointment_link"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="adverseevent",
            options={
                "ordering": ["reported_at", "id"],
                "permissions": [
                    ("view_adverse_event_report", "Read the adverse-event report (counts, no patients)"),
                    (
                        "view_adverse_event_list",
                        "Read and export the adverse events with their patients, for incident review",
                    ),
                ],
            },
        ),
    ]
