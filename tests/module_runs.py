"""pytest-xdist scheduling by runs of one module's tests (tests/conftest.py)."""

from xdist.scheduler import LoadScopeScheduling


def runs_of_modules(nodeids: list[str]) -> dict[str, str]:
    """Each test's unit of work: the run of consecutive tests of its module that it is in.

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
        unit_of[nodeid] = f"{module}#{runs}"
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
