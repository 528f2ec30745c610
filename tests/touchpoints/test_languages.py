"""Four languages: the person's own over the browser's, the switch, and what falls back."""

from datetime import date

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from dashboards import demo, demo_names
from dashboards.digest import compose
from dashboards.templatetags.dashboard_format import hours, score
from feedback.invitations import invitation_for
from touchpoints import loggable_types
from touchpoints.models import AuditEntry, Moment, Need

from .admin_posts import location_form

MINE = "/log/mine/"
OFFERED = [code for code, _name in settings.LANGUAGES]


def test_a_danish_agent_reads_danish_on_a_tablet_set_to_english(client, agent):
    agent.language = "da"
    agent.save()
    client.force_login(agent)
    page = client.get(MINE, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").text
    assert '<html lang="da">' in page
    assert "Mine møder i dag" in page and "My moments today" not in page


def test_without_a_choice_of_their_own_the_browser_decides(client, agent):
    client.force_login(agent)
    page = client.get(MINE, HTTP_ACCEPT_LANGUAGE="nb-NO,nb;q=0.9").text
    assert '<html lang="nb">' in page
    assert "Mine møter i dag" in page


def test_the_switch_saves_the_language_and_returns_to_the_page(client, agent):
    client.force_login(agent)
    response = client.post("/language/", {"language": "sv", "next": MINE})
    assert response.status_code == 302 and response["Location"] == MINE
    agent.refresh_from_db()
    assert agent.language == "sv"
    assert "Mina möten idag" in client.get(MINE, HTTP_ACCEPT_LANGUAGE="en").text


def test_the_switch_is_on_every_staff_page_and_marks_the_language_in_use(client, agent):
    agent.language = "nb"
    agent.save()
    client.force_login(agent)
    page = client.get(MINE).text
    assert 'action="/language/"' in page
    assert 'value="nb" lang="nb" class="button quiet" aria-current="true">Norsk bokmål' in page
    assert 'value="" class="button quiet">Som nettleseren min</button>' in page


def test_following_the_browser_again_clears_the_choice(client, agent):
    agent.language = "sv"
    agent.save()
    client.force_login(agent)
    client.post("/language/", {"language": "", "next": MINE})
    agent.refresh_from_db()
    assert agent.language == ""
    assert "My moments today" in client.get(MINE, HTTP_ACCEPT_LANGUAGE="en").text


def test_the_switch_never_sends_anyone_off_the_site(client, agent):
    client.force_login(agent)
    response = client.post("/language/", {"language": "da", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_language_that_is_not_offered_changes_nothing(client, agent):
    agent.language = "sv"
    agent.save()
    client.force_login(agent)
    response = client.post("/language/", {"language": "xx", "next": MINE})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.language == "sv"


def test_a_language_cookie_set_by_hand_falls_back_to_english(client, agent):
    client.force_login(agent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    response = client.get(MINE)
    assert response.status_code == 200
    assert '<html lang="en">' in response.text and "My moments today" in response.text


def test_a_stored_language_no_longer_offered_falls_back_to_the_browser(client, agent):
    agent.language = "de"  # offered once, say, and since dropped from LANGUAGES
    agent.save()
    client.force_login(agent)
    assert '<html lang="sv">' in client.get(MINE, HTTP_ACCEPT_LANGUAGE="sv").text


def test_a_text_missing_from_a_catalogue_shows_in_english_not_empty():
    template = Template('{% load i18n %}{% translate "A sentence nobody has translated" %}')
    for code in OFFERED:
        with translation.override(code):
            assert template.render(Context()) == "A sentence nobody has translated"


@pytest.mark.parametrize("code", [code for code in OFFERED if code != "en"])
def test_no_catalogue_entry_reads_as_an_empty_string(code):
    """An entry compiled with an empty translation would show nothing at all."""
    catalogue = translation.trans_real.translation(code)._catalog
    ours = {key: text for key, text in catalogue.items() if text is not None}
    assert ours and not [key for key, text in ours.items() if not str(text).strip()]


def test_a_name_not_given_in_a_language_shows_in_english(org):
    desk = org["desk"]
    desk.name_sv = "Incheckningsdisk"
    desk.save()
    with translation.override("sv"):
        assert str(desk) == "Incheckningsdisk"
    with translation.override("da"):
        assert str(desk) == "Check-in desk"


def test_the_types_each_process_keeps_follow_the_readers_language(org):
    desk = org["desk"]
    desk.name_nb = "Innsjekkingsskranke"
    desk.save()
    loaded = loggable_types.active_type(desk.pk)
    with translation.override("nb"):
        assert loaded.name == "Innsjekkingsskranke"
    with translation.override("en"):
        assert loggable_types.active_type(desk.pk).name == "Check-in desk"


def test_the_log_screen_names_the_tiles_in_the_persons_language(client, agent, org):
    org["bag_drop"].name_sv = "Bagagelämning"
    org["bag_drop"].save()
    agent.language = "sv"
    agent.save()
    client.force_login(agent)
    page = client.get("/log/").text
    assert "Bagagelämning" in page and "Bag drop" not in page


def test_a_swede_with_an_english_phone_switches_the_customer_page_to_swedish(client, agent, org):
    org["desk"].name_sv = "Incheckningsdisk"
    org["desk"].save()
    moment = Moment(staff=agent, team=agent.team, location=agent.team.location,
                    touchpoint_type=org["desk"], outcome=4)  # fmt: skip
    moment.save()
    url = f"/r/{invitation_for(moment).token}/"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").text
    assert "How did we do?" in english and 'href="?lang=sv" lang="sv"' in english
    swedish = client.get(url + "?lang=sv", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Hur gick det?" in swedish.text and "Incheckningsdisk" in swedish.text
    assert swedish["Content-Language"] == "sv"
    # The form posts back to the same address: the answer's errors stay Swedish.
    refused = client.post(url + "?lang=sv", {}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Välj ett ansikte från 1 till 5." in refused.text


def test_a_customer_page_asked_for_in_an_unknown_language_is_english(client, agent, org):
    moment = Moment(staff=agent, team=agent.team, location=agent.team.location,
                    touchpoint_type=org["desk"], outcome=4)  # fmt: skip
    moment.save()
    response = client.get(f"/r/{invitation_for(moment).token}/?lang=xx")
    assert response.status_code == 200 and "How did we do?" in response.text


def test_the_javascript_catalogue_is_served_in_the_readers_language(client, agent):
    agent.language = "sv"
    agent.save()
    client.force_login(agent)
    response = client.get("/jsi18n/?l=sv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert '"DECIMAL_SEPARATOR": ","' in response.text
    # Kept an hour, signed in or not: it holds nothing of who asked (config/no_store.py,
    # tests/operations/test_no_store.py), and every staff page loads it.
    assert response["Cache-Control"] == "max-age=3600"


def test_the_javascript_catalogue_is_kept_an_hour_for_a_visitor_not_signed_in(client):
    response = client.get("/jsi18n/?l=da", HTTP_ACCEPT_LANGUAGE="da")
    assert "max-age=3600" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]


def test_frontline_pages_load_the_catalogue_before_their_script(client, agent):
    client.force_login(agent)
    page = client.get(MINE, HTTP_ACCEPT_LANGUAGE="da").text
    assert page.index('src="/jsi18n/?l=da"') < page.index("js/log.js")


def test_the_digest_is_written_in_the_managers_language(arn_manager, agent, org):
    Need.objects.create(raised_by=agent, team=agent.team, location=agent.team.location,
                        kind=Need.Kind.TRAINING)  # fmt: skip
    arn_manager.language = "da"
    arn_manager.save()
    digest = compose(arn_manager, date.today())
    assert "1 åbent behov" in digest.subject
    assert "HVAD FRONTLINJEN HAR BRUG FOR" in digest.body and "Oplæring" in digest.body


def test_numbers_and_durations_follow_the_language():
    with translation.override("sv"):
        assert (score(3.5), hours(30)) == ("3,5", "30,0 tim")
    with translation.override("en"):
        assert (score(3.5), hours(30)) == ("3.5", "30.0 h")


def test_the_configuration_site_asks_for_a_name_in_every_language(client, role_admin, org):
    client.force_login(role_admin)
    page = client.get(f"/admin/touchpoints/touchpointtype/{org['desk'].pk}/change/").text
    for code in OFFERED:
        assert f'name="name_{code}"' in page


def test_the_demo_names_every_stage_and_type_in_all_four_languages():
    assert set(demo_names.STAGE_NAMES) == set(demo.STAGES)
    assert set(demo_names.TYPE_NAMES) == {kind.name for kind in demo.KINDS}
    named = [*demo_names.STAGE_NAMES.values(), *demo_names.TYPE_NAMES.values()]
    assert all(len(names) == 3 and all(names) for names in named)


def test_an_admin_sets_a_persons_language_on_the_configuration_site(client, role_admin, agent):
    client.force_login(role_admin)
    page = client.get(f"/admin/touchpoints/user/{agent.pk}/change/").text
    assert '<select name="language"' in page and '<option value="nb">Norsk bokmål</option>' in page


def test_the_audit_trail_names_fields_in_english_whatever_the_admin_reads(client, role_admin, org):
    role_admin.language = "sv"
    role_admin.save()
    client.force_login(role_admin)
    arn = org["arn"]
    client.post(
        f"/admin/touchpoints/location/{arn.pk}/change/", location_form(arn, timezone="Europe/Oslo")
    )
    assert AuditEntry.objects.get().changes == {"time zone": ["Europe/Stockholm", "Europe/Oslo"]}


@pytest.mark.parametrize(("code", "written"), [("sv", "2 december 2026, 21:15 CET"),
                                                ("da", "2. december 2026, 21:15 CET"),
                                                ("nb", "2. desember 2026, 21:15 CET")])  # fmt: skip
def test_a_date_and_time_is_written_as_the_language_writes_it_and_names_its_zone(code, written):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.utils.formats import date_format

    evening = datetime(2026, 12, 2, 21, 15, tzinfo=ZoneInfo("Europe/Stockholm"))
    with translation.override(code):
        assert date_format(evening, "DATETIME_FORMAT") == written
