"""Run as a script by test_embedded_default.py, in the embedded default (no DATABASE_URL,
no REDIS_URL: SQLite and in-process tasks), as `make run` starts Moments on a new machine.

It migrates (on the way through the indexes' move to the apps that own the tables, back
before it and forward again, printing the indexes then: test_embedded_default.py asks
test_index_ownership.py's question on SQLite of this process's database), loads the demo
airline, opens every page each demo role reaches by following links from its start page,
then saves a moment from the log screen and checks that the roll-up counts it at once (tasks
run in-process, after every save). It prints each page that answered 5xx and anything else
that went wrong.
"""

import json
import os
import sys
import uuid
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urldefrag, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.backends.signals import connection_created  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.test import Client  # noqa: E402

from dashboards.demo import BY_LANGUAGE, MANAGERS, PASSWORD  # noqa: E402
from dashboards.models import DailyRollup  # noqa: E402
from touchpoints.models import Moment, TouchpointType, User  # noqa: E402

# A bound on the pages a role's walk visits, above what each reaches (the admin: 411 path and
# query shapes, the configuration site's filters and sorts; it once stopped at 150 found,
# leaving more than half unvisited, unseen): a walk that reaches it fails, so that no page is
# left out without a word.
PAGES_PER_ROLE = 600
# The two migrations that adopt the dashboards' indexes, back before them and forward again.
INDEX_MOVE = [
    ("touchpoints", "0003_indexes_owned_here"),
    ("feedback", "0002_indexes_owned_here"),
    ("touchpoints", "0002"),
    ("feedback", "0001"),
    ("touchpoints", "0003_indexes_owned_here"),
    ("feedback", "0002_indexes_owned_here"),
]
# Links that end the session or change state on GET are left alone.
SKIP = ("/logout", "/static/", "/admin/logout", "/i18n/")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href and href.startswith("/") and not href.startswith("//"):
            self.found.append(urldefrag(href).url)


def shape(link: str) -> tuple[str, tuple[str, ...]]:
    """A link's path and the names in its query: ?team=2 and ?team=12 of a page run the same
    code, and the admin's sort and filter links are hundreds of one page."""
    address = urlsplit(link)
    return address.path, tuple(sorted(parse_qs(address.query, keep_blank_values=True)))


def walk(username: str, start: str) -> list[str]:
    """Every page `username` reaches from `start`, breadth first; the ones that failed."""
    client = Client(raise_request_exception=False)
    # Signed in without the password's hash (a third of a second each): every demo person
    # has the same one, and save_a_moment signs in with the password.
    client.force_login(User.objects.get(username=username))
    seen, queue, failed, visited = {shape(start)}, deque([start]), [], 0
    while queue:
        if visited == PAGES_PER_ROLE:
            failed.append(f"{username}: {len(queue)} pages left unvisited, raise PAGES_PER_ROLE")
            break
        path = queue.popleft()
        visited += 1
        response = client.get(path, HTTP_HOST="localhost")
        if response.status_code >= 500:
            failed.append(f"{username} {path} {response.status_code}")
        kind = response.get("Content-Type", "")
        if response.status_code != 200 or not kind.startswith("text/html"):
            continue
        parser = Links()
        parser.feed(response.content.decode())
        for link in parser.found:
            # One visit per path and query shape.
            if shape(link) not in seen and not link.startswith(SKIP) and urlsplit(link).path:
                seen.add(shape(link))
                queue.append(link)
    print(f"{username}: {visited} pages", flush=True)
    return failed


def rolled_up(location_id: int) -> int:
    return DailyRollup.objects.filter(location_id=location_id).aggregate(n=Sum("moments"))["n"]


def save_a_moment(username: str) -> list[str]:
    """A moment saved from the log screen is in the roll-up when the answer comes back."""
    client = Client(raise_request_exception=False)
    assert client.login(username=username, password=PASSWORD), username
    location = User.objects.get(username=username).team.location_id
    before = rolled_up(location)
    moment = {
        "uuid": str(uuid.uuid4()),
        "touchpoint_type": TouchpointType.objects.order_by("pk").first().pk,
        "channel": "in_person",
        "outcome": 2,
        "resolved_on_spot": "no",
        "note": "Bag left behind at the gate",
    }
    response = client.post("/log/", moment, HTTP_HOST="localhost")
    failed = [] if response.status_code < 400 else [f"{username} saving {response.status_code}"]
    if not Moment.objects.filter(uuid=moment["uuid"]).exists():
        failed.append(f"{username}: the moment was not saved")
    elif rolled_up(location) != before + 1:
        failed.append(f"{username}: the roll-up went from {before} to {rolled_up(location)}")
    return failed


def without_durability(sender, connection, **kwargs):
    """This run's database file is thrown away after it, so its writes need not survive a
    crash: no waiting for the disk at every commit, and the rollback journal in memory, not a
    file made and deleted per transaction. The migrations' SQL, and a rollback's undoing of
    it, are SQLite's as ever; `migrate` alone took 22 s instead of 5 s on a busy disk."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA journal_mode=MEMORY")


def index_names() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name")
        return [row[0] for row in cursor.fetchall()]


def main() -> int:
    connection_created.connect(without_durability)
    for app, name in INDEX_MOVE:
        call_command("migrate", app, name, verbosity=0)
    print("indexes after the move and back:", json.dumps(index_names()), flush=True)
    call_command("migrate", verbosity=0)
    call_command("demo_data", days=14, verbosity=0)
    roles = {"admin": "/admin/", next(iter(MANAGERS)): "/dashboard/", "agent": "/log/"}
    roles[BY_LANGUAGE["sv"]] = "/log/"
    failed = [line for username, start in roles.items() for line in walk(username, start)]
    # Last: a saved moment may leave the screen asking to hand the tablet to the customer.
    failed += save_a_moment("agent")
    print("\n".join(failed) or "no page failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
