"""Shared fixtures: the ../shared reference data and an isolated conflictmap home per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or skip the test with the reason when it is absent (a user's clone)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared reference data not found at {path} (only present in CI and dev sessions)")
    return path


@pytest.fixture(scope="session")
def seed_article() -> Path:
    return shared_path("seeds", "aes-liptako-gourma-charter.txt")


@pytest.fixture(autouse=True, scope="session")
def _isolated_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Point CONFLICTMAP_HOME at a temporary folder so tests never touch the user's data.

    The compiled gazetteer cache is shared across the session in that folder.
    """
    import os

    home = tmp_path_factory.mktemp("conflictmap-home")
    os.environ["CONFLICTMAP_HOME"] = str(home)
    os.environ.pop("CONFLICTMAP_DB", None)
