"""The theme catalogue on the configuration site: add, rename, merge, archive, audited."""

import pytest
from django.urls import reverse

from feedback.themes.catalogue import state
from feedback.themes.models import Theme
from touchpoints.models import AuditEntry

THEMES_URL = reverse("admin:feedback_theme_changelist")
ADD_URL = reverse("admin:feedback_theme_add")

EXPECTED_NAMES = [
    "Queue and waiting",
    "Delay and cancellation",
    "Baggage",
    "Staff attitude",
    "Staff knowledge",
    "Seat",
    "Boarding",
    "Check-in machines",
    "App and web",
    "Price and fees",
    "Refund and compensation",
    "Food",
    "Cleanliness",
    "Information",
    "Special assistance",
]


def theme_form(**values) -> dict:
    data = {"name_en": "", "words_en": "", "words_sv": "", "words_da": "", "words_nb": ""}
    data["active"] = "on"
    data.update(values)
    return data


@pytest.mark.django_db
def test_the_fifteen_starting_themes_have_words_in_all_four_languages():
    assert sorted(Theme.objects.values_list("name_en", flat=True)) == sorted(EXPECTED_NAMES)
    for theme in Theme.objects.all():
        assert all(theme.words(code) for code in ["en", "sv", "da", "nb"]), theme
        assert theme.name_sv and theme.name_da and theme.name_nb


def test_an_admin_adds_a_theme_and_the_history_says_so(client, role_admin):
    client.force_login(role_admin)
    version = state().version
    response = client.post(ADD_URL, theme_form(name_en="E-gates", words_en="e-gate\negate*"))
    assert response.status_code == 302
    theme = Theme.objects.get(name="E-gates")
    assert theme.words("en") == ["e-gate", "egate*"]
    assert state().version == version + 1 and state().retagging
    assert AuditEntry.objects.filter(object_repr="E-gates", action="created").exists()


def test_a_theme_with_no_words_is_refused(client, role_admin):
    client.force_login(role_admin)
    response = client.post(ADD_URL, theme_form(name_en="Empty", words_sv="  \n "))
    assert response.status_code == 200
    assert "at least one word or phrase" in response.text
    assert not Theme.objects.filter(name="Empty").exists()


def test_renaming_keeps_the_old_name_in_the_history(client, role_admin):
    client.force_login(role_admin)
    seat = Theme.objects.get(name="Seat")
    url = reverse("admin:feedback_theme_change", args=[seat.pk])
    data = theme_form(name_en="Seats and legroom", **{f"words_{c}": seat.words(c) for c in []})
    for code in ["en", "sv", "da", "nb"]:
        data[f"words_{code}"] = getattr(seat, f"words_{code}")
    for code in ["sv", "da", "nb"]:
        data[f"name_{code}"] = getattr(seat, f"name_{code}")
    assert client.post(url, data).status_code == 302
    entry = AuditEntry.objects.get(object_id=str(seat.pk), action="changed")
    assert entry.changes["name"] == ["Seat", "Seats and legroom"]


def test_archiving_a_theme_keeps_it_and_stops_it_tagging(client, role_admin):
    client.force_login(role_admin)
    food = Theme.objects.get(name="Food")
    client.post(THEMES_URL, {"action": "archive_selected", "_selected_action": [food.pk]})
    food.refresh_from_db()
    assert not food.active
    assert AuditEntry.objects.filter(object_id=str(food.pk), action="archived").exists()


def test_the_theme_list_shows_the_retag_progress(client, role_admin):
    client.force_login(role_admin)
    client.post(ADD_URL, theme_form(name_en="E-gates", words_en="e-gate"))
    response = client.get(THEMES_URL)
    assert "Tagging past comments with the changed themes" in response.text


def test_an_admin_merges_two_themes_choosing_the_one_to_keep(client, role_admin):
    client.force_login(role_admin)
    seat, boarding = Theme.objects.get(name="Seat"), Theme.objects.get(name="Boarding")
    picked = {"action": "merge_selected", "_selected_action": [seat.pk, boarding.pk]}
    asked = client.post(THEMES_URL, picked)
    assert asked.status_code == 200 and "Choose the theme to keep" in asked.text
    done = client.post(THEMES_URL, {**picked, "keep": boarding.pk, "apply": "1"})
    assert done.status_code == 302
    seat.refresh_from_db()
    boarding.refresh_from_db()
    assert not seat.active and seat.merged_into == boarding
    assert "legroom" in boarding.words("en")
    assert AuditEntry.objects.filter(object_id=str(seat.pk), action="archived").exists()
    assert AuditEntry.objects.filter(object_id=str(boarding.pk), action="changed").exists()


def test_merging_needs_two_themes(client, role_admin):
    client.force_login(role_admin)
    seat = Theme.objects.get(name="Seat")
    response = client.post(
        THEMES_URL, {"action": "merge_selected", "_selected_action": [seat.pk]}, follow=True
    )
    assert "Select two themes or more to merge." in response.text
    seat.refresh_from_db()
    assert seat.active
