"""The time zones and the icons are the configuration site's long lists: they show exactly
as Django's own widgets would, without a template per option."""

from django import forms
from django.urls import reverse
from django.utils import translation

from touchpoints import icons
from touchpoints.configuration.long_choices import LongRadioSelect, LongSelect
from touchpoints.configuration.places import timezone_choices

GROUPED = [("Europe", [("Europe/Oslo", "Oslo"), ("Europe/Paris", "Paris & <co>")]), ("", "None")]


def test_the_time_zone_list_is_the_html_of_djangos_select():
    attrs = {"id": "id_timezone", "required": True, "disabled": False}
    for choices in (timezone_choices(), GROUPED):
        for value in ("Europe/Oslo", "", None):
            ours = LongSelect(choices=choices).render("timezone", value, attrs)
            django = forms.Select(choices=choices).render("timezone", value, attrs)
            assert ours == django


def test_the_icon_picker_is_the_html_of_djangos_radio_buttons():
    attrs = {"id": "id_icon", "class": "icon-picker", "required": True}
    for choices in (icons.picker_choices(), GROUPED):
        for value in ("gift", "Europe/Paris", None):
            ours = LongRadioSelect(choices=choices).render("icon", value, attrs)
            django = forms.RadioSelect(choices=choices).render("icon", value, attrs)
            assert ours == django
    no_id = {"class": "icon-picker"}
    assert LongRadioSelect(choices=GROUPED).render("icon", "", no_id) == forms.RadioSelect(
        choices=GROUPED
    ).render("icon", "", no_id)


def test_the_location_and_type_pages_render_no_template_per_option(client, role_admin):
    # Each of the 600 time zones from its own templates made the location page some 1,300
    # template renders, and each icon the type page 280 more.
    client.force_login(role_admin)
    for name in ("location", "touchpointtype", "remedykind"):
        response = client.get(reverse(f"admin:touchpoints_{name}_add"))
        assert response.status_code == 200
        assert len(response.templates) < 250, name


def test_the_icon_picker_names_each_icon_in_the_admins_language():
    # The picker's choices are built once per language, not once for the first one asked.
    for language, plane in (("en", "Plane"), ("sv", "Flygplan"), ("da", "Fly"), ("en", "Plane")):
        with translation.override(language):
            assert f"<span>{plane}</span>" in dict(icons.picker_choices())["plane"]
