"""A roll-up held open inside its transaction, so a test can start another one meanwhile."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from dashboards.rollup import Bucket, rebuild_buckets


@contextmanager
def roll_up_held_open(buckets: list[Bucket], hold_seconds: float = 3) -> Iterator[dict]:
    """Roll `buckets` up in another thread and keep that run inside its transaction (its
    roll-ups written, not committed) until the block ends, or `hold_seconds` at most: a
    second run that waited for this one, instead of leaving it alone, fails on time."""
    inside, release = threading.Event(), threading.Event()
    result: dict = {"rolled_up": 0}
    if not buckets:  # nothing to roll up, nothing to hold
        yield result
        return

    def hold() -> None:
        inside.set()
        release.wait(hold_seconds)

    def run() -> None:
        try:
            result["rolled_up"] = rebuild_buckets(buckets, after_writes=hold)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert inside.wait(30), "the first roll-up never got going"
    try:
        yield result
    finally:
        release.set()
        thread.join()
