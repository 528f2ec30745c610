"""Touchpoint icons are drawings from one vendored sprite, picked by an admin from the set.

The upgrade that turns the emoji in use into drawings, and back: tests/operations/
test_upgrade_round_trip.py."""

import importlib
import re
import unicodedata
from pathlib import Path

import pytest
from django.urls import reverse

from dashboards.demo import KINDS
from tests.touchpoints.admin_posts import type_form
from touchpoints import icons
from touchpoints.models import TouchpointType

ROOT = Path(__file__).resolve().parents[2]
SPRITE = ROOT / "static" / icons.SPRITE
ADD_URL = reverse("admin:touchpoints_touchpointtype_add")

# Pictographs that browsers draw from a colour-emoji font (Unicode's Extended_Pictographic
# blocks); without that font they are empty boxes. The plain tick ✓ (U+2713) is text.
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u26ff\u2700-\u27bf\u2b00-\u2bff\ufe0f]")


def emoji_in(text: str) -> list[str]:
    return [f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in EMOJI.findall(text) if c != "✓"]


def change_url(touchpoint_type) -> str:
    return reverse("admin:touchpoints_touchpointtype_change", args=[touchpoint_type.pk])


def test_every_icon_offered_is_drawn_in_the_vendored_sprite_beside_its_licence():
    symbols = set(re.findall(r'<symbol id="([a-z0-9-]+)"', SPRITE.read_text()))
    assert icons.NAMES | set(icons.SCREEN_ICONS) <= symbols
    assert "ISC License" in (SPRITE.parent / "LICENSE").read_text()


@pytest.mark.parametrize("folder", ["templates", "static/js", "dashboards", "touchpoints"])
def test_no_emoji_is_left_as_an_icon_in_templates_scripts_or_demo_data(folder):
    found = {
        str(path.relative_to(ROOT)): emoji_in(path.read_text())
        for path in (ROOT / folder).rglob("*")
        if path.suffix in (".html", ".js", ".py", ".svg", ".txt") and "migrations" not in path.parts
    }
    assert {path: chars for path, chars in found.items() if chars} == {}


def test_the_demo_types_wear_icons_from_the_set():
    assert {kind.icon for kind in KINDS} <= icons.NAMES


def test_the_admin_picks_a_types_icon_from_a_grid_of_drawings(client, role_admin):
    client.force_login(role_admin)
    page = client.get(ADD_URL).text
    offered = re.findall(r'<input type="radio" name="icon" value="([a-z0-9-]+)"', page)
    assert set(offered) == icons.NAMES
    assert f'{icons.sprite_url()}#luggage"' in page  # each choice shows its drawing
    assert "checked" in re.search(r'<input[^>]*value="circle-dot"[^>]*>', page)[0]


def test_the_admin_changes_a_types_icon_and_the_tile_shows_it(client, org, role_admin, agent):
    client.force_login(role_admin)
    response = client.post(change_url(org["bag_drop"]), type_form(org["bag_drop"], icon="tag"))
    assert response.status_code == 302
    client.force_login(agent)
    log_screen = client.get(reverse("touchpoints:log")).text
    assert f'{icons.sprite_url()}#tag"' in log_screen
    assert f'{icons.sprite_url()}#luggage"' not in log_screen


@pytest.mark.parametrize("typed", ["🛋", "sofa-bed", "<script>", ""])
def test_the_admin_refuses_an_icon_that_is_not_in_the_set(client, org, role_admin, typed):
    client.force_login(role_admin)
    response = client.post(change_url(org["bag_drop"]), type_form(org["bag_drop"], icon=typed))
    assert response.status_code == 200
    assert "icon" in response.context["adminform"].form.errors
    assert TouchpointType.objects.get(pk=org["bag_drop"].pk).icon == "luggage"


def test_a_new_type_without_a_chosen_icon_gets_the_default_drawing(org):
    stage = org["bag_drop"].stage
    assert TouchpointType.objects.create(name="Kiosk", stage=stage).icon == icons.DEFAULT_ICON


@pytest.mark.parametrize(
    "emoji, name",
    [("🧳", "luggage"), ("🛂", "id-card"), ("🛋️", "sofa"), ("🛋", "sofa"), ("🖥️", "monitor"),
     ("🏷️", "tag"), ("☕", "coffee"), ("🦄", "circle-dot"), ("", "circle-dot")],
)  # fmt: skip
def test_the_migration_turns_each_emoji_in_use_into_a_drawing(emoji, name):
    migration = importlib.import_module("touchpoints.migrations.0010_type_icons_from_the_set")
    assert migration.icon_name(emoji) == name
    assert migration.icon_name(emoji) in icons.NAMES
