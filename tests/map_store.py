"""A store for the presentation-map tests: the founding article of the AES (../shared/seeds) and
400 synthetic incidents across Burkina Faso, Mali and Niger (bench/gen_incidents.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import REPO, shared_path

#: The central Sahel, as the dashboard opens: west, south, east, north.
SAHEL_BBOX = (-18.0, 4.0, 24.0, 24.5)


def build_map_store(db: Path, incidents: int = 400) -> Path:
    """Ingest the seed article (dated 2023-09-16) and generate ``incidents`` incidents into ``db``."""
    from conflictmap.store import Store
    from loaders.ingest import ingest

    seed = shared_path("seeds", "aes-liptako-gourma-charter.txt")
    store = Store(db)
    try:
        result = ingest(store, seed, url="https://example.org/aes-charter", date="2023-09-16")
        assert any(m.name == "Gorgadji" for m in result.mentions if m.resolved), "seed: Gorgadji not resolved"
    finally:
        store.close()
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from bench.gen_incidents import generate

    assert generate(db, incidents, seed=3) == incidents
    return db


@pytest.fixture(scope="module", name="db")
def map_db(tmp_path_factory: pytest.TempPathFactory, gazetteer_index) -> Path:
    """The map store of a test module (import this fixture and ``store`` into the module)."""
    return build_map_store(tmp_path_factory.mktemp("map") / "map.db")


@pytest.fixture(scope="module", name="store")
def map_store(db: Path):
    from conflictmap.store import Store

    s = Store(db)
    yield s
    s.close()
