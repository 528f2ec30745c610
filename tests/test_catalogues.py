"""The translation catalogues: complete, current, and compiled from what is committed.

CI fails on a fuzzy, untranslated or obsolete entry in any language, when `make messages`
would change a catalogue (a string added, changed or removed in the code without running
it), and when a committed .mo file is not what its .po compiles to. The check on
`makemessages` runs it in a copy of the tree: a test run never rewrites tracked files.
Needs GNU gettext (msgattrib, msgfmt); .ci/run installs it.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
CATALOGUES = sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po"))
# As `make messages` runs them (Makefile).
MAKEMESSAGES = [
    ["makemessages", *[f"-l{code}" for code in LANGUAGES], "--no-location", "--no-obsolete"],
    ["makemessages", "-d", "djangojs", *[f"-l{code}" for code in LANGUAGES], "--no-location",
     "--no-obsolete", "--ignore=tests", "--ignore=staticfiles"],
]  # fmt: skip
NOT_COPIED = {".git", ".venv", "data", "staticfiles", "__pycache__", ".pytest_cache",
              ".ruff_cache", "test-results", ".hypothesis", "node_modules"}  # fmt: skip
# The one line makemessages rewrites on every run, changed or not.
STAMP = re.compile(r'^"POT-Creation-Date: .*\\n"$', re.MULTILINE)


def entries(flag: str, catalogue: Path) -> list[str]:
    """The msgids `msgattrib <flag>` selects from `catalogue`."""
    found = subprocess.run(
        ["msgattrib", flag, "--no-wrap", str(catalogue)], capture_output=True, text=True, check=True
    ).stdout
    return [msgid for msgid in re.findall(r'^msgid "(.*)"$', found, re.MULTILINE) if msgid]


def test_every_language_has_its_catalogue():
    assert {path.parent.parent.name for path in CATALOGUES} >= set(LANGUAGES)


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_entry_is_fuzzy_untranslated_or_obsolete(catalogue):
    header = catalogue.read_text().split("\n\n", 1)[0]
    assert "#, fuzzy" not in header, "the header is marked fuzzy: msgfmt would skip it"
    assert entries("--only-fuzzy", catalogue) == []
    assert entries("--untranslated", catalogue) == []
    assert entries("--only-obsolete", catalogue) == []


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_the_committed_mo_file_is_what_its_po_compiles_to(catalogue, tmp_path):
    compiled = tmp_path / "compiled.mo"
    # As Django's compilemessages runs it.
    subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(catalogue)], check=True)
    committed = catalogue.with_suffix(".mo")
    assert committed.exists(), f"{committed.name} is missing: run make messages"
    assert committed.read_bytes() == compiled.read_bytes(), "stale .mo: run make messages"


def test_makemessages_would_change_no_catalogue(tmp_path):
    copy = tmp_path / "tree"
    shutil.copytree(ROOT, copy, ignore=lambda _dir, names: NOT_COPIED & set(names))
    for arguments in MAKEMESSAGES:
        subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=copy,
            env={"PATH": "/usr/bin:/bin", "DEBUG": "1", "DATA_DIR": str(tmp_path / "data")},
            check=True,
            capture_output=True,
        )
    ours = {path.relative_to(ROOT) for path in (ROOT / "locale").rglob("*.po")}
    theirs = {path.relative_to(copy) for path in (copy / "locale").rglob("*.po")}
    assert theirs == ours, "makemessages would add or remove a catalogue: run make messages"
    changed = [
        str(path)
        for path in sorted(ours)
        if STAMP.sub("", (ROOT / path).read_text()) != STAMP.sub("", (copy / path).read_text())
    ]
    assert changed == [], "these catalogues are out of date: run make messages"


def translations(catalogue: Path) -> list[tuple[str, str]]:
    """(English, translation) for every entry of `catalogue`, each plural form separately."""
    text = subprocess.run(["msgattrib", "--no-wrap", "--no-obsolete", str(catalogue)],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    pairs = []
    for entry in text.split("\n\n")[1:]:
        english = re.findall(r'^msgid(?:_plural)? "(.*)"$', entry, re.MULTILINE)
        for translated in re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', entry, re.MULTILINE):
            pairs.append((english[-1] if len(english) > 1 else english[0], translated))
    return pairs


TAG = re.compile(r"</?([a-zA-Z][\w-]*)")


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_translation_keeps_the_markup_of_its_english(catalogue):
    """A translation holds the same tags as its English text, so a page has the same
    structure in every language: the axe-core sweep relies on it to run only the rules that
    words can break in the other languages (tests/test_accessibility_browser.py)."""
    differ = [
        (english, translated)
        for english, translated in translations(catalogue)
        if sorted(TAG.findall(english)) != sorted(TAG.findall(translated))
    ]
    assert differ == []
