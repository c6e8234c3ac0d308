"""Bundled geography and the API that serves it: boundaries, areas, alliances and the gazetteer."""
