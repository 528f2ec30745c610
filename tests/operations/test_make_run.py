"""`make run PORT=8100`: the server listens where the newcomer asked, and the demo says so."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def make_run_commands(*args: str) -> str:
    """What `make run` would do, printed by make's dry run and not done."""
    if shutil.which("make") is None:
        pytest.skip("needs make")
    dry_run = subprocess.run(
        ["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True, timeout=30
    )
    return dry_run.stdout


def test_make_run_serves_on_the_port_given_and_the_demo_prints_that_address():
    commands = make_run_commands("PORT=8100")
    assert "runserver 127.0.0.1:8100" in commands
    assert "demo_data --url http://127.0.0.1:8100/" in commands
    assert "8000" not in commands


def test_make_run_serves_on_8000_by_default():
    commands = make_run_commands()
    assert "runserver 127.0.0.1:8000" in commands
    assert "demo_data --url http://127.0.0.1:8000/" in commands
