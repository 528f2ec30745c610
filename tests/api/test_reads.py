"""Reading through the API: moments page by page, figures that match the CSV, needs,
recoveries and names, each within the key's locations."""

import csv
import io
import random
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api.conftest import ApiClient
from tests.conftest import PASSWORD, add_moment, roll_up_everything
from tests.touchpoints.remedy_steps import give_budget, remedy_kinds
from touchpoints.api_keys import create_key
from touchpoints.needs import raise_need
from touchpoints.remedies import give_remedy


def test_names_are_those_of_the_keys_locations(api, org):
    locations = api.get("/api/v1/locations").json()
    teams = api.get("/api/v1/teams").json()
    types = api.get("/api/v1/touchpoint-types").json()

    assert [location["code"] for location in locations] == ["ARN"]
    assert [team["id"] for team in teams] == [org["arn_desk"].pk]
    assert {t["name"] for t in types} == {"Bag drop", "Check-in desk", "Boarding"}


def test_moments_come_page_by_page_newest_first_each_once(api, org, agent, jfk_agent):
    now = timezone.now()
    logged = [
        add_moment(agent, org["desk"], occurred_at=now - timedelta(minutes=n)) for n in range(7)
    ]
    add_moment(jfk_agent, org["desk"])  # another location: never listed
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = api.get("/api/v1/moments", params).json()
        seen += [moment["uuid"] for moment in page["moments"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == [str(moment.uuid) for moment in logged]


def test_moments_take_the_dashboards_filters(api, org, agent):
    add_moment(agent, org["desk"], channel="phone")
    add_moment(agent, org["bag_drop"], channel="in_person")

    phone = api.get("/api/v1/moments", {"channel": "phone"}).json()["moments"]
    bags = api.get("/api/v1/moments", {"type": org["bag_drop"].pk}).json()["moments"]

    assert [m["channel"] for m in phone] == ["phone"]
    assert [m["touchpoint_type"] for m in bags] == [org["bag_drop"].pk]


def test_one_moment_is_read_by_its_uuid(api, org, agent, jfk_agent):
    mine = add_moment(agent, org["desk"], answer={"csat": 5, "comment": "Lovely"})
    theirs = add_moment(jfk_agent, org["desk"])

    found = api.get(f"/api/v1/moments/{mine.uuid}")
    hidden = api.get(f"/api/v1/moments/{theirs.uuid}")

    assert found.json()["csat"] == 5 and found.json()["customer_comment"] == "Lovely"
    assert hidden.status_code == 404
    assert hidden.json() == api.get("/api/v1/moments/00000000-0000-4000-8000-000000000000").json()


@pytest.fixture
def meal_voucher(org, agent):
    org["arn"].currency = "SEK"
    org["arn"].save()
    give_budget(agent.team, 10000, 500)
    return remedy_kinds()["meal"]


def remedied_moment(agent, org, kind, **remedy):
    moment = add_moment(agent, org["desk"], outcome=1)
    give_remedy(agent, remedy_uuid=uuid.uuid4(), moment_uuid=moment.uuid, kind_id=kind.pk, **remedy)
    return moment


def test_listed_moments_carry_their_remedies_in_as_many_queries_for_one_or_four(
    api, org, agent, meal_voucher
):
    remedied_moment(agent, org, meal_voucher)
    api.get("/api/v1/locations")  # the key's first use of the minute is written down once
    with CaptureQueriesContext(connection) as one:
        first = api.get("/api/v1/moments").json()["moments"]
    for _ in range(3):
        remedied_moment(agent, org, meal_voucher)
    with CaptureQueriesContext(connection) as four:
        listed = api.get("/api/v1/moments").json()["moments"]

    remedy = first[0]["remedies"][0]
    assert (remedy["kind"], remedy["cost"], remedy["currency"]) == ("Meal voucher", "150.00", "SEK")
    assert (remedy["over_limit"], remedy["reason"]) == (False, "")
    assert [len(moment["remedies"]) for moment in listed] == [1, 1, 1, 1]
    assert len(four) == len(one)


def test_a_moment_read_alone_carries_its_remedies_with_the_reason_over_the_limit(
    api, org, agent, meal_voucher
):
    moment = remedied_moment(agent, org, meal_voucher)
    for _ in range(3):  # 600 SEK on one moment: over its 500 limit, with a reason
        give_remedy(
            agent, remedy_uuid=uuid.uuid4(), moment_uuid=moment.uuid, kind_id=meal_voucher.pk,
            reason="Family of four, 6 h late",
        )  # fmt: skip
    bare = add_moment(agent, org["desk"])

    remedies = api.get(f"/api/v1/moments/{moment.uuid}").json()["remedies"]

    assert [(r["over_limit"], r["reason"]) for r in remedies] == [
        (False, ""), (False, ""), (False, ""), (True, "Family of four, 6 h late"),
    ]  # fmt: skip
    assert api.get(f"/api/v1/moments/{bare.uuid}").json()["remedies"] == []


def test_a_bad_filter_names_its_parameter(api, org):
    response = api.get("/api/v1/moments", {"period": "custom", "start": "2026-13-01"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "start"


def test_a_bad_cursor_is_a_problem_not_a_failure(api, org):
    response = api.get("/api/v1/moments", {"cursor": "bm90IGEgY3Vyc29y"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "invalid_cursor"


def test_needs_and_recoveries_are_listed(api, org, agent, jfk_agent):
    raise_need(agent, "training", "Rebooking rules")
    raise_need(jfk_agent, "tool", "Printer")
    add_moment(agent, org["desk"], answer={"csat": 1, "comment": "Rude"})

    needs = api.get("/api/v1/needs").json()["needs"]
    recoveries = api.get("/api/v1/recoveries").json()["recoveries"]

    assert [(n["kind"], n["raised_by"]) for n in needs] == [("training", "anna")]
    assert [(r["csat"], r["status"], r["comment"]) for r in recoveries] == [(1, "open", "Rude")]


# -- the scope matrix ------------------------------------------------------------------------


@pytest.fixture
def keys(org):
    return {
        "read ARN": create_key("r", [org["arn"]], read=True)[1],
        "write ARN": create_key("w", [org["arn"]], read=False, write=True)[1],
        "read JFK": create_key("j", [org["jfk"]], read=True)[1],
    }


READS = ["/api/v1/moments", "/api/v1/figures", "/api/v1/needs", "/api/v1/locations"]
FILTERED = ["/api/v1/moments", "/api/v1/figures"]
REFUSED = ("Outside this key's locations.", "This key has no read scope.")


@pytest.mark.parametrize("path", READS)
@pytest.mark.parametrize(
    ("key", "status"), [("read ARN", 200), ("write ARN", 403), ("read JFK", 200)]
)
def test_the_key_scope_matrix(org, keys, path, key, status):
    response = ApiClient(keys[key]).get(path)

    assert response.status_code == status


@pytest.mark.parametrize("path", FILTERED)
@pytest.mark.parametrize(
    ("filters", "status"),
    [
        ({"location": "jfk"}, 403),
        ({"location": "arn"}, 200),
        ({"location": 99999}, 403),
        ({"team": "jfk_desk"}, 403),
        ({"team": "arn_desk"}, 200),
        ({"team": 99999}, 403),
    ],
)
def test_filters_outside_the_keys_locations_are_refused(org, keys, path, filters, status):
    params = {k: org[v].pk if isinstance(v, str) else v for k, v in filters.items()}

    response = ApiClient(keys["read ARN"]).get(path, params)

    assert response.status_code == status
    if status == 403:
        assert response.json()["detail"] in REFUSED


def test_a_refusal_says_the_same_for_a_location_that_exists_and_one_that_does_not(api, org):
    other = api.get("/api/v1/figures", {"location": org["jfk"].pk})
    missing = api.get("/api/v1/figures", {"location": 99999})

    assert other.json() == missing.json()


# -- figures match the CSV -------------------------------------------------------------------


def csv_rows(client, params) -> list[dict]:
    response = client.get("/dashboard/export/figures.csv", params)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def as_csv(value) -> str:
    return "" if value is None else str(value)


def test_the_figures_match_the_csv_on_random_selections(client, org, agent, admin_user):
    """The same selection through the dashboard's CSV and the API gives the same cells."""
    chance = random.Random(22)
    now = timezone.now()
    for _ in range(60):
        add_moment(
            agent,
            chance.choice([org["desk"], org["bag_drop"], org["boarding"]]),
            outcome=chance.randint(1, 5),
            resolved=chance.choice([True, False, None]),
            channel=chance.choice(["phone", "in_person", "chat"]),
            occurred_at=now - timedelta(days=chance.randint(0, 40), hours=chance.randint(0, 5)),
            answer={"csat": chance.randint(1, 5), "nps": chance.randint(0, 10)}
            if chance.random() < 0.6
            else None,
        )
    roll_up_everything()
    _, plain = create_key("BI", [org["arn"], org["jfk"]], read=True)
    api = ApiClient(plain)
    client.login(username=admin_user.username, password=PASSWORD)
    choices = {
        "period": ["1", "7", "30", "90"],
        "channel": ["", "phone", "chat"],
        "type": ["", org["desk"].pk, org["bag_drop"].pk],
        "location": ["", org["arn"].pk],
        "team": ["", org["arn_desk"].pk],
    }
    for _ in range(8):
        params = {name: chance.choice(options) for name, options in choices.items()}
        params = {name: value for name, value in params.items() if value != ""}
        dashboard = {("touchpoint_type" if n == "type" else n): v for n, v in params.items()}

        expected = csv_rows(client, dashboard)
        answered = api.get("/api/v1/figures", params).json()["figures"]

        assert [{k: as_csv(v) for k, v in row.items()} for row in answered] == expected, params
