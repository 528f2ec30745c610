"""The fifteen airline themes a new installation starts with (feedback/themes/starting.py)."""

from django.db import migrations


def add_starting_themes(apps, schema_editor):
    from feedback.themes.catalogue import load_starting_themes

    load_starting_themes(apps.get_model("feedback", "Theme"))


class Migration(migrations.Migration):
    dependencies = [("feedback", "0009_themes")]

    operations = [migrations.RunPython(add_starting_themes, migrations.RunPython.noop)]
