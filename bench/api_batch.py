"""A batch of 1,000 moments through POST /api/v1/moments, beside a plain bulk insert.

The API's batch goes through everything a real call does in this process: the middleware,
the key's lookup and rate limit, JSON parsing and pydantic validation, the log form's
rules for every item, the INSERT with its idempotency by UUID, the dirty days, the audit
row, and the JSON answer. The baseline is Django's `bulk_create` of the same 1,000 rows,
with none of that. Rounds alternate so that both see the same machine; medians printed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/moments_api_bench \\
    REDIS_URL=redis://127.0.0.1:6379/11 .venv/bin/python bench/api_batch.py --rounds 5

Goals (issue #22): a batch in under 1 s, and the API at least 0.3x the bulk insert's rate.
"""

import argparse
import json
import os
import secrets
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("CUSTOMER_REF_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")
BATCH = 1000


def set_up() -> dict:
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from touchpoints.api_keys import ApiKey, ApiWrite, create_key
    from touchpoints.models import (
        DirtyDay,
        JourneyStage,
        Location,
        Moment,
        Role,
        Team,
        TouchpointType,
        User,
    )

    call_command("migrate", verbosity=0)
    location, _ = Location.objects.get_or_create(
        code="BENCH", defaults={"name": "Bench airport", "timezone": "Europe/Stockholm"}
    )
    Moment.objects.filter(location=location).delete()
    DirtyDay.objects.filter(location=location).delete()
    ApiWrite.objects.all().delete()
    ApiKey.objects.filter(name="bench").delete()
    team, _ = Team.objects.get_or_create(name="Bench desk", location=location)
    stage, _ = JourneyStage.objects.get_or_create(name="Bench")
    touchpoint_type, _ = TouchpointType.objects.get_or_create(name="Bench desk", stage=stage)
    people = []
    for number in range(20):
        user, created = User.objects.get_or_create(username=f"bench-{number:02}", team=team)
        if created:
            user.groups.add(Group.objects.get(name=Role.FRONTLINE))
        people.append(user)
    _key, plain = create_key("bench", [location], read=True, write=True)
    return {"type": touchpoint_type, "team": team, "people": people, "key": plain}


def batch(world: dict) -> list[dict]:
    now = datetime.now(UTC)
    return [
        {
            "uuid": str(uuid.uuid4()),
            "touchpoint_type": world["type"].pk,
            "team": world["team"].pk,
            "staff": world["people"][n % 20].username,
            "channel": "phone",
            "outcome": 1 + n % 5,
            "resolved_on_spot": n % 3 == 0,
            "note": f"Call {n}: rebooked",
            "customer_ref": f"REF{n:05}",
            "occurred_at": (now - timedelta(seconds=n)).isoformat(),
        }
        for n in range(BATCH)
    ]


def through_api(client, world: dict) -> float:
    body = json.dumps({"moments": batch(world)})
    started = time.perf_counter()
    response = client.post(
        "/api/v1/moments",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {world['key']}"},
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.content[:500]
    return elapsed


def bulk_insert(world: dict) -> float:
    from touchpoints.customers import hash_ref
    from touchpoints.models import Moment

    location = world["team"].location
    rows = [
        Moment(
            uuid=item["uuid"],
            staff=world["people"][n % 20],
            team=world["team"],
            location=location,
            touchpoint_type=world["type"],
            channel=item["channel"],
            outcome=item["outcome"],
            resolved_on_spot=item["resolved_on_spot"],
            note=item["note"],
            customer_ref_hash=hash_ref(item["customer_ref"]),
            occurred_at=datetime.fromisoformat(item["occurred_at"]),
            local_date=location.local_date(datetime.fromisoformat(item["occurred_at"])),
        )
        for n, item in enumerate(batch(world))
    ]
    started = time.perf_counter()
    Moment.objects.bulk_create(rows)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    world = set_up()
    from django.test import Client
    from machine import django_speed

    client = Client()
    through_api(client, world)  # warm up: imports, prepared statements, the types' cache
    bulk_insert(world)
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    api_times, bulk_times = [], []
    for _ in range(args.rounds):
        api_times.append(through_api(client, world))
        bulk_times.append(bulk_insert(world))
    api, bulk = statistics.median(api_times), statistics.median(bulk_times)
    load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{args.rounds} rounds of {BATCH} moments; load average {load_before} before,"
          f" {load_after} after; {django_speed()}")  # fmt: skip
    print(f"API batch:   median {api * 1000:.0f} ms ({BATCH / api:.0f} moments/s),"
          f" slowest {max(api_times) * 1000:.0f} ms")  # fmt: skip
    print(f"bulk insert: median {bulk * 1000:.0f} ms ({BATCH / bulk:.0f} moments/s)")
    print(f"ratio API / bulk insert (moments per second): {bulk / api:.2f}x (goal >= 0.3x);"
          f" batch under 1 s: {'yes' if max(api_times) < 1 else 'no'}")  # fmt: skip


if __name__ == "__main__":
    main()
