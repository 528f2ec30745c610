"""How pytest-xdist hands out the tests: each run of one module's tests to one worker.

xdist's default (`--dist load`) hands out tests in chunks wherever one ends, so a module's
tests could land on two or three workers, and each built the module's fixtures (seen in a
timeline of one run: 45 of 183 modules on more than one worker; the start-up tests' 17
forked `manage.py` and a roll-up world among them, built twice). Here each run of one
module's consecutive tests, in the collection's order (tests/conftest.py sorts it), is one
unit of work that one worker takes whole, and units go out in that order, never sorted by
size: so each worker still runs rolled-back tests, then committing ones, then those with no
database (pytest-django's order).

The sweeps in SPREAD go out test by test: their tests are long and independent of each
other (a role's whole walk each), and one worker taking all of them would end a minute
after the others.
"""

import pytest
from xdist.scheduler import LoadScopeScheduling

SPREAD = {"tests/test_accessibility_browser.py", "tests/test_hostile_input.py"}


def runs_of_modules(nodeids: list[str]) -> dict[str, str]:
    """Each test's unit of work: the run of consecutive tests of its module that it is in,
    or the test alone in a module of SPREAD.

    A module whose tests both roll back and commit appears twice in the collection (its
    rolled-back tests first, its committing ones among the others: database_order in
    tests/conftest.py). Its two runs are two units, so that no worker runs a committing
    test, which empties every table, before a rolled-back one that expects the rows of
    the data migrations."""
    unit_of, previous, runs = {}, None, 0
    for nodeid in nodeids:
        module = nodeid.split("::", 1)[0]
        if module != previous:
            previous, runs = module, runs + 1
        unit_of[nodeid] = nodeid if module in SPREAD else f"{module}#{runs}"
    return unit_of


class ModuleRuns(LoadScopeScheduling):
    """xdist's scheduling by scope, with runs of one module as the scope, handed out in
    collection order (never sorted by size: that order is the database's)."""

    def __init__(self, config, log=None):
        super().__init__(config, log)
        config.option.loadscopereorder = False
        self.unit_of: dict[str, str] = {}

    def schedule(self) -> None:
        if self.collection is None and self.collection_is_completed:
            self.unit_of = runs_of_modules(next(iter(self.registered_collections.values())))
        super().schedule()

    def _split_scope(self, nodeid: str) -> str:
        return self.unit_of[nodeid]


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    """ModuleRuns in place of xdist's default (`-n N` alone); another `--dist` is kept."""
    return ModuleRuns(config, log) if config.getoption("dist") == "load" else None
