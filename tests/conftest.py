"""Shared fixtures: the ../shared reference data and an isolated conflictmap home per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def skip_unless_ci(reason: str) -> None:
    """Skip on a user's machine; in CI (``CI`` set) a missing prerequisite is a failure, not a skip."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must run this test, but: {reason}")
    pytest.skip(reason)


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or skip the test with the reason when it is absent (a user's clone)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        skip_unless_ci(f"../shared reference data not found at {path} (only present in CI and dev sessions)")
    return path


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium for end-to-end tests (installed by .ci/run; `apt-get install chromium` locally)."""
    if not CHROMIUM.exists():
        skip_unless_ci(f"{CHROMIUM} not found: install Debian's chromium to run the browser tests")
    return CHROMIUM


@pytest.fixture(scope="session")
def seed_article() -> Path:
    return shared_path("seeds", "aes-liptako-gourma-charter.txt")


@pytest.fixture(autouse=True, scope="session")
def _isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Point CONFLICTMAP_HOME at a temporary folder so tests never touch the user's data.

    The compiled gazetteer cache is shared across the session in that folder.
    """
    home = tmp_path_factory.mktemp("conflictmap-home")
    os.environ["CONFLICTMAP_HOME"] = str(home)
    os.environ.pop("CONFLICTMAP_DB", None)
    return home


@pytest.fixture(scope="session")
def session_home(_isolated_home: Path) -> Path:
    """The session's CONFLICTMAP_HOME (where its gazetteer index is compiled)."""
    return _isolated_home


@pytest.fixture
def own_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A CONFLICTMAP_HOME of the test's own, for tests that change the user's data (an import
    teaches the learned gazetteer tier). The process's gazetteer is dropped on the way in and out:
    one loaded under this home (with the test's tiers) must not serve later tests, nor, through
    its ``user_countries``, make the in-process geoparser disagree with fresh worker processes.
    Every cache is dropped (``conflictmap.caches.reset_caches``), the gazetteer with the rest."""
    from conflictmap.caches import reset_caches

    home = tmp_path / "home"
    monkeypatch.setenv("CONFLICTMAP_HOME", str(home))
    reset_caches()
    yield home
    reset_caches()


@pytest.fixture(scope="session")
def gazetteer_index():
    """The session's gazetteer index, built once up front (≈ 45 s on a fresh home) so that tests
    which geoparse inside a time-limited runner (AppTest, a browser page) only load it (≈ 1.5 s)."""
    from geodata.gazetteer import load_gazetteer

    return load_gazetteer()
