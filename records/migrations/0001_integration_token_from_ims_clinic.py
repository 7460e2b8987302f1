"""The integration tokens move from ims_clinic to records in Django's state only: the table keeps its name.

A fresh database gets the table from ims_clinic 0002 (hence the dependency); an existing one already has it.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("ims_clinic", "0002_integration_tokens"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IntegrationToken",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="integration")),
                        ("token_hash", models.CharField(editable=False, max_length=64, unique=True)),
                        ("token_prefix", models.CharField(editable=False, max_length=8)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ("last_used_at", models.DateTimeField(blank=True, editable=False, null=True)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "revoked_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "ims_clinic_integrationtoken",
                        "ordering": ["-created_at", "-id"],
                        "permissions": [
                            ("export_patient_record", "Can export a patient's whole record (a disclosure)"),
                            ("export_clinic_data", "Can export the clinic's data as CSV files"),
                            ("import_patients", "Can import patients from a CSV file"),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("revoked_at__isnull", True), ("revoked_by__isnull", False), _connector="OR"
                                ),
                                name="integration_token_revocation_has_author",
                                violation_error_message="A revocation records who revoked the token.",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
