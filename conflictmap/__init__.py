"""conflictmap: the store, exports and the command line that tie loaders, geodata and the dashboard."""

__version__ = "0.1.0"
