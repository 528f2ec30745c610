"""Imports point one way, so that each room can be read without the ones above it:
dashboards -> feedback -> touchpoints, and inside touchpoints configuration -> people -> models.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, as an absolute dotted name."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def modules_in(folder: str, *, skip: tuple[str, ...] = ()) -> list[Path]:
    return [
        path
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "migrations" not in path.parts and path.name not in skip
    ]


# admin.py and tasks.py are the app's doors for Django's and Celery's autodiscovery: they may
# reach into every room, as config/urls.py does.
DOORS = ("admin.py", "tasks.py")
FRONT_LINE = [
    path for path in modules_in("touchpoints", skip=DOORS) if "configuration" not in path.parts
]
RULES = [
    # (files, what they must not import)
    (modules_in("touchpoints", skip=DOORS), "dashboards"),
    (modules_in("touchpoints", skip=DOORS), "feedback"),
    (modules_in("feedback"), "dashboards"),
    (modules_in("touchpoints/people"), "touchpoints.configuration"),
    (FRONT_LINE, "touchpoints.configuration"),
]


@pytest.mark.parametrize(("files", "forbidden"), RULES, ids=lambda value: str(value)[:40])
def test_imports_point_one_way(files, forbidden):
    wrong = {
        str(path.relative_to(ROOT)): sorted(
            name for name in imported_modules(path) if name.startswith(forbidden)
        )
        for path in files
    }
    assert {path: names for path, names in wrong.items() if names} == {}


def test_the_rule_sees_a_real_import():
    """The check above could pass by reading nothing: it must find a real import."""
    assert "touchpoints.configuration.audit" in imported_modules(
        ROOT / "touchpoints" / "configuration" / "people.py"
    )
