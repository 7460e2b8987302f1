"""The permissions to book for any practitioner and to manage one's own calendar link (options only)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0004_dates_within_clinic_range"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="appointment",
            options={
                "ordering": ["starts_at", "id"],
                "permissions": [("book_for_any_practitioner", "Book and change appointments for any practitioner")],
            },
        ),
        migrations.AlterModelOptions(
            name="practitioner",
            options={
                "ordering": ["display_name", "id"],
                "permissions": [("manage_own_calendar_feed", "Manage their own calendar link")],
            },
        ),
    ]
