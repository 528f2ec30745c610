"""A choice field's options in each language: picked in Swedish, stored as the English
option (so figures group by one value), shown in the reader's language."""

import pytest
from django.urls import reverse

from tests.conftest import moment_post
from tests.touchpoints.admin_posts import extra_field_row, type_form
from tests.touchpoints.conftest import JSON
from touchpoints.models import ExtraField, Moment

LOG_URL = reverse("touchpoints:log")


@pytest.fixture
def cabin(org):
    return ExtraField.objects.create(
        touchpoint_type=org["boarding"],
        key="cabin",
        label_en="Cabin",
        label_sv="Kabin",
        kind=ExtraField.Kind.CHOICE,
        choices_en="Economy\nBusiness\nFirst",
        choices_sv="Ekonomi\nAffärsklass",  # "First" not translated yet
    )


def in_swedish(client, agent):
    agent.language = "sv"
    agent.save(update_fields=["language"])
    client.force_login(agent)
    return client


def test_the_log_screen_offers_the_options_in_the_persons_language(client, agent, org, cabin):
    page = in_swedish(client, agent).get(LOG_URL).text
    assert '<option value="Business">Affärsklass</option>' in page
    assert '<option value="Economy">Ekonomi</option>' in page
    assert '<option value="First">First</option>' in page  # untranslated: English, not empty


def test_an_option_picked_in_swedish_is_stored_as_the_english_one(client, agent, org, cabin):
    data = moment_post(org["boarding"], **{f"extra_{org['boarding'].pk}_cabin": "Business"})
    response = in_swedish(client, agent).post(LOG_URL, data, headers=JSON)
    assert response.status_code == 201
    assert Moment.objects.get().extra == {"cabin": "Business"}
    mine = client.get(reverse("touchpoints:mine")).text
    assert "<dt>Kabin</dt><dd>Affärsklass</dd>" in mine


def test_a_danish_reader_with_no_danish_options_sees_the_english_ones(client, agent, org, cabin):
    agent.language = "da"
    agent.save(update_fields=["language"])
    client.force_login(agent)
    page = client.get(LOG_URL).text
    assert '<option value="Business">Business</option>' in page


def test_the_admin_gives_the_options_per_language(client, org, role_admin):
    boarding = org["boarding"]
    client.force_login(role_admin)
    row = extra_field_row(label="Cabin", kind="choice", choices="Economy\nBusiness",
                          choices_nb="Økonomi\nBusiness")  # fmt: skip
    assert client.post(reverse("admin:touchpoints_touchpointtype_change", args=[boarding.pk]),
                       type_form(boarding, [row])).status_code == 302  # fmt: skip
    field = ExtraField.objects.get()
    assert (field.choices_en, field.choices_nb) == ("Economy\nBusiness", "Økonomi\nBusiness")


def test_a_translation_with_a_different_number_of_options_is_refused(client, org, role_admin):
    boarding = org["boarding"]
    client.force_login(role_admin)
    row = extra_field_row(label="Cabin", kind="choice", choices="Economy\nBusiness",
                          choices_sv="Ekonomi")  # fmt: skip
    response = client.post(
        reverse("admin:touchpoints_touchpointtype_change", args=[boarding.pk]),
        type_form(boarding, [row]),
    )
    assert "Give all 2 options in Swedish, one per line in the same order" in response.text
    assert not ExtraField.objects.exists()
