"""What a reader sees when a language is missing: a text the deployed catalogue lacks shows
in English, never empty; a language code nobody offers is ignored without an error; and
figures are written with the reader's decimal comma."""

import pytest
from django.conf import settings
from django.utils import translation

from feedback.invitations import invitation_for
from tests.conftest import add_moment, roll_up_everything
from touchpoints.configuration.in_use import describe
from touchpoints.models import Moment

MINE = "/log/mine/"


@pytest.fixture
def catalogue_without():
    """Take texts out of the loaded Swedish catalogue, as an older .mo deployed beside newer
    code would lack them; put them back afterwards."""
    catalogue = translation.trans_real.translation("sv")._catalog
    taken = []

    def remove(*keys):
        for part in catalogue._catalogs:
            for key in keys:
                if key in part:
                    taken.append((part, key, part.pop(key)))

    yield remove
    for part, key, text in taken:
        part[key] = text


def test_a_page_text_missing_from_the_catalogue_at_run_time_shows_in_english(
    client, agent, catalogue_without
):
    agent.language = "sv"
    agent.save()
    client.force_login(agent)
    assert "Mina möten idag" in client.get(MINE).text
    catalogue_without("My moments today")
    page = client.get(MINE).text
    assert "My moments today" in page and "Mina möten idag" not in page
    assert '<html lang="sv">' in page  # the rest of the page stays Swedish


def test_a_counted_text_missing_at_run_time_shows_in_english(catalogue_without):
    found = [("touchpoints.Moment", 1234), ("touchpoints.Team", 1)]
    with translation.override("sv"):
        assert describe(found) == "1\xa0234 möten och 1 team"
        catalogue_without(("%(count)s moment", 0), ("%(count)s moment", 1))
        assert describe(found) == "1\xa0234 moments och 1 team"


@pytest.mark.parametrize(
    ("code", "read"),
    [("xx", "en"), ("", "en"), ("../../etc/passwd", "en"), ("x" * 300, "en"),
     ("sv-XX-bogus", "sv")],  # a variant of an offered language is that language
)  # fmt: skip
def test_a_language_cookie_set_by_hand_is_ignored_without_an_error(client, agent, org, code, read):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    moment = add_moment(agent, org["desk"])
    customer = client.get(f"/r/{invitation_for(moment).token}/")
    client.force_login(agent)
    staff = client.get(MINE)
    assert (customer.status_code, staff.status_code) == (200, 200)
    assert f'<html lang="{read}">' in staff.text


@pytest.mark.parametrize("code", ["xx", "", "de", "<script>"])
def test_an_unknown_lang_in_the_address_falls_back_without_an_error(client, agent, org, code):
    agent.language = "da"
    agent.save()
    moment = add_moment(agent, org["desk"])
    customer = client.get(f"/r/{invitation_for(moment).token}/", {"lang": code})
    client.force_login(agent)
    staff = client.get(MINE, {"lang": code})
    client.post(f"/feedback/moments/{moment.uuid}/handover/")
    handover = client.get("/feedback/handover/", {"lang": code})
    assert [r.status_code for r in (customer, staff, handover)] == [200, 200, 200]
    assert '<html lang="en">' in customer.text and '<html lang="da">' in staff.text
    assert '<html lang="en">' in handover.text  # the default: the customer's own pick only


@pytest.mark.parametrize(("code", "written"), [("en", "3.5"), ("sv", "3,5"), ("da", "3,5"),
                                                ("nb", "3,5")])  # fmt: skip
def test_a_dashboard_figure_is_written_with_the_readers_decimal_mark(
    client, agent, arn_manager, org, code, written
):
    desk = org["desk"]
    desk.asks_effort = True
    desk.save()
    for effort in (3, 4):
        add_moment(agent, desk, answer={"csat": 4, "effort": effort})
    roll_up_everything()
    arn_manager.language = code
    arn_manager.save()
    client.force_login(arn_manager)
    page = client.get(f"/dashboard/journey/{desk.pk}/").text
    assert f">{written}<" in page or f">{written} " in page
    assert Moment.objects.count() == 2
