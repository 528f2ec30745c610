"""Nothing a shared tablet showed stays in its browser's cache: every staff response, for every
role, says `no-store`; so do the customer's answer pages. Static files keep their long cache,
and so does the scripts' message catalogue, which holds nothing of who asked."""

import re

import pytest
from django.apps import apps
from django.urls import URLResolver, get_resolver

from feedback.invitations import invitation_for
from tests.conftest import PASSWORD, add_moment, moment_post

pytestmark = pytest.mark.django_db

# What each kind of path parameter is filled with; `moment` and `token` are real ones.
SAMPLES = {
    "int": "1",
    "path": "1",
    "str": "nope",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "": "1",
}


def every_path(patterns=None, prefix: str = ""):
    """Every URL pattern of the site as a path to ask for (admin's included)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from every_path(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def concrete(route: str, moment, token: str) -> str:
    """`route` with each parameter filled: a real moment, a real token, a real admin object."""
    route = route.replace("<uuid:moment_uuid>", str(moment.uuid)).replace("<token:token>", token)
    if admin_model := re.match(r"admin/(\w+)/(\w+)/<", route):
        instance = apps.get_model(*admin_model.groups()).objects.order_by("pk").first()
        if instance is not None:
            route = re.sub(r"<(path:)?(object_id|id)>", str(instance.pk), route)
    route = route.replace("^(?P<app_label>axes|touchpoints|feedback)/$", "touchpoints/")
    route = route.replace("(?P<url>.*)$", "nowhere/")
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or ""], route)
    return "/" + route


@pytest.fixture
def sample(agent, org):
    moment = add_moment(agent, org["bag_drop"], note="Wheelchair at gate")
    return moment, invitation_for(moment).token


def swept(client, sample) -> dict[str, str]:
    """Every path of the site as `client` gets it: {path: its Cache-Control}."""
    moment, token = sample
    paths = [concrete(route, moment, token) for route in every_path()]
    paths += ["/dashboard/export/moments.csv?period=7d", "/dashboard/export/figures.xlsx"]
    return {path: client.get(path).get("Cache-Control", "") for path in paths}


@pytest.mark.parametrize("role", ["agent", "arn_manager", "role_admin", "admin_user"])
def test_every_staff_response_is_no_store_for_every_role(client, sample, role, request):
    person = request.getfixturevalue(role)
    assert client.login(username=person.username, password=PASSWORD)
    headers = swept(client, sample)
    kept = {path: header for path, header in headers.items() if "no-store" not in header}
    assert kept == {"/jsi18n/": "max-age=3600"}


def test_a_saved_moment_and_the_exports_are_no_store(client, agent, arn_manager, org):
    client.login(username=agent.username, password=PASSWORD)
    saved = client.post("/log/", moment_post(org["bag_drop"]), HTTP_ACCEPT="application/json")
    client.login(username=arn_manager.username, password=PASSWORD)
    exports = [client.get(f"/dashboard/export/{name}") for name in ("moments.csv", "moments.xlsx")]
    assert saved.status_code == 201
    assert [e.status_code for e in exports] == [200, 200]
    assert all("no-store" in r["Cache-Control"] for r in [saved, *exports])


def test_the_customers_answer_page_and_the_sign_in_page_are_no_store(client, sample):
    moment, token = sample
    pages = [client.get(f"/r/{token}/"), client.get("/login/"), client.get("/log/")]
    assert [page.status_code for page in pages] == [200, 200, 302]
    assert all("no-store" in page["Cache-Control"] for page in pages)


def test_static_files_keep_their_cache(client, agent):
    client.login(username=agent.username, password=PASSWORD)
    response = client.get("/static/js/log.js")
    assert response.status_code == 200
    assert "max-age" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]


@pytest.mark.parametrize("language, saved", [("sv", "Sparat"), ("da", "Gemt")])
def test_the_script_catalogue_is_kept_in_the_language_its_address_names(
    client, agent, language, saved
):
    """Every staff page loads it: kept, a slow network fetches it once an hour, not on every
    page. It holds no trace of the person, and a person reading another language on the same
    tablet asks for another address."""
    agent.language = "nb"
    agent.first_name = "Ingegerd"
    agent.save()
    client.login(username=agent.username, password=PASSWORD)
    response = client.get(f"/jsi18n/?l={language}")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=3600"
    assert f'"Saved": "{saved}"' in body  # the address's language, not the person's (nb)
    assert "Ingegerd" not in body
    assert body != client.get("/jsi18n/?l=nb").content.decode()
