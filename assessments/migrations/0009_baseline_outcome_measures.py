"""Outcome measures at the assessment (the baseline), the PSFS's activities, one record per form sent."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0008_strength_any_muscle_and_grip"),
    ]

    operations = [
        migrations.AddField(
            model_name="outcomemeasure",
            name="activities",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="outcomemeasure",
            name="assessment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="baseline_measures",
                to="assessments.assessment",
            ),
        ),
        migrations.AddField(
            model_name="outcomemeasure",
            name="entry_key",
            field=models.UUIDField(blank=True, editable=False, null=True, unique=True),
        ),
        migrations.AddConstraint(
            model_name="outcomemeasure",
            constraint=models.CheckConstraint(
                condition=models.Q(("session__isnull", True), ("assessment__isnull", True), _connector="OR"),
                name="outcome_in_a_session_or_an_assessment",
                violation_error_message="An outcome measure belongs to a session or to an assessment, not both.",
            ),
        ),
        migrations.AddConstraint(
            model_name="outcomemeasure",
            constraint=models.UniqueConstraint(
                condition=models.Q(("assessment__isnull", False)),
                fields=("assessment", "instrument"),
                name="outcome_one_baseline_per_instrument",
                violation_error_message="This questionnaire is already recorded at this assessment.",
            ),
        ),
    ]
