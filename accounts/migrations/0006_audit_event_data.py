"""What an audit event saw beyond its record: a list's period, filters and page (a column added, no row changed)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_user_home_permission"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="data",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
