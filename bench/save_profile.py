"""Where one frontline save's time goes: each middleware, the session, the person, the form,
the transaction, Redis, the JSON answer, and the database's round trips, beside the bare
insert of bench/log_save.py.

Runs in this process, through Django's own WSGI handler (what gunicorn calls), one request
at a time, so that nothing queues: the figures are what a save costs, not what it waits.
Each part is timed by a wrapper around it; the database's round trips are counted from
libpq's own trace of the connection, Redis's from the commands redis-py sends.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/moments_saveperf_bench \\
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/save_profile.py

Options: --saves 400 (measured, after as many to warm up), --trace (print one save's
statements as libpq sent them). Uses bench/log_save.py's BENCH location and tablets.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from log_save import PASSWORD, set_up  # noqa: E402  (sets settings)

# One request's seconds per part: wall clock, and this thread's CPU (labels ending "cpu").
spent: dict[str, float] = defaultdict(float)
counted: dict[str, int] = defaultdict(int)


def clock() -> tuple[float, float]:
    return time.perf_counter(), time.thread_time()


def add(label: str, started: tuple[float, float]) -> None:
    wall, cpu = clock()
    spent[label] += wall - started[0]
    spent[f"{label} cpu"] += cpu - started[1]


def timed(owner, name: str, label: str) -> None:
    """Wrap owner.name so that the time in it adds to spent[label]."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        started = clock()
        try:
            return original(*args, **kwargs)
        finally:
            add(label, started)
            counted[label] += 1

    setattr(owner, name, wrapper)


def time_middleware() -> list[str]:
    """Each middleware's own time: the time in it less the time in what it calls. Its
    process_view hook, which Django calls after the last middleware, counts as its own."""
    from django.core.handlers import base
    from django.utils.module_loading import import_string

    names = []

    def load(path: str):
        found = import_string(path)
        if not path.startswith(("django.", "whitenoise.", "csp.", "axes.", "config.", "feedback.")):
            return found
        name = path.rsplit(".", 1)[1]
        names.append(name)

        def factory(get_response):
            def inner(request):
                started = clock()
                try:
                    return get_response(request)
                finally:
                    add(f"inner {name}", started)

            return TimedMiddleware(found(inner), name)

        return factory

    base.import_string = load
    return names


class TimedMiddleware:
    def __init__(self, instance, name: str):
        self.instance, self.name = instance, name

    def __call__(self, request):
        started = clock()
        try:
            return self.instance(request)
        finally:
            add(f"outer {self.name}", started)

    def __getattr__(self, hook: str):
        method = getattr(self.instance, hook)  # AttributeError: Django skips the hook

        def wrapper(*args, **kwargs):
            started = clock()
            try:
                return method(*args, **kwargs)
            finally:
                add(f"hook {self.name}", started)

        return wrapper


def time_the_save() -> None:
    """The parts of the save path, by the functions that do them."""
    import django.http
    import redis
    from django.db.backends.postgresql.base import DatabaseWrapper

    import config.sessions
    import touchpoints.forms
    import touchpoints.views
    from touchpoints import dirty_days, loggable_types, sign_in

    timed(DatabaseWrapper, "is_usable", "db: connection check (SELECT 1)")
    timed(config.sessions.SessionStore, "load", "session: read")
    timed(sign_in.PersonBackend, "get_user", "person: read")
    timed(touchpoints.forms.MomentForm, "__init__", "form: build")
    timed(touchpoints.forms.MomentForm, "full_clean", "form: validate")
    timed(loggable_types, "_active_types", "form: the chosen type (kept types)")
    timed(touchpoints.views, "record_moment", "save: transaction")
    timed(dirty_days, "mark_days_dirty", "save: dirty-day mark")
    timed(dirty_days, "request_rollup", "save: roll-up request (after commit)")
    timed(django.http.JsonResponse, "__init__", "answer: JSON")
    timed(redis.Redis, "execute_command", "redis: commands")
    timed(redis.connection.AbstractConnection, "send_packed_command", "redis: round trips")


def count_statements() -> None:
    from django.db import connection

    def record(execute, sql, params, many, context):
        started = clock()
        try:
            return execute(sql, params, many, context)
        finally:
            add("db: statements through Django", started)
            counted["db: statements through Django"] += 1

    connection.execute_wrappers.append(record)


def wsgi_environ(path: str, form: dict, cookies: dict, headers: dict) -> dict:
    from django.test.client import FakePayload

    body = urlencode(form).encode()
    environ = {
        "REQUEST_METHOD": "POST" if form else "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "wsgi.url_scheme": "http",
        "wsgi.input": FakePayload(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if form:
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        environ["CONTENT_LENGTH"] = str(len(body))
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


class Tablet:
    def __init__(self, handler, fixture: dict):
        self.handler, self.fixture, self.cookies = handler, fixture, {}

    def request(self, path: str, form: dict | None = None, headers: dict | None = None):
        answer: dict = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            for name, value in response_headers:
                if name.lower() == "set-cookie":
                    key, _, rest = value.strip().partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]

        environ = wsgi_environ(path, form or {}, self.cookies, headers or {})
        response = self.handler(environ, start_response)
        body = b"".join(response)
        response.close()  # request_finished: what gunicorn does after sending
        return answer["status"], body.decode()

    def log_in(self, username: str) -> None:
        import re

        _, page = self.request("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        status, _ = self.request("/login/", form)
        assert status == 302, status

    def real_save(self) -> int:
        form = {
            "uuid": str(uuid.uuid4()),
            "team": self.fixture["team"],
            "touchpoint_type": self.fixture["type"],
            "channel": "in_person",
            "outcome": 4,
            "resolved_on_spot": "yes",
            "note": "",
            "occurred_at": datetime.now(UTC).isoformat(),
        }
        headers = {"Accept": "application/json", "X-CSRFToken": self.cookies["csrftoken"]}
        return self.request("/log/", form, headers)[0]

    def bare_save(self, username: str) -> int:
        return self.request("/bench/bare-save/", {"who": username, "outcome": 4})[0]


def round_trips_of(save) -> tuple[int, list[str]]:
    """The database round trips one call of `save` makes, from libpq's trace: a simple
    query ("Query") or an extended one ending in "Sync" is one trip."""
    import psycopg
    from django.db import connection

    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    with tempfile.TemporaryFile("w+") as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            save()
        finally:
            pgconn.untrace()
        trace.seek(0)
        sent = [line.split("\t") for line in trace.read().splitlines() if line.startswith("F")]
    # psycopg's own list of the statements it prepared, to name them by their SQL.
    prepared = {
        name.decode(): key[0].decode()
        for key, name in connection.connection._prepared._names.items()
    }
    shown, statement = [], ""
    for fields in sent:
        kind = fields[2]
        if kind == "Query":
            shown.append(fields[3].strip().strip('"'))
        elif kind == "Parse":
            statement = fields[3].strip().split('"')[3]
        elif kind == "Bind":
            name = fields[3].split('"')[3]
            statement = f"[prepared] {prepared.get(name, name)}" if name else statement
        elif kind == "Sync":
            shown.append(" ".join(statement.split())[:150])
            statement = ""
    return len(shown), shown


def measure(run, saves: int) -> list[dict[str, float]]:
    records = []
    for _ in range(saves):
        spent.clear()
        counted.clear()
        started = clock()
        status = run()
        add("total", started)
        assert status == 201, status
        record = dict(spent)
        record.update({f"n {k}": v for k, v in counted.items()})
        records.append(record)
    return records


def quieter_half(records: list[dict[str, float]]) -> dict[str, float]:
    """Means over the saves faster than the median: additive, and spared the moments when
    something else on the machine took the core."""
    cut = statistics.median(r["total"] for r in records)
    kept = [r for r in records if r["total"] <= cut]
    keys = {key for r in kept for key in r}
    return {key: sum(r.get(key, 0.0) for r in kept) / len(kept) for key in keys}


def both(d: dict, key: str) -> tuple[float, float]:
    return d.get(key, 0.0), d.get(f"{key} cpu", 0.0)


def minus(a: tuple[float, float], *others: tuple[float, float]) -> tuple[float, float]:
    return a[0] - sum(o[0] for o in others), a[1] - sum(o[1] for o in others)


def rows_of(names: list[str], d: dict) -> list[tuple[str, tuple[float, float], str]]:
    """(part, (wall, CPU), how it was measured) for one kind of request."""
    hooks = [both(d, f"hook {name}") for name in names]
    rows = [("whole request", both(d, "total"), "WSGIHandler(environ), as gunicorn calls it")]
    rows.append(
        (
            "Django's handler outside the middleware",
            minus(both(d, "total"), both(d, f"outer {names[0]}")),
            "request object, signals (connection check), response",
        )
    )
    for name, hook in zip(names, hooks, strict=True):
        own = minus(both(d, f"outer {name}"), both(d, f"inner {name}"))
        rows.append((f"middleware {name}", (own[0] + hook[0], own[1] + hook[1]), "own time"))
    rows.append(
        (
            "URL, view and its parts",
            minus(both(d, f"inner {names[-1]}"), *hooks),
            "inside the last middleware, less process_view hooks",
        )
    )
    for label in sorted(k for k in d if ":" in k and not k.endswith(" cpu") and k[:2] != "n "):
        rows.append((f"  {label}", both(d, label), f"{d.get(f'n {label}', 0):.2f} calls"))
    return rows


def report(names: list[str], real: dict, bare: dict) -> None:
    """A Markdown table: the real save and the bare insert, wall clock and CPU."""
    real_rows, bare_rows = (
        rows_of(names, real),
        dict((label, value) for label, value, _ in rows_of(names, bare)),
    )
    print("| part | real wall ms | real CPU ms | bare wall ms | bare CPU ms | measured |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for label, (wall, cpu), how in real_rows:
        bare_wall, bare_cpu = bare_rows.get(label, (0.0, 0.0))
        print(
            f"| {label} | {wall * 1000:.2f} | {cpu * 1000:.2f} | {bare_wall * 1000:.2f} |"
            f" {bare_cpu * 1000:.2f} | {how} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=400)
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (and REDIS_URL).")
    fixture = set_up(1)
    names = time_middleware()
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    time_the_save()
    count_statements()
    tablet = Tablet(handler, fixture)
    tablet.log_in("bench-00")
    for _ in range(args.saves):  # warm: connections, prepared statements, the types
        tablet.real_save()
        tablet.bare_save("bench-00")
    real_trips, real_sent = round_trips_of(tablet.real_save)
    bare_trips, bare_sent = round_trips_of(lambda: tablet.bare_save("bench-00"))
    real, bare = [], []
    for _ in range(4):  # alternate, so that both see the same machine
        real += measure(tablet.real_save, args.saves // 4)
        bare += measure(lambda: tablet.bare_save("bench-00"), args.saves // 4)
    print(f"{args.saves} saves of each kind, one at a time, in-process; means of the faster half")
    report(names, quieter_half(real), quieter_half(bare))
    print(f"\ndatabase round trips (libpq trace): real save {real_trips}, bare insert {bare_trips}")
    if args.trace:
        for title, sent in (("real save", real_sent), ("bare insert", bare_sent)):
            print(f"  {title}:")
            for line in sent:
                print(f"    {line}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    from config.celery import app

    app.control.purge()


if __name__ == "__main__":
    main()
