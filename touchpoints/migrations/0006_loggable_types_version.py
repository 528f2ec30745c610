import uuid

from django.db import migrations, models


def first_version(apps, schema_editor):
    version = uuid.uuid4().hex
    apps.get_model("touchpoints", "LoggableTypesVersion").objects.create(pk=1, version=version)


class Migration(migrations.Migration):
    """The touchpoint types' version moves from Redis into one row of PostgreSQL, read with
    the person on every request (touchpoints/loggable_types.py)."""

    dependencies = [
        ("touchpoints", "0005_user_need_emails_since"),
    ]

    operations = [
        migrations.CreateModel(
            name="LoggableTypesVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(first_version, migrations.RunPython.noop),
    ]
