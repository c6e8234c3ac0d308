"""Fetch pinned npm packages with the ordinary npm client (``npm pack``) and unpack them."""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path

__all__ = ["fetch"]


def fetch(name: str, version: str, workdir: Path) -> Path:
    """Download ``name@version`` into ``workdir`` and return the unpacked ``package/`` folder.

    ``npm pack`` only downloads the published tarball (no install scripts run), and the exact
    version pin makes the inputs of the build reproducible.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    target = workdir / f"{name}-{version}"
    if (target / "package" / "package.json").exists():
        return target / "package"
    done = subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--silent", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = workdir / done.stdout.strip().splitlines()[-1]
    target.mkdir(exist_ok=True)
    with tarfile.open(tarball) as tar:
        tar.extractall(target, filter="data")
    tarball.unlink()
    return target / "package"
