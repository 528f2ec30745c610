"""Factories and fixtures shared by every test: an airline with two airports."""

import gc
import os
import secrets
import socket
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock
from urllib.parse import urlparse

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import OperationalError, connections, transaction
from django.test import Client, override_settings
from django.test.testcases import QuietWSGIRequestHandler
from django.utils import timezone, translation
from pytest_django.fixtures import validate_django_db

from config.celery import app as celery_app
from touchpoints.models import JourneyStage, Location, Role, Team, TouchpointType, User
from touchpoints.people.pins import PinHasher

# Each xdist worker's test database is a copy of one migrated once (tests/cloned_database.py);
# each run of a module's tests goes to one worker (tests/module_runs.py).
pytest_plugins = ["tests.cloned_database", "tests.module_runs"]

IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "moments-test-pw"


def skip_or_fail(reason: str) -> None:
    """Skip a test whose real service is missing; under CI that is a failure, never a skip."""
    if IN_CI:
        pytest.fail(f"CI must exercise the real services: {reason}")
    pytest.skip(reason)


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


# The modules whose tests take longest (a minute to ten seconds each, `--durations=50`),
# longest first. They run first among tests of their kind (below), so that each of
# pytest-xdist's workers ends on short tests and neither waits idle for the other's last
# long one.
LONGEST_FIRST = [
    "tests/test_accessibility_browser.py",
    "tests/operations/test_upgrade_round_trip.py",
    "tests/operations/test_embedded_default.py",
    "tests/faults/test_redis_outage.py",
    "tests/operations/test_index_ownership.py",
    "tests/feedback/test_contact_never_leaks.py",
    "tests/operations/test_backup_restore.py",
    "tests/dashboards/test_worker.py",
    "tests/touchpoints/test_nothing_left_browser.py",
    "tests/test_hostile_input.py",
    "tests/dashboards/test_rollup_fanout.py",
    "tests/feedback/test_erasure_after_a_kill.py",
    "tests/feedback/test_recovery_queue_browser.py",
]


def database_order(item) -> int:
    """pytest-django's order, which every worker must keep: tests rolled back in their
    transaction first, then tests that commit (after each, every table is emptied, the
    rows of data migrations too: starting themes, role groups), then those with no database.
    xdist's default scheduling hands each worker its tests in collection order."""
    marker = item.get_closest_marker("django_db")
    commits = marker is not None and any(validate_django_db(marker)[:2])
    if commits or {"transactional_db", "live_server"} & set(item.fixturenames):
        return 1
    return 0 if marker is not None or "db" in item.fixturenames else 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Whole modules move, in their own order: a module's shared fixtures are built once."""
    rank = {path: place for place, path in enumerate(LONGEST_FIRST)}
    items.sort(
        key=lambda item: (
            database_order(item),
            rank.get(item.nodeid.split("::")[0], len(rank)),
        )
    )


def pytest_collection_finish(session):
    """Django, the test modules and what they import are some 200,000 objects that live for
    the whole run. Python's full garbage collections walk them every time, about 200 ms
    each: frozen once collected, they are left out (gc.freeze), and a worker spends about a
    tenth less CPU."""
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def _tasks_run_in_process(settings):
    """Tests run roll-up tasks in-process, after every save, unless a test starts a worker."""
    settings.ROLLUP_REQUEST_SECONDS = 0
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Each test starts in English, as a management command does. A request in Swedish leaves
    Swedish active in its thread (Django never switches back), and a name given then would be
    stored as the Swedish one (touchpoints/translation.py)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    # Real hashing costs a quarter second per login; tests log in hundreds of times. For the
    # whole session, so that people built once for a module (shared_world.py) log in too.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True, scope="session")
def _fast_pin_hashing():
    # The same for desk PINs, which have their own hasher (touchpoints/people/pins.py): the
    # demo airline alone gives 30 people a PIN, at about 40 ms each on a busy CI machine.
    # Processes the tests start (manage.py, the embedded walk) keep the real count.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PinHasher, "iterations", 1)
        yield


GIVE_UP_ON_A_LOCK = "SET LOCAL lock_timeout = '100ms'"


@pytest.fixture(autouse=True, scope="session")
def _static_files_listed_once():
    """Django's test client loads the middleware again for each new client, and WhiteNoise
    then lists and stats every static file of every app (about 190): 10-30 ms for nearly
    every test, about a fifteenth of a worker's CPU. The files do not change during a run;
    the listing is kept per static setting, should a test ever change those."""
    from whitenoise.middleware import WhiteNoiseMiddleware

    list_files = WhiteNoiseMiddleware.add_files_from_finders
    listings = {}

    def listed_once(self):
        key = (
            self.static_prefix,
            self.max_age,
            self.charset,
            self.allow_all_origins,
            self.add_headers_function,
            self.index_file,
            repr(settings.STATICFILES_DIRS),
            tuple(settings.STATICFILES_FINDERS),
            tuple(settings.INSTALLED_APPS),
        )
        if key not in listings:
            kept, self.files = self.files, {}
            list_files(self)
            listings[key], self.files = self.files, kept
        self.files.update(listings[key])

    WhiteNoiseMiddleware.add_files_from_finders = listed_once
    yield
    WhiteNoiseMiddleware.add_files_from_finders = list_files


@pytest.fixture(autouse=True, scope="session")
def _empty_tables_by_delete():
    """After each transactional test (every browser test, every worker test) pytest-django
    empties the database with one TRUNCATE of every table. On PostgreSQL that makes and syncs
    new files for each table: about a second, 150 times a run. The tables hold a few rows by
    then, and DELETE empties them in milliseconds, with no trigger run (foreign keys
    included), so the order does not matter. Sequences are left alone, as Django's flush
    leaves them without reset_sequences.

    Content types, permissions and the role groups with their permissions are kept, and
    no test changes them (people's groups are emptied with the people): so the flush's
    post_migrate, which only makes those rows (touchpoints/apps.py), is not sent. It looked
    each of them up again, 30-50 ms after every transactional test. `migrate` still sends it.
    """
    from django.core.management.commands import flush as flush_command
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush
    kept = {"django_content_type", "auth_permission", "auth_group", "auth_group_permissions"}

    def delete(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # Without triggers for this transaction (SET LOCAL): the roll-up journal's would
        # note every deleted moment, reading the other raw tables, while a request the
        # browser left running writes them: they deadlocked. Emptying every table needs
        # no foreign key checked either.
        return ["SET LOCAL session_replication_role = replica", GIVE_UP_ON_A_LOCK] + [
            f"DELETE FROM {self.quote_name(table)}" for table in tables if table not in kept
        ]

    flush = DatabaseOperations.execute_sql_flush

    def flush_again_after_a_deadlock(self, sql_list):
        """A request the browser left running can still be writing moments: its journal
        rows and the flush's deletes may wait on each other, and PostgreSQL then cancels
        one side, but only after deadlock_timeout (1 s, in one browser test in four). The
        flush gives up on a lock after 100 ms instead; the request is over by the next try,
        and the last try waits as long as it takes."""
        for attempt in range(5):
            last = attempt == 4
            try:
                return flush(
                    self, [sql for sql in sql_list if not last or sql != GIVE_UP_ON_A_LOCK]
                )
            except OperationalError as error:
                if last or not any(why in str(error) for why in ("deadlock", "lock timeout")):
                    raise
                time.sleep(0.2)

    post_migrate = flush_command.emit_post_migrate_signal
    DatabaseOperations.sql_flush = delete
    DatabaseOperations.execute_sql_flush = flush_again_after_a_deadlock

    def post_migrate_where_rows_went(verbosity, interactive, database, **kwargs):
        # SQLite's flush deletes every table, the kept ones too: they are made again there.
        if connections[database].vendor != "postgresql":
            post_migrate(verbosity, interactive, database, **kwargs)

    flush_command.emit_post_migrate_signal = post_migrate_where_rows_went
    yield
    DatabaseOperations.sql_flush = truncate
    DatabaseOperations.execute_sql_flush = flush
    flush_command.emit_post_migrate_signal = post_migrate


@pytest.fixture(autouse=True)
def _no_remembered_sign_in_locks():
    """A web process remembers account locks for a few seconds; each test starts afresh."""
    from touchpoints.people.throttle import RECENT_LOCKS

    RECENT_LOCKS.clear()
    yield
    RECENT_LOCKS.clear()


@pytest.fixture
def postgres():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        skip_or_fail("needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.fixture
def redis_url() -> str:
    url = settings.REDIS_URL  # under pytest-xdist, this worker's own database
    if not url or not reachable(url, 6379):
        skip_or_fail("needs Redis: set REDIS_URL=redis://...")
    return url


def process_env(**overrides: str) -> dict[str, str]:
    """The environment of a process a test starts (gunicorn, a worker, beat): production
    settings with keys of their own (unless the run has some) and plain HTTP, which is what
    the test speaks to it."""
    keys = {name: secrets.token_urlsafe(50) for name in ("SECRET_KEY", "CUSTOMER_REF_KEY")}
    keys["CONTACT_KEYS"] = Fernet.generate_key().decode()
    plain_http = {"SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0", "SECURE_HSTS_SECONDS": "0"}
    # The process uses this test worker's Redis database, or the one it is given, as it is:
    # without PYTEST_XDIST_WORKER its settings do not pick a database of their own.
    environment = {**keys, **os.environ, **plain_http}
    environment.pop("PYTEST_XDIST_WORKER", None)
    if settings.REDIS_URL:
        environment["REDIS_URL"] = settings.REDIS_URL
    return {**environment, **overrides}


def make_user(username: str, role: Role, team: Team | None = None, **extra) -> User:
    user = User.objects.create_user(username, password=PASSWORD, team=team, **extra)
    user.groups.add(Group.objects.get(name=role))
    return user


def build_org() -> dict:
    """Two airports in different time zones, a team in each, and three touchpoint types."""
    arn = Location.objects.create(name="Stockholm Arlanda", code="ARN", timezone="Europe/Stockholm")
    jfk = Location.objects.create(name="New York JFK", code="JFK", timezone="America/New_York")
    check_in = JourneyStage.objects.create(name="Check-in", order=1)
    gate = JourneyStage.objects.create(name="Gate", order=2)
    return {
        "arn": arn,
        "jfk": jfk,
        "arn_desk": Team.objects.create(name="Check-in desk", location=arn),
        "jfk_desk": Team.objects.create(name="Check-in desk", location=jfk),
        "bag_drop": TouchpointType.objects.create(name="Bag drop", stage=check_in, icon="luggage"),
        "desk": TouchpointType.objects.create(name="Check-in desk", stage=check_in, icon="id-card"),
        "boarding": TouchpointType.objects.create(
            name="Boarding", stage=gate, icon="plane-takeoff"
        ),
    }


def build_agent(org) -> User:
    return make_user("anna", Role.FRONTLINE, team=org["arn_desk"], first_name="Anna")


def build_jfk_agent(org) -> User:
    return make_user("jack", Role.FRONTLINE, team=org["jfk_desk"])


def build_arn_manager(org) -> User:
    manager = make_user("maria", Role.MANAGER)
    manager.managed_locations.add(org["arn"])
    return manager


def build_admin_user(org) -> User:
    return make_user("root", Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def org(db):
    return build_org()


@pytest.fixture
def agent(org) -> User:
    return build_agent(org)


@pytest.fixture
def jfk_agent(org) -> User:
    return build_jfk_agent(org)


@pytest.fixture
def arn_manager(org) -> User:
    return build_arn_manager(org)


@pytest.fixture
def admin_user(org) -> User:
    return build_admin_user(org)


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """One transaction around a module whose tests read data built once for all of them
    (tests/shared_world.py): each test still runs in a savepoint inside it (pytest-django's
    `db`, which such a module turns on with its django_db mark), and the whole is rolled back
    after the module. Not for a module with transactional tests: their flush would empty it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def moment_post(touchpoint_type, **overrides) -> dict:
    """What the log screen posts for one moment."""
    data = {
        "uuid": str(uuid.uuid4()),
        "touchpoint_type": touchpoint_type.pk,
        "channel": "in_person",
        "outcome": 4,
        "resolved_on_spot": "yes",
        "note": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# Debian's build of Chromium's headless shell (package chromium-headless-shell, the same
# source and version as the package chromium) is what Playwright itself runs for headless
# tests: a page costs it a quarter of the CPU of the whole browser in headless mode, and the
# browser tests are most of the suite's CPU (docs/performance.md, "The headless shell").
# Without it, or with TEST_CHROMIUM=/usr/bin/chromium, the tests drive the whole browser.
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
CHROMIUM = os.environ.get("TEST_CHROMIUM") or (
    HEADLESS_SHELL if os.path.exists(HEADLESS_SHELL) else "/usr/bin/chromium"
)
TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True, "is_mobile": True}


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium driven by Playwright (Playwright cannot download its own here)."""
    if not os.path.exists(CHROMIUM):
        skip_or_fail(
            f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium-headless-shell)"
        )
    # Playwright's sync API keeps an event loop in this thread; the ORM calls that tests
    # make between browser steps are still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        # The log screen's service worker, installed in each new context, fetches the log
        # screen, its static files and the script catalogue again: a tenth of the browser
        # tests' CPU. Tests of the offline tablet (marked service_worker) keep it.
        new_context = browser.new_context
        browser.new_context = lambda **options: new_context(
            **{"service_workers": SERVICE_WORKERS["mode"], **options}
        )
        yield browser
        browser.close()


# The live server writes a response's headers and its body in two sends. With Nagle's
# algorithm on, the body waits until the browser acknowledges the headers, and the browser
# delays that acknowledgement 40 ms (Linux): about half the page loads, and the script
# catalogue that each page waits for, lost 40 ms each.
QuietWSGIRequestHandler.disable_nagle_algorithm = True

SERVICE_WORKERS = {"mode": "block"}


@pytest.fixture(autouse=True)
def _service_workers_where_marked(request):
    marked = request.node.get_closest_marker("service_worker") is not None
    SERVICE_WORKERS["mode"] = "allow" if marked else "block"


@pytest.fixture
def tablet(chromium, live_server):
    """A fresh tablet-sized, touch-enabled browser page on the live server."""
    context = chromium.new_context(base_url=live_server.url, **TABLET)
    page = context.new_page()
    yield page
    context.close()


def log_in(page, username: str) -> None:
    """Sign `username` in on the page and open their home screen, as a sign-in would.

    Django's own login() runs on the server (every user_logged_in rule applies: the shift's
    end, the desk, the sign-in address) and the browser gets its session cookie: one page
    load instead of the form's three, in a suite with a hundred sign-ins on two cores.
    Sign-in itself is tested through the form (`log_in_through_the_form`)."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    cookie = {"name": settings.SESSION_COOKIE_NAME, "domain": "localhost", "path": "/"}
    cookie["value"] = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{**cookie, "httpOnly": True, "sameSite": "Lax"}])
    page.goto("/")


def log_in_through_the_form(page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


@pytest.fixture
def role_admin(org) -> User:
    """An admin by role only: no superuser or staff flag. The role is what opens configuration."""
    return make_user("ada", Role.ADMIN, first_name="Ada", last_name="Admin")


@pytest.fixture
def jfk_manager(org) -> User:
    """Manager of JFK only: the "manager of B" of the dashboard's permission matrix."""
    manager = make_user("mike", Role.MANAGER, email="mike@example.com")
    manager.managed_locations.add(org["jfk"])
    return manager


def calendar_days_ago(location, days: int, **earlier) -> datetime:
    """This time `days` days ago on the location's own calendar, less `earlier` (minutes=5):
    steps of 24 hours land twice on one day, or skip one, where the clocks change."""
    return timezone.localtime(timezone.now(), location.tz) - timedelta(days=days, **earlier)


def add_moment(staff, touchpoint_type, outcome=4, resolved=True, answer=None, **fields):
    """A moment `staff` logged, answered by the customer when `answer` is given (a dict of
    csat, nps, effort, comment); roll it up with `roll_up_everything`."""
    from feedback.invitations import invitation_for, record_answer
    from feedback.models import Answer
    from touchpoints.models import Moment

    moment = Moment(
        staff=staff,
        team=staff.team,
        location=staff.team.location,
        touchpoint_type=touchpoint_type,
        outcome=outcome,
        resolved_on_spot=resolved,
        **fields,
    )
    moment.save()
    if answer is not None:
        record_answer(invitation_for(moment), Answer(**answer))
    return moment


def roll_up_everything() -> None:
    """Rebuild every bucket that has moments or needs, as the worker would."""
    from dashboards.rollup import rebuild_buckets
    from touchpoints.models import Moment, Need

    buckets = set(Moment.objects.values_list("location_id", "local_date"))
    buckets |= set(Need.objects.values_list("location_id", "local_date"))
    rebuild_buckets(buckets)


@contextmanager
def built_in_one_commit():
    """Build many rows in one transaction, then roll up the buckets it marked, once each.

    Each save asks for its bucket's roll-up when the transaction commits (tests run that
    at once, unthrottled): a few hundred saves into a few buckets would roll each bucket up
    a few hundred times over. The marks stay, and one pass over them leaves the same
    figures, as beat's sweep would. Each answered comment asks for its themes the same
    way: they are tagged together, in one batch, as the worker's walk does."""
    from dashboards.rollup import rebuild_dirty
    from feedback import invitations
    from feedback.themes.retag import tag_answers
    from touchpoints import dirty_days

    answers = []
    with (
        mock.patch.object(dirty_days, "request_rollup"),
        mock.patch.object(invitations, "request_tagging", answers.append),
        transaction.atomic(),
    ):
        yield
    tag_answers(answers)
    rebuild_dirty()


PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


@pytest.fixture
def phone(chromium, live_server):
    """A fresh phone-sized, touch-enabled browser page on the live server: the customer's."""
    context = chromium.new_context(base_url=live_server.url, **PHONE)
    page = context.new_page()
    yield page
    context.close()


AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"


def serious_accessibility_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now."""
    # Evaluated through the DevTools protocol: an added <script> would break the page's policy.
    page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def screenshot(page, name: str, **options) -> None:
    """Refresh docs/screenshots/<name>.png, only when asked (SCREENSHOTS=1, `make screenshots`):
    an ordinary test run must leave the tree clean."""
    if os.environ.get("SCREENSHOTS") == "1":
        page.screenshot(path=SCREENSHOTS / f"{name}.png", **options)


def look_at(page, name: str, **options) -> None:
    """A picture of the screen in the folder SHOTS names, to look at while changing it; none
    when SHOTS is unset, as in every ordinary run: no test reads one, and each costs Chromium
    about 90 ms."""
    if folder := os.environ.get("SHOTS"):
        page.screenshot(path=f"{folder}/{name}.png", **options)
