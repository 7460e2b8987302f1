"""The integration token's content type follows the model to records, so that its permissions and its
audit-log entries (which point at the content type's row) stay attached. A fresh database has no such
row yet: post_migrate creates it under records."""

from django.db import migrations


def relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label=new, model="integrationtoken").exists():
        return
    ContentType.objects.filter(app_label=old, model="integrationtoken").update(app_label=new)
    ContentType.objects.clear_cache()


def to_records(apps, schema_editor) -> None:
    relabel(apps, "ims_clinic", "records")


def to_ims_clinic(apps, schema_editor) -> None:
    relabel(apps, "records", "ims_clinic")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("ims_clinic", "0003_integration_token_to_records"),
        ("records", "0001_integration_token_from_ims_clinic"),
    ]

    operations = [migrations.RunPython(to_records, to_ims_clinic)]
