"""Run as a script by test_embedded_default.py, in the embedded default (no DATABASE_URL,
no REDIS_URL: SQLite and in-process tasks), as `make run` starts Moments on a new machine.

It migrates, loads the demo airline, then opens every page each demo role reaches by
following links from its start page, and prints each one that answered 5xx.
"""

import os
import sys
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from dashboards.demo import BY_LANGUAGE, MANAGERS, PASSWORD  # noqa: E402

PAGES_PER_ROLE = 150
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


def walk(username: str, start: str) -> list[str]:
    """Every page `username` reaches from `start`, breadth first; the ones that failed."""
    client = Client(raise_request_exception=False)
    assert client.login(username=username, password=PASSWORD), username
    seen, queue, failed = {start}, deque([start]), []
    while queue and len(seen) <= PAGES_PER_ROLE:
        path = queue.popleft()
        response = client.get(path, HTTP_HOST="localhost")
        if response.status_code >= 500:
            failed.append(f"{username} {path} {response.status_code}")
        kind = response.get("Content-Type", "")
        if response.status_code != 200 or not kind.startswith("text/html"):
            continue
        parser = Links()
        parser.feed(response.content.decode())
        for link in parser.found:
            # One visit per path and query shape: the admin's sort links alone are hundreds.
            if link not in seen and not link.startswith(SKIP) and urlsplit(link).path:
                seen.add(link)
                queue.append(link)
    print(f"{username}: {len(seen)} pages", flush=True)
    return failed


def main() -> int:
    call_command("migrate", verbosity=0)
    call_command("demo_data", days=14, verbosity=0)
    roles = {"admin": "/admin/", next(iter(MANAGERS)): "/dashboard/", "agent": "/log/"}
    roles[BY_LANGUAGE["sv"]] = "/log/"
    failed = [line for username, start in roles.items() for line in walk(username, start)]
    print("\n".join(failed) or "no page failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
