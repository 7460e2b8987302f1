from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0010_rom_measurement_name"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("appointment__isnull", False), models.Q(("status", "entered_in_error"), _negated=True)
                ),
                fields=("appointment",),
                name="assessment_one_live_per_appointment",
                violation_error_message="This appointment already has its assessment.",
            ),
        ),
        migrations.AddConstraint(
            model_name="treatmentsession",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("appointment__isnull", False), models.Q(("status", "entered_in_error"), _negated=True)
                ),
                fields=("appointment",),
                name="session_one_live_per_appointment",
                violation_error_message="This appointment already has its treatment session.",
            ),
        ),
    ]
