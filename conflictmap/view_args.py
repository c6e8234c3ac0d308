"""The command-line options that choose a view, for every command that draws or writes one
(``conflictmap render``; ``conflictmap export`` takes the same options).

:func:`add_view_options` adds them to an argparse parser; :func:`view_from_args` turns the parsed
arguments into a :class:`conflictmap.views.ViewFilter`. ``--view`` takes a dashboard URL (or its
query string) and the other options override what it says, so an analyst can copy the address bar
and change one thing. Values are checked by :mod:`conflictmap.views` (the same checks as the
export's): a bad one is an argparse error (one line, exit 2).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from conflictmap import views

#: ``--bbox -5,10,5,20`` starts with a minus: argparse must read it as a value, not an option.
NEGATIVE_VALUES = re.compile(r"^-\d*\.?\d+(,-?\d*\.?\d+)*$")
_LISTS = ("event_types", "countries", "admin1", "actors", "sources")
_SINGLE = ("start", "end", "alliance", "alliance_day", "bbox", "layers", "mode", "metric")


def _arg(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse ``type`` from a function raising ValueError: its message becomes the error."""

    def convert(text: str) -> Any:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = getattr(parse, "__name__", "value")
    return convert


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def parse_view(text: str) -> views.ViewFilter:
    """A dashboard URL or its query string; ValueError names a wrong parameter."""
    return views.ViewFilter.from_url(text)


def parse_alliance(text: str) -> str:
    """An alliance id or any of its names, as the alliance's id."""
    return views.check_alliance(text)


def parse_layers(text: str) -> tuple[str, ...]:
    """Comma-separated keys of ``views.LAYERS`` (or ``areas``, ``all``, ``none``), in drawing order."""
    return views.layer_keys(text)


def join_negative_values(argv: Sequence[str]) -> list[str]:
    """``--bbox -5,10,5,20`` as ``--bbox=-5,10,5,20``: argparse reads a separate value that starts
    with a minus as an option, and says the option has no value."""
    out: list[str] = []
    for arg in argv:
        previous = out[-1] if out else ""
        if NEGATIVE_VALUES.match(arg) and previous.startswith("--") and previous != "--" and "=" not in previous:
            out[-1] = f"{previous}={arg}"
        else:
            out.append(arg)
    return out


def add_view_options(parser: argparse.ArgumentParser, *, display: bool = True) -> None:
    """The view options, in an argument group of their own; ``display`` adds ``--mode``/``--metric``
    (how the map shows the incidents: meaningful for a picture, not for a data file)."""
    g = parser.add_argument_group(
        "view",
        "which incidents and places, and how the map shows them (default: the dashboard's opening view, all dates)",
    )
    g.add_argument(
        "--view",
        type=_arg(parse_view),
        metavar="URL",
        help="a dashboard URL or its query string; the options below override it",
    )
    g.add_argument("--from", dest="start", type=_arg(parse_day), metavar="YYYY-MM-DD", help="first day")
    g.add_argument("--to", dest="end", type=_arg(parse_day), metavar="YYYY-MM-DD", help="last day")
    g.add_argument(
        "--type",
        dest="event_types",
        action="append",
        metavar="TYPE",
        help="event type, e.g. Battles (repeatable, or comma-separated)",
    )
    g.add_argument("--country", dest="countries", action="append", metavar="ISO3", help="country code(s), e.g. BFA,MLI")
    g.add_argument("--admin1", action="append", metavar="NAME", help="admin-1 unit name (repeatable)")
    g.add_argument("--actor", dest="actors", action="append", metavar="ACTOR", help="actor (repeatable)")
    g.add_argument(
        "--alliance",
        type=_arg(parse_alliance),
        metavar="ALLIANCE",
        help="only the members of aes, g5, ecowas or lga on the map's date",
    )
    g.add_argument(
        "--on",
        dest="alliance_day",
        type=_arg(parse_day),
        metavar="YYYY-MM-DD",
        help="the map's date: alliances as on that day (default: --to, else today)",
    )
    g.add_argument(
        "--source", dest="sources", action="append", metavar="NAME", help="dataset name, or 'articles' (repeatable)"
    )
    g.add_argument(
        "--bbox", type=_arg(views.parse_bbox), metavar="W,S,E,N", help="the map's extent in degrees, e.g. -5,10,5,20"
    )
    g.add_argument(
        "--layers",
        type=_arg(parse_layers),
        metavar="LAYER,...",
        help=f"layers shown: {', '.join(views.LAYERS)}, areas, all or none (default: the dashboard's)",
    )
    if display:
        g.add_argument("--mode", choices=views.MODES, help="incidents as points, heatmap (density) or choropleth")
        g.add_argument("--metric", choices=views.METRICS, help="what the heatmap and choropleth count")


def view_from_args(args: argparse.Namespace) -> views.ViewFilter:
    """The view the options describe (``--view`` first, each option given on top of it);
    ValueError when they contradict each other."""
    view = getattr(args, "view", None) or views.ViewFilter()
    changes: dict[str, Any] = {n: getattr(args, n) for n in _SINGLE if getattr(args, n, None) is not None}
    for name in _LISTS:
        values = [v.strip() for item in getattr(args, name, None) or [] for v in item.split(",") if v.strip()]
        if values:
            changes[name] = tuple(dict.fromkeys(v.upper() if name == "countries" else v for v in values))
    view = view.replace(**changes)
    start, end = view.date_range()
    if start and end and start > end:
        raise ValueError(f"--from {start} is after --to {end}")
    return view


__all__ = [
    "NEGATIVE_VALUES",
    "add_view_options",
    "join_negative_values",
    "parse_alliance",
    "parse_day",
    "parse_layers",
    "parse_view",
    "view_from_args",
]
