"""The permission to open the clinic's home page, which every role grants (options only: no table changes)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_audit_append_only"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="user",
            options={
                "ordering": ["last_name", "first_name", "username"],
                "permissions": [("view_home", "Open the clinic's home page")],
                "verbose_name": "user",
                "verbose_name_plural": "users",
            },
        ),
    ]
