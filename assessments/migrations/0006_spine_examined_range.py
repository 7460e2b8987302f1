"""The stretch of the spine palpated for the grid's signs: inside it a sign not marked is absent, outside not tested."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0005_adverse_event_report_permission"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="palpated_from",
            field=models.CharField(
                blank=True,
                choices=[
                    ("C1", "C1"),
                    ("C2", "C2"),
                    ("C3", "C3"),
                    ("C4", "C4"),
                    ("C5", "C5"),
                    ("C6", "C6"),
                    ("C7", "C7"),
                    ("C8", "C8"),
                    ("T1", "T1"),
                    ("T2", "T2"),
                    ("T3", "T3"),
                    ("T4", "T4"),
                    ("T5", "T5"),
                    ("T6", "T6"),
                    ("T7", "T7"),
                    ("T8", "T8"),
                    ("T9", "T9"),
                    ("T10", "T10"),
                    ("T11", "T11"),
                    ("T12", "T12"),
                    ("L1", "L1"),
                    ("L2", "L2"),
                    ("L3", "L3"),
                    ("L4", "L4"),
                    ("L5", "L5"),
                    ("S1", "S1"),
                    ("S2", "S2"),
                    ("S3", "S3"),
                    ("S4-5", "S4-5"),
                ],
                max_length=4,
                verbose_name="palpated from",
            ),
        ),
        migrations.AddField(
            model_name="assessment",
            name="palpated_sides",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="assessment",
            name="palpated_to",
            field=models.CharField(
                blank=True,
                choices=[
                    ("C1", "C1"),
                    ("C2", "C2"),
                    ("C3", "C3"),
                    ("C4", "C4"),
                    ("C5", "C5"),
                    ("C6", "C6"),
                    ("C7", "C7"),
                    ("C8", "C8"),
                    ("T1", "T1"),
                    ("T2", "T2"),
                    ("T3", "T3"),
                    ("T4", "T4"),
                    ("T5", "T5"),
                    ("T6", "T6"),
                    ("T7", "T7"),
                    ("T8", "T8"),
                    ("T9", "T9"),
                    ("T10", "T10"),
                    ("T11", "T11"),
                    ("T12", "T12"),
                    ("L1", "L1"),
                    ("L2", "L2"),
                    ("L3", "L3"),
                    ("L4", "L4"),
                    ("L5", "L5"),
                    ("S1", "S1"),
                    ("S2", "S2"),
                    ("S3", "S3"),
                    ("S4-5", "S4-5"),
                ],
                max_length=4,
                verbose_name="palpated down to",
            ),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("palpated_from", ""), ("palpated_to", "")),
                    models.Q(
                        models.Q(("palpated_from", ""), _negated=True), models.Q(("palpated_to", ""), _negated=True)
                    ),
                    _connector="OR",
                ),
                name="assessment_palpated_range_has_both_ends",
                violation_error_message="Give both ends of the palpated range, or neither.",
            ),
        ),
    ]
