"""A touchpoint type's icon becomes the name of a drawing in the icon set, not an emoji."""

import uuid

from django.db import migrations, models

import touchpoints.icons

# The emoji in use before (demo data, tests, and what admins typed), each to its nearest
# drawing; any other text becomes the default. Written out here, not imported, so that this
# migration means the same thing however the set changes later.
EMOJI_TO_ICON = {
    "📅": "calendar",
    "📆": "calendar",
    "📞": "phone",
    "☎": "phone",
    "💬": "message-circle",
    "🛂": "id-card",
    "🖥": "monitor",
    "💻": "monitor",
    "🧳": "luggage",
    "🔍": "search",
    "🔎": "search",
    "🚪": "door-open",
    "✈": "plane",
    "🛫": "plane-takeoff",
    "🛬": "plane-landing",
    "🛋": "sofa",
    "☕": "coffee",
    "🍽": "utensils",
    "🛄": "baggage-claim",
    "🏷": "tag",
    "🎫": "ticket",
    "📱": "smartphone",
    "📧": "mail",
    "✉": "mail",
    "♿": "accessibility",
    "🛡": "shield-check",
}
DEFAULT = "circle-dot"


def icon_name(emoji: str) -> str:
    # "🛋️" and "🛋" are the same icon: drop the variation selector and any spaces.
    return EMOJI_TO_ICON.get(emoji.replace("\ufe0f", "").strip(), DEFAULT)


def emoji_to_names(apps, schema_editor):
    TouchpointType = apps.get_model("touchpoints", "TouchpointType")
    for touchpoint_type in TouchpointType.objects.all():
        touchpoint_type.icon = icon_name(touchpoint_type.icon)
        touchpoint_type.save(update_fields=["icon"])
    # Historical models do not bump the types' version: a running process would keep the emoji.
    apps.get_model("touchpoints", "LoggableTypesVersion").objects.update_or_create(
        pk=1, defaults={"version": uuid.uuid4().hex}
    )


def names_to_emoji(apps, schema_editor):
    """Going back: each name to the first emoji that maps to it, others to none, so that the
    icons fit the old 8 characters again."""
    emoji_of = {}
    for emoji, name in EMOJI_TO_ICON.items():
        emoji_of.setdefault(name, emoji)
    TouchpointType = apps.get_model("touchpoints", "TouchpointType")
    for touchpoint_type in TouchpointType.objects.all():
        touchpoint_type.icon = emoji_of.get(touchpoint_type.icon, "")
        touchpoint_type.save(update_fields=["icon"])


class Migration(migrations.Migration):
    dependencies = [
        ("touchpoints", "0009_audit_emailed"),
    ]

    operations = [
        migrations.AlterField(
            model_name="touchpointtype",
            name="icon",
            field=models.CharField(
                default="circle-dot",
                help_text="The drawing on the tile, one of the icons offered.",
                max_length=40,
                validators=[touchpoints.icons.validate_icon],
            ),
        ),
        migrations.RunPython(emoji_to_names, names_to_emoji),
    ]
