"""A selection's figures computed once per state of the roll-ups, and shared.

The dashboard, its drill-down, the figures CSV and XLSX and the API's `GET /api/v1/figures`
all start from the same two reads of the roll-ups: the sums by period and day
(`figures.overview`, every column, as the export needs) and the sums per touchpoint type
and team (`figures.breakdown_sums`). Roll-ups change only when something writes them, and
every writer gives the locations it wrote a new generation in the same transaction
(`RollupGeneration`, dashboards/rollup.py). So those sums are cached under the selection,
resolved to concrete local days (a "7 days" asked for today and tomorrow are two entries),
and the generations of the locations it covers: a sweep at CPH leaves ARN's entries in use.

The dashboard keeps its themes' sums beside them, in an entry of their own.
Only numbers are cached (sums and dates), never names or words: a renamed team shows at
once, and readers of every language share one entry.

Where: Django's cache, Redis in production, shared by every web worker and the API. While
Redis is down (config/cache.py then acts empty) a small cache in this process keeps the last
few selections instead. The generations are always read from the database, and before the
sums (each statement sees what was committed when it started, so sums read after a
generation are at least that new): a lost or stale Redis costs time, never correctness.
docs/scaling.md, "Figures computed once".
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

from django.core.cache import cache

from . import figures, themes
from .filters import Selection
from .models import RollupGeneration
from .rollup import COUNTED_COLUMNS

# Part of every key: change it when what is cached changes shape, and old entries are unread.
KEY_VERSION = 1
# A generation changes with every sweep of its locations, so most entries are soon unread;
# Redis drops them after this many seconds rather than keep them for ever.
CACHE_SECONDS = 3600
LOCAL_ENTRIES = 32  # selections kept in each process while Redis is down

Sums = tuple[figures.Overview, list[dict]]


def overview_and_breakdown(selection: Selection) -> tuple[figures.Overview, figures.Breakdown]:
    """The selection's headline figures and its tables' sums, computed at most once for each
    state of the roll-ups it reads; the types' and teams' names are read fresh."""
    generations = RollupGeneration.of(covered_locations(selection))
    ((overview, rows),) = _read({cache_key(selection, generations): lambda: _sums(selection)})
    return overview, figures.named_breakdown(rows)


def dashboard_sums(
    selection: Selection,
) -> tuple[figures.Overview, figures.Breakdown, themes.ThemeSums]:
    """As `overview_and_breakdown` (the same entry, which the exports and the API share),
    and the sums of the themes the dashboard shows, in an entry of their own: both looked
    for, and kept, in one round trip each."""
    generations = RollupGeneration.of(covered_locations(selection))
    (overview, rows), theme_sums = _read(
        {
            cache_key(selection, generations): lambda: _sums(selection),
            cache_key(selection, generations, "themes"): lambda: themes.theme_sums(selection),
        }
    )
    return overview, figures.named_breakdown(rows), theme_sums


def _sums(selection: Selection) -> Sums:
    return figures.overview(selection, COUNTED_COLUMNS), figures.breakdown_sums(selection)


def _read(computed_by: dict[str, Callable[[], object]]) -> list:
    """The value of each key, found in the cache or computed (in one transaction with the
    dashboards' planner settings) and kept."""
    found = _cached(list(computed_by))
    missing = {}
    if len(found) < len(computed_by):
        with figures.read_settings():
            missing = {key: compute() for key, compute in computed_by.items() if key not in found}
        _keep(missing)
    return [found[key] if key in found else missing[key] for key in computed_by]


def covered_locations(selection: Selection) -> set[int]:
    """Every location whose roll-ups the selection may read: those its window names."""
    return {pk for _end, ids in selection.window.ends for pk in ids}


def cache_key(selection: Selection, generations: dict[int, int], what: str = "") -> str:
    """The selection as what its sums depend on: who may see what, the concrete days, the
    filters, and the state of each location's roll-ups. The period's name is left out: the
    same days under "30 days" and "Custom" are the same sums."""
    scope, window = selection.scope, selection.window
    described = (
        KEY_VERSION,
        (scope.everything, sorted(scope.location_ids), sorted(scope.team_ids)),
        (window.days, [(end.isoformat(), sorted(ids)) for end, ids in window.ends]),
        [_pk(selection.location), _pk(selection.team), _pk(selection.stage)],
        [_pk(selection.touchpoint_type), selection.channel],
        sorted(generations.items()),
        what,
    )
    return "figures:" + hashlib.sha256(repr(described).encode()).hexdigest()


def _pk(instance) -> int | None:
    return instance.pk if instance else None


class _Recent:
    """The last few entries, for one process, safe across its threads."""

    def __init__(self, size: int):
        self.size, self.entries, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: str):
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
            return self.entries.get(key)

    def put(self, key: str, value) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


_local = _Recent(LOCAL_ENTRIES)


def _redis_down() -> bool:
    # Only the Redis cache can be down; without Redis the cache is this process's own.
    is_down = getattr(cache, "is_down", None)
    return bool(is_down and is_down())


def _cached(keys: list[str]) -> dict:
    found = cache.get_many(keys)
    if len(found) < len(keys) and _redis_down():
        local = {key: _local.get(key) for key in keys}
        return {key: value for key, value in local.items() if value is not None}
    return found


def _keep(values: dict) -> None:
    if not values:
        return
    cache.set_many(values, CACHE_SECONDS)
    if _redis_down():
        for key, value in values.items():
            _local.put(key, value)
