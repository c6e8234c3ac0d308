"""``python -m geodata.build``: rebuild the bundled layers (see :mod:`geodata.build`)."""

from . import main

__all__: list[str] = []

main()
