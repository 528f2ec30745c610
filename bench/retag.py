"""Re-tagging the history after a catalogue change: answers a second, and a year extrapolated.

SAS's year holds about 5 million answers with a comment. This fills a database of its own
(moments_themes_retag, or --database) with --answers answers, each one moment, invitation
and answer spread over a year at one station, their comments drawn at random from the
labelled comments of tests/data in all four languages, then times in one run:

  (a) the floor: reading every comment, in id order, in the walk's batches, nothing else;
  (b) tagging alone: the same comments through the tagger, in Python, no database;
  (c) the re-tag as it runs in the worker: `catalogue.changed()` then `retag.run()` until
      done: batches under the catalogue row's lock, tags replaced, buckets marked dirty;
      first with no tags yet (every answer's tags written: the worst case), then again
      with the same catalogue (every tag already right: a change that moves few comments).

and prints each, the ratio (c)/(a), answers a second, and (c) extrapolated linearly to 5
million (the walk is one id-ordered pass: its cost grows with the answers, not the history's
length). The roll-up of the days it marks dirty is the roll-up's own cost (docs/performance.md).

    .venv/bin/python bench/retag.py                  # 50,000 answers
    .venv/bin/python bench/retag.py --answers 200000
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sas_data import use_bench_database  # noqa: E402

YEAR_OF_COMMENTS = 5_000_000
GOAL_SECONDS = 600

FILL = """
    WITH texts AS (SELECT array_agg(t) AS all_texts FROM unnest(%(texts)s::text[]) AS t),
    langs AS (SELECT array_agg(l) AS all_langs FROM unnest(%(langs)s::text[]) AS l),
    new_moments AS (
        INSERT INTO touchpoints_moment (uuid, staff_id, team_id, location_id,
            touchpoint_type_id, channel, outcome, resolved_on_spot, note, extra,
            customer_ref_hash, occurred_at, local_date, created_at, updated_at)
        SELECT gen_random_uuid(), %(staff)s, %(team)s, %(location)s, %(type)s, 'in_person',
            3, true, '', '{}', '', now() - (n * interval '1 second' * 31536000 / %(n)s),
            (now() - (n * interval '1 second' * 31536000 / %(n)s))::date,
            now() - interval '1 day', now() - interval '1 day'
        FROM generate_series(1, %(n)s) AS n
        RETURNING id
    ), new_invitations AS (
        INSERT INTO feedback_invitation (moment_id, token, created_at, expires_at)
        SELECT id, 'bench' || id, now(), now() FROM new_moments
        RETURNING id
    )
    INSERT INTO feedback_answer (invitation_id, csat, comment, language, is_low, answered_at)
    SELECT i.id, 1 + (i.id %% 5), all_texts[k], all_langs[k], false, now() - interval '1 day'
    FROM new_invitations i, texts, langs,
        LATERAL (SELECT 1 + floor(random() * array_length(all_texts, 1))::int AS k) AS pick
"""


def fill(n: int) -> None:
    from django.contrib.auth.models import Group
    from django.db import connection

    from feedback.themes.quality import read_labelled
    from touchpoints.models import JourneyStage, Location, Role, Team, TouchpointType, User

    rows = read_labelled(ROOT / "tests" / "data")
    location = Location.objects.create(name="Bench", code="RTG", timezone="UTC")
    team = Team.objects.create(name="Desk", location=location)
    stage = JourneyStage.objects.create(name="Journey", order=1)
    kind = TouchpointType.objects.create(name="Desk", stage=stage)
    staff = User.objects.create_user("retag.bench", team=team)
    staff.groups.add(Group.objects.get(name=Role.FRONTLINE))
    with connection.cursor() as cursor:
        cursor.execute(
            FILL,
            {
                "texts": [row.text for row in rows],
                "langs": [row.language for row in rows],
                "n": n,
                "staff": staff.pk,
                "team": team.pk,
                "location": location.pk,
                "type": kind.pk,
            },
        )
        cursor.execute("ANALYZE feedback_answer")
        cursor.execute("ANALYZE touchpoints_moment")


def floor_seconds() -> float:
    from django.db import connection

    from feedback.themes.retag import BATCH

    started, last = time.perf_counter(), 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT id, comment, language FROM feedback_answer WHERE id > %s"
                " AND comment <> '' ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return time.perf_counter() - started
            last = rows[-1][0]


def tagging_seconds() -> tuple[float, int]:
    from feedback.models import Answer
    from feedback.themes.catalogue import current_tagger

    comments = list(Answer.objects.exclude(comment="").values_list("comment", "language"))
    tagger = current_tagger()
    started = time.perf_counter()
    for text, language in comments:
        tagger.tag(text, language)
    return time.perf_counter() - started, len(comments)


def retag_seconds() -> float:
    from django.db import transaction

    from feedback.themes import catalogue, retag

    with transaction.atomic():
        catalogue.changed()
    started = time.perf_counter()
    while not retag.run(seconds=3600):
        pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=50_000)
    parser.add_argument("--database", default="moments_themes_retag")
    args = parser.parse_args()
    url = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    use_bench_database(url)
    # No broker or worker here: what the walk queues (the prompt roll-ups of the days it
    # marks, the re-tag task itself) is left out; the marks stay for a roll-up to take.
    from feedback.themes import catalogue
    from touchpoints import dirty_days

    dirty_days.request_rollup = lambda *args: None
    catalogue.request_retag = lambda: None
    from django.db import connection

    from bench.machine import django_speed
    from feedback.models import Answer

    if Answer.objects.count() != args.answers:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE feedback_answertheme, feedback_answer, feedback_invitation,"
                " touchpoints_moment, touchpoints_dirtyday, touchpoints_team,"
                " touchpoints_location, touchpoints_user, touchpoints_touchpointtype,"
                " touchpoints_journeystage CASCADE"
            )
        started = time.perf_counter()
        fill(args.answers)
        print(f"filled {args.answers:,} answers in {time.perf_counter() - started:.0f} s")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {django_speed()}")
    floor = floor_seconds()
    tagging, n = tagging_seconds()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE feedback_answertheme, touchpoints_dirtyday")
    print(f"(a) floor, reading {n:,} comments in batches: {floor:.1f} s")
    print(f"(b) tagging alone: {tagging:.1f} s ({tagging / n * 1000:.3f} ms a comment)")
    for label in ("every tag written", "every tag already right"):
        retag = retag_seconds()
        year = YEAR_OF_COMMENTS / (n / retag)
        print(
            f"(c) re-tag, {label}: {retag:.1f} s, {n / retag:,.0f} answers/s,"
            f" (c)/(a) {retag / floor:.0f}; a year of {YEAR_OF_COMMENTS:,} extrapolated:"
            f" {year / 60:.1f} min (goal < {GOAL_SECONDS / 60:.0f} min) on one worker"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
