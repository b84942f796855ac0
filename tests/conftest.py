"""Shared fixtures: real copies of the shipped data in temp folders, real git repos."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data"
# The data as of the minutes, before any event: tests that edit or count need a
# dataset that does not move each time an event is recorded in data/.
FIXTURE_2023 = Path(__file__).resolve().parent / "fixtures" / "data-2023"
# bbtrack as a separate process (the console script itself: test_cli_edit.py).
ENTRY = [sys.executable, "-m", "bbtrack"]


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Never read or write the developer's own parse cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("BBTRACK_DATA", raising=False)
    monkeypatch.delenv("BBTRACK_LANG", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture(autouse=True)
def _english_library():
    """Library calls speak English unless a test says otherwise; CLI runs choose their own."""
    from bbtrack.core import i18n

    i18n.set_language("en")


@pytest.fixture
def english_cli(monkeypatch):
    """Commands speak English: for tests that read bbtrack's English messages
    (tests/test_i18n_outputs.py reads the Vietnamese and Chinese ones)."""
    monkeypatch.setenv("BBTRACK_LANG", "en")


def copy_data(target: Path, source: Path = FIXTURE_2023) -> Path:
    """A data folder at `target`: the YAML of `source` and the shipped minutes."""
    shutil.copytree(SHIPPED / "minutes", target / "minutes")
    for name in ("commitments.yaml", "crossings.yaml"):
        shutil.copyfile(source / name, target / name)
    return target


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A private copy of the data as of the minutes (2023-02-22)."""
    return copy_data(tmp_path / "data")


@pytest.fixture
def shipped_dir(tmp_path) -> Path:
    """A private copy of the shipped data, events included."""
    return copy_data(tmp_path / "shipped", SHIPPED)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    """A git repository holding a copy of the data as of the minutes, committed."""
    return data_repo(tmp_path / "repo")


def data_repo(root: Path, *source) -> Path:
    """A git repository at `root` holding a copy of the data (`copy_data`'s `source`), committed."""
    copy_data(root / "data", *source)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test Reviewer")
    git(root, "config", "user.email", "reviewer@example.org")
    (root / ".gitignore").write_text(".bbtrack.lock\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "data")
    return root


class Cli:
    """Runs the real Typer app in-process against a data folder."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, env: dict | None = None):
        return self.runner.invoke(_app(), ["--data-dir", str(self.data), *args], input=input, env=env)


def _app():
    from bbtrack.cli.app import app

    return app


@pytest.fixture
def cli(data_dir) -> Cli:
    return Cli(data_dir)


@pytest.fixture
def repo_cli(repo) -> Cli:
    return Cli(repo / "data")


@pytest.fixture
def shipped_cli(shipped_dir) -> Cli:
    return Cli(shipped_dir)
