"""Every configuration page's context is Django's own; only the app list waits to be read."""

from django.contrib.admin import AdminSite
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils.functional import empty

from touchpoints.configuration.site import site


def test_every_page_gets_djangos_context_with_the_app_list_built_only_when_read(role_admin):
    request = RequestFactory().get("/admin/touchpoints/location/add/")
    request.user = role_admin
    ours, django = site.each_context(request), AdminSite.each_context(site, request)

    assert ours.keys() == django.keys()  # a key a newer Django adds shows up here
    assert ours["available_apps"]._wrapped is empty  # not built until a page reads it
    for key in django.keys() - {"available_apps", "log_entries"}:
        assert ours[key] == django[key], key
    assert list(ours["available_apps"]) == django["available_apps"]
    assert list(ours["log_entries"]) == list(django["log_entries"])


def test_a_persons_roles_come_with_them_not_from_a_query_per_question(client, agent, role_admin):
    # Every request asks for the role, some also for the data-protection duty: those were a
    # query or two each on every page, refused or not (touchpoints/people/sign_in.py).
    for person, url, status in ((agent, "/admin/", 403), (role_admin, "/admin/", 200)):
        client.force_login(person)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == status
        asked = [sql for sql in (query["sql"] for query in queries) if "auth_group" in sql[:30]]
        assert not asked, asked
