"""The integration tokens now belong to records (records 0001 took them into its state); the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ims_clinic", "0002_integration_tokens"),
        ("records", "0001_integration_token_from_ims_clinic"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IntegrationToken")],
            database_operations=[],
        ),
    ]
