from django.db import migrations


def offer_every_language(apps, schema_editor):
    """Settings still at the old default (English and Swedish) get Danish and Norwegian too;
    a choice an admin made otherwise is left alone."""
    settings_rows = apps.get_model("feedback", "FeedbackSettings").objects
    for row in settings_rows.all():
        if sorted(row.languages) == ["en", "sv"]:
            row.languages = ["en", "sv", "da", "nb"]
            row.save(update_fields=["languages"])


class Migration(migrations.Migration):
    dependencies = [("feedback", "0004_recovery_queue_and_lapse")]

    operations = [migrations.RunPython(offer_every_language, migrations.RunPython.noop)]
