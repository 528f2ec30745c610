"""Loaded into a test's worker processes (`celery worker --include`): records when each
task of a location group starts and ends, and in which process, in the test's Redis, so
that a test sees whether two tasks of the same locations ran at once. With
ROLLUP_TEST_TASK_SECONDS each such task first pauses that long: a roll-up that takes a
while, so that two workers free at once do overlap."""

import json
import os
import time

import redis
from celery.signals import task_postrun, task_prerun

KEY = "test:group-task-intervals"
GROUP_TASKS = {"dashboards.roll_up_location_group", "dashboards.reconcile_location_group"}
started: dict[str, float] = {}


def start(task_id=None, task=None, **kwargs) -> None:
    if task.name in GROUP_TASKS:
        started[task_id] = time.time()
        time.sleep(float(os.environ["ROLLUP_TEST_TASK_SECONDS"]))


def end(task_id=None, args=(), **kwargs) -> None:
    if task_id in started:
        interval = {
            "pid": os.getpid(),
            "locations": list(args[1]),
            "start": started.pop(task_id),
            "end": time.time(),
        }
        redis.Redis.from_url(os.environ["REDIS_URL"]).rpush(KEY, json.dumps(interval))


# Only in the workers the test starts with a pause: a test process that imports this module
# for `recorded` runs its own in-process tasks unrecorded.
if "ROLLUP_TEST_TASK_SECONDS" in os.environ:
    task_prerun.connect(start, weak=False)
    task_postrun.connect(end, weak=False)


def recorded(redis_url: str) -> list[dict]:
    return [json.loads(item) for item in redis.Redis.from_url(redis_url).lrange(KEY, 0, -1)]


def overlapping(intervals: list[dict]) -> list[tuple[dict, dict]]:
    """The pairs of tasks that shared a location and ran at the same time."""
    return [
        (a, b)
        for n, a in enumerate(intervals)
        for b in intervals[n + 1 :]
        if set(a["locations"]) & set(b["locations"])
        and a["start"] < b["end"]
        and b["start"] < a["end"]
    ]
