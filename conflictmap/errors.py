"""The one family of errors conflictmap raises for the analyst to read.

Every error a user can cause (a bad file, row or parameter, an unwritable export, a map that
cannot be drawn) is a :class:`ConflictmapError`. Its message is one line, written for the analyst,
naming the file, row or parameter at fault; the command line prints it as ``conflictmap: error:
<message>`` and exits with the class's :attr:`~ConflictmapError.exit_code`, never a traceback. Any
other exception is a bug.

The subclasses that describe bad input also derive from :class:`ValueError` (as pyogrio's errors
derive from the built-in they refine), so code that catches ``ValueError`` keeps working.

This module imports nothing of the project's: every package may raise these.
"""

from __future__ import annotations

__all__ = [
    "ArticleError",
    "BoundaryFileError",
    "CaptureError",
    "ConflictmapError",
    "CorrectionError",
    "DataImportError",
    "ExportError",
    "GazetteerDataError",
    "InputError",
    "KmlError",
    "MissingCRSError",
    "NoPolygonsError",
    "RenderError",
    "StoreError",
    "UnreadableBoundaryFile",
    "UsageError",
]


class ConflictmapError(Exception):
    """Base of every error meant for the analyst; ``str(error)`` is the one-line message."""

    #: The command line's exit code for this error (argparse uses 2 for a wrong command line).
    exit_code: int = 1


class UsageError(ConflictmapError, ValueError):
    """A wrong command-line option or view parameter (``--view``, ``--bbox``…); exit code 2."""

    exit_code = 2


class InputError(ConflictmapError, ValueError):
    """Input that cannot be used as it is: the message names the file, row or column."""


class ArticleError(InputError):
    """A document that cannot be read as an article (empty, binary, oversize, undecodable)."""


class DataImportError(InputError):
    """An event file (ACLED, UCDP GED, CSV, GeoJSON, GeoPackage) that cannot be imported."""


class GazetteerDataError(InputError):
    """A gazetteer file (a GeoNames dump) that cannot be added."""


class BoundaryFileError(InputError):
    """A boundary file that cannot be added as a layer."""


class UnreadableBoundaryFile(BoundaryFileError):
    """GDAL cannot read the boundary file."""


class NoPolygonsError(BoundaryFileError):
    """The boundary file holds no polygons."""


class MissingCRSError(BoundaryFileError):
    """The boundary file does not say its coordinate reference system."""


class CorrectionError(InputError):
    """An analyst's correction that cannot be stored (no such incident, a bad coordinate)."""


class StoreError(ConflictmapError):
    """The store file cannot be opened or used."""


class ExportError(ConflictmapError, ValueError):
    """An export that cannot be written (unknown format or suffix, missing folder)."""


class KmlError(ExportError):
    """GDAL's KML driver could not write the layers."""


class RenderError(ConflictmapError, ValueError):
    """A presentation map that cannot be drawn with the options given."""


class CaptureError(ConflictmapError):
    """The map could not be captured in headless Chromium (missing browser, page error)."""
