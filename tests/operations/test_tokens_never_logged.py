"""A customer's link is the key to their answer page: no log line carries it. A refusal (403)
is one warning line, without a traceback."""

import logging

import pytest
from django.urls import reverse

from feedback.models import new_token
from tests.feedback.conftest import invitation, moment  # noqa: F401  (fixtures)


def test_a_not_found_warning_names_the_page_but_not_the_token(client, db, caplog):
    token = new_token()
    response = client.get(reverse("feedback:answer", args=[token]))
    assert response.status_code == 404
    assert "Not Found: /r/<token>/" in caplog.text
    assert token not in caplog.text


def test_a_refused_method_on_a_live_link_logs_no_token(client, invitation, caplog):  # noqa: F811
    response = client.put(reverse("feedback:answer", args=[invitation.token]))
    assert response.status_code == 405
    assert "/r/<token>/" in caplog.text
    assert invitation.token not in caplog.text


def test_a_cut_off_link_logs_no_part_of_it(client, db, caplog):
    partial = new_token()[:12]
    assert client.get(f"/r/{partial}/").status_code == 404
    assert partial not in caplog.text


@pytest.mark.parametrize(
    ("logger", "message", "args"),
    [
        # runserver's request line
        ("django.server", '"%s" %s %s', ("GET /r/{token}/ HTTP/1.1", "404", "179")),
        # gunicorn's access log: a format of atoms and a dict of them
        (
            "gunicorn.access",
            '%(h)s "%(r)s" %(s)s',
            {"h": "192.0.2.1", "r": "GET /r/{token}/ HTTP/1.1", "s": "200"},
        ),
    ],
)
def test_server_and_access_log_lines_carry_no_token(caplog, logger, message, args):
    token = new_token()
    if isinstance(args, dict):
        args = ({name: value.format(token=token) for name, value in args.items()},)
    else:
        args = tuple(value.format(token=token) for value in args)
    with caplog.at_level(logging.INFO, logger=logger):
        logging.getLogger(logger).info(message, *args)
    assert "GET /r/<token>/ HTTP/1.1" in caplog.text
    assert token not in caplog.text


def test_other_paths_are_logged_as_they_are(client, db, caplog):
    client.get("/no-such-page/")
    assert "Not Found: /no-such-page/" in caplog.text


def test_a_refused_page_is_one_warning_line_without_a_traceback(client, agent, caplog):
    client.force_login(agent)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("dashboards:dashboard")).status_code == 403
    [refused] = [r for r in caplog.records if r.name == "django.request"]
    assert refused.getMessage() == "Forbidden (Permission denied): /dashboard/"
    assert refused.exc_info is None
    assert "Traceback" not in caplog.text
