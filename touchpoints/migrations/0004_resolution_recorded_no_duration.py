from django.db import migrations, models


def not_recorded_to_not_resolved(apps, schema_editor):
    """Going back: the old column cannot say "not recorded", so it says "not resolved",
    as an unticked box did."""
    apps.get_model("touchpoints", "Moment").objects.filter(resolved_on_spot=None).update(
        resolved_on_spot=False
    )


class Migration(migrations.Migration):
    """Resolved on the spot may now be "not recorded" (NULL). Every existing row keeps its
    True or False, so history counts as recorded and stays comparable. The duration, which
    nothing ever set, goes (docs/metrics.md, "What is not measured")."""

    dependencies = [
        ("touchpoints", "0003_indexes_owned_here"),
    ]

    operations = [
        migrations.AlterField(
            model_name="moment",
            name="resolved_on_spot",
            field=models.BooleanField(default=None, null=True),
        ),
        migrations.RunPython(migrations.RunPython.noop, not_recorded_to_not_resolved),
        migrations.RemoveField(
            model_name="moment",
            name="duration_seconds",
        ),
    ]
