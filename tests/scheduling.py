"""How pytest-xdist hands out the tests: a module's tests to one worker, in order.

xdist's default (`--dist load`) hands out tests in chunks wherever one ends, so a module's
tests could land on two or three workers, and each built the module's fixtures: the start-up
tests' seventeen forked `manage.py`, a roll-up world, an airline with every role (seen in a
timeline of one run: 45 of 183 modules on more than one worker). Here each run of one
module's consecutive tests in the collection's order (tests/conftest.py sorts it) is one unit
of work, which one worker takes whole. The order is kept as it was: units are taken in the
collection's order, so each worker still runs rolled-back tests, then committing ones, then
those with no database (pytest-django's order; a module with tests of two kinds is two runs,
so two units).

The sweeps in SPREAD are the exception: their tests are long and independent of each other
(a role's whole walk each), and one worker taking all of them would finish a minute or two
after the others. Their tests go out one by one.
"""

import pytest
from xdist.scheduler import LoadScopeScheduling

SPREAD = {"tests/test_accessibility_browser.py", "tests/test_hostile_input.py"}


class ModuleRuns(LoadScopeScheduling):
    """xdist's scheduling by scope, the scope being a run of one module's tests."""

    def __init__(self, config, log=None):
        super().__init__(config, log)
        self.units: dict[str, str] = {}
        self.module, self.runs = None, 0

    def _split_scope(self, nodeid: str) -> str:
        # Called first for every test in the collection's order (`schedule`), later for a
        # test that has ended: the unit is worked out once, on the first call.
        if nodeid not in self.units:
            module = nodeid.split("::", 1)[0]
            if module != self.module:
                self.module, self.runs = module, self.runs + 1
            self.units[nodeid] = nodeid if module in SPREAD else f"{module} (run {self.runs})"
        return self.units[nodeid]


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getoption("dist") != "load":
        return None
    # Units in the collection's order, not the largest first: that order is pytest-django's.
    config.option.loadscopereorder = False
    return ModuleRuns(config, log)
