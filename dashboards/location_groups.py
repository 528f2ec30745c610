"""Locations in groups, so that beat's roll-ups spread over workers (docs/scaling.md).

Beat's sweep and the nightly reconciliation send one task per group of locations, and each
group's task rolls up only its own locations. A location's group is its id modulo
`ROLLUP_LOCATION_GROUPS`: every process computes the same group without asking anyone, a
location never changes group, and locations created together (a region, one after the
other) fall into different groups, so each group gets a share of every region. One group per
location would cost a message and a transaction per location on every sweep, and split the
day's feedback, read in one pass for all the buckets of a task, into as many reads; a few
groups, about one per worker process, do the same work in fewer, larger pieces.

With `ROLLUP_QUEUES_PER_GROUP` each group's roll-ups go to a queue of their own
(`rollup.g0`, `rollup.g1` …), so that workers on several machines each consume some groups:
a location's roll-ups then always reach the same worker. The per-location locks in
`dashboards.rollup` stay the safety net when two workers do share a group's queue.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings

QUEUE_PREFIX = "rollup.g"


def group_of(location_id: int) -> int:
    return location_id % settings.ROLLUP_LOCATION_GROUPS


def grouped(location_ids: Iterable[int]) -> dict[int, list[int]]:
    """The locations by group, each group's in id order; only groups that have any."""
    groups: defaultdict[int, list[int]] = defaultdict(list)
    for location_id in sorted(set(location_ids)):
        groups[group_of(location_id)].append(location_id)
    return dict(sorted(groups.items()))


def queue_of(group: int) -> str:
    return f"{QUEUE_PREFIX}{group}"


# The roll-up tasks that belong to one group, and how their positional arguments name it:
# a group's tasks carry the group first, a bucket's roll-up its location.
GROUP_OF_TASK = {
    "dashboards.roll_up_location_group": lambda args: args[0],
    "dashboards.reconcile_location_group": lambda args: args[0],
    "dashboards.roll_up_day": lambda args: group_of(args[0]),
}


def route_task(name: str, args: tuple, kwargs: dict, options: dict, task=None, **kw) -> dict | None:
    """Celery's router (CELERY_TASK_ROUTES), run where a task is sent: a group's roll-ups
    to the group's queue when `ROLLUP_QUEUES_PER_GROUP` is on; anything else to the default
    queue (None). A queue the sender names itself wins over this."""
    group = GROUP_OF_TASK.get(name)
    if group is None or not args or not settings.ROLLUP_QUEUES_PER_GROUP:
        return None
    return {"queue": queue_of(group(args))}
