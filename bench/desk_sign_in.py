"""Desk sign-in and a switch of person: the server's time, p50/p95/p99. Goal: p95 < 300 ms.

A registered desk tablet (its cookie in Django's test client, in this process) signs in one
person by PIN, then switches to a second: "Switch person" (POST /logout/), the desk screen
(GET /desk/), the second person's PIN (POST /desk/<id>/). Each request goes through every
middleware, the session in PostgreSQL and the PIN's hash, as under gunicorn, but without
the network, so the figures are the server's time. A password sign-in (POST /login/ with
the production password hasher) is measured in the same run as the baseline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/moments_bench \\
    REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/desk_sign_in.py

Options: --iterations 300 --baseline 20. The database named in DATABASE_URL is migrated and
gets a BENCHDESK location with two people and a desk.
"""

import argparse
import base64
import logging
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
# Production settings (DEBUG off, real hashers) on the test client's host, without HTTPS.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("CUSTOMER_REF_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("CONTACT_KEYS", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
os.environ.update(SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0", ALLOWED_HOSTS="testserver")
PASSWORD = "bench-desk-password"
WARM_UP = 5
PINS = {"bench-desk-a": "40718", "bench-desk-b": "52839"}


def set_up():
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from touchpoints.models import Desk, DeskSignIn, Location, Role, Team, User
    from touchpoints.people import desks
    from touchpoints.people.pins import set_pin

    call_command("migrate", verbosity=0)
    location, _ = Location.objects.get_or_create(
        code="BENCHDESK", defaults={"name": "Bench desk airport", "timezone": "Europe/Oslo"}
    )
    team, _ = Team.objects.get_or_create(name="Bench check-in", location=location)
    frontline = Group.objects.get(name=Role.FRONTLINE)
    people = []
    for username, pin in PINS.items():
        person, _ = User.objects.get_or_create(username=username, defaults={"team": team})
        person.set_password(PASSWORD)
        person.pin = ""
        person.save()
        person.groups.add(frontline)
        set_pin(person, pin)
        people.append(person)
    Desk.objects.filter(location=location).delete()
    DeskSignIn.objects.filter(person__in=people).delete()
    desk, secret = desks.register(location, "Bench desk", by=None)
    return people, desk, secret


def desk_client(desk, secret):
    from django.core import signing
    from django.test import Client

    from touchpoints.people import desks

    client = Client()
    signer = signing.get_cookie_signer(salt=desks.COOKIE + desks.SALT)
    client.cookies[desks.COOKIE] = signer.sign(f"{desk.pk}:{secret}")
    return client


def timed(call) -> float:
    started = time.perf_counter()
    response = call()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 302:
        raise SystemExit(f"unexpected {response.status_code}: {response.content[:200]!r}")
    return elapsed


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    return f"p50 {at(0.5):6.1f}  p95 {at(0.95):6.1f}  p99 {at(0.99):6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--baseline", type=int, default=20)
    options = parser.parse_args()
    (first, second), desk, secret = set_up()
    from machine import django_speed

    logging.getLogger("axes").setLevel(logging.WARNING)  # a line per sign-in otherwise
    client = desk_client(desk, secret)
    pin_url = {person: f"/desk/{person.pk}/" for person in (first, second)}
    sign_in, switch, both = [], [], []
    for round_ in range(WARM_UP + options.iterations):
        a = timed(lambda: client.post(pin_url[first], {"pin": PINS[first.username]}))
        b = timed(lambda: client.post("/logout/", {"next": "/desk/"}))
        b += timed_get(client, "/desk/")
        b += timed(lambda: client.post(pin_url[second], {"pin": PINS[second.username]}))
        client.post("/logout/", {"next": "/desk/"})  # ready for the next round, not timed
        if round_ >= WARM_UP:  # the first rounds import and compile what the rest reuse
            sign_in.append(a), switch.append(b), both.append(a + b)
    baseline = []
    for _ in range(options.baseline):
        form = {"username": first.username, "password": PASSWORD}
        baseline.append(timed(lambda form=form: client.post("/login/?password=1", form)))
        client.post("/logout/")
    print(django_speed())
    print(f"load average: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    print(f"{options.iterations} rounds of a desk sign-in and a switch of person (server time):")
    print(f"  desk sign-in (PIN)                   {percentiles(sign_in)}")
    print(f"  switch (sign-out, desk screen, PIN)  {percentiles(switch)}")
    print(f"  sign-in + switch                     {percentiles(both)}   goal: p95 < 300 ms")
    print(f"  baseline: password sign-in ({options.baseline}x)    {percentiles(baseline)}")
    ratio = sorted(sign_in)[len(sign_in) // 2] / sorted(baseline)[len(baseline) // 2]
    print(f"  desk sign-in p50 / password sign-in p50 = {ratio:.2f}")


def timed_get(client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"unexpected {response.status_code} for {path}")
    return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    main()
