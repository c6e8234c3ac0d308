"""The ``conflictmap`` command line.

    conflictmap [--db PATH] ingest ARTICLE [ARTICLE...] [--title T] [--date YYYY-MM-DD] [--source S] [--url U]
    conflictmap [--db PATH] ingest FOLDER|CORPUS.jsonl|CORPUS.csv|FEED.xml|LIST.urls|URL ... [--workers N]
                            [--scheduler tcp://HOST:PORT] [--batch-size N] [--offline] [--no-progress]
    conflictmap [--db PATH] export [--format geojson|csv|gpkg|kml] [-o FILE|-] [--view URL] [--from D] [--to D]
                            [--type T] [--country ISO3] [--admin1 A] [--actor A] [--alliance X] [--on D]
                            [--source S] [--bbox W,S,E,N] [--layers L,...]
    conflictmap [--db PATH] render [-o FILE.png|.svg|.pdf] [--theme light|print] [--labels] [--capture] [view options]
    conflictmap geoparse FILE [--json]
    conflictmap data add PATH|URL [...]      GeoNames country dumps or boundary files
    conflictmap data list
    conflictmap [--db PATH] serve [--port 8501] [--headless]
    conflictmap [--db PATH] import FILE [FILE...] [--format acled|ucdp|generic|auto] [--map COLUMN=FIELD ...]
    conflictmap [--db PATH] incidents split ID     take one report out of a merged incident
    conflictmap evaluate-incidents FILE [--dateline next-day|event|none|all] [--no-geo] [--show N]
    conflictmap evaluate ...                       (the geoparser evaluation: loaders.evaluate)

Errors are one line on stderr (``conflictmap: error: ...``), never a traceback: every error meant
for the user is a :class:`conflictmap.errors.ConflictmapError`, reported with its ``exit_code``
(1 for bad input or data, 2 for a wrong command line, argparse's convention). Anything else is a
bug, reported in one line with its class name (``CONFLICTMAP_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from conflictmap.errors import ConflictmapError, ExportError, InputError, StoreError, UsageError

__all__ = ["build_parser", "data_kind", "main"]

PROG = "conflictmap"
GEONAMES_COLUMNS = 19
BOUNDARY_SUFFIXES = {".shp", ".gpkg", ".geojson", ".json", ".zip"}
GEONAMES_SUFFIXES = {".txt", ".gz", ".zip"}
#: conflictmap.exports.FORMATS, not imported here: geopandas would slow the start of every command
EXPORT_FORMATS = ("geojson", "csv", "gpkg", "kml")


def _say_error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def _note_first_gazetteer_build() -> None:
    """Say why the first geoparse after installing (or adding data) takes a while."""
    try:
        from geodata.gazetteer import index_folder

        if not (index_folder() / "names.automaton").exists():
            print(f"{PROG}: building the gazetteer index (first run or new data, about 20 s)…", file=sys.stderr)
    except Exception:  # noqa: BLE001 - only a courtesy message
        pass


# --------------------------------------------------------------------------- ingest


def _progress_printer(enabled: bool):
    """A progress bar on stderr (a terminal), else a line every tenth of the way; None when off."""
    if not enabled:
        return None
    tty = sys.stderr.isatty()
    last = [-1]

    def show(p: Any) -> None:
        total = max(p.total, 1)
        if tty:
            filled = int(30 * p.done / total)
            print(
                f"\r[{'#' * filled}{'.' * (30 - filled)}] {p.done}/{p.total} articles  {p.rate:.1f}/s",
                end="" if p.done < p.total else "\n",
                file=sys.stderr,
                flush=True,
            )
        elif p.done * 10 // total > last[0] or p.done == p.total:
            last[0] = p.done * 10 // total
            print(
                f"{PROG}: {p.done}/{p.total} articles ({p.inserted} new, {p.skipped} already stored)",
                file=sys.stderr,
                flush=True,
            )

    return show


def cmd_ingest_batch(args: argparse.Namespace) -> int:
    """Folders, corpora, feeds and URL lists, or any source with --workers/--scheduler (loaders.batch)."""
    from conflictmap.store import Store
    from loaders.articles import check_date
    from loaders.batch import run_batch
    from loaders.sources import iter_articles

    check_date(args.date)  # ArticleError names the bad date
    _note_first_gazetteer_build()
    items = iter_articles(
        args.paths, online=not args.offline, title=args.title, date=args.date, source_name=args.source, url=args.url
    )
    with Store(args.db) as store:
        result = run_batch(
            store,
            items,
            workers=args.workers or 0,
            scheduler=args.scheduler,
            batch_size=args.batch_size,
            progress=_progress_printer(not args.no_progress),
            label=" ".join(map(str, args.paths))[:500],
        )
    for err in result.failed:
        _say_error(str(err))
    print(
        f"{result.total} article(s): {result.inserted} new, {result.skipped} already in the store, "
        f"{result.incidents} incident report(s); {len(result.failed)} unreadable"
        + (f"; {result.throughput:.1f} articles/s" if result.analysed else "")
    )
    return 1 if result.failed else 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from conflictmap.errors import ArticleError
    from conflictmap.store import Store
    from loaders.ingest import ingest
    from loaders.sources import kind_of

    if args.workers is not None or args.scheduler or any(kind_of(p) != "article" for p in args.paths):
        return cmd_ingest_batch(args)

    if len(args.paths) > 1 and (args.title or args.url):
        print(f"{PROG}: note: --title/--url apply to every file given", file=sys.stderr)
    failed = 0
    _note_first_gazetteer_build()
    with Store(args.db) as store:
        for path in args.paths:
            try:
                result = ingest(
                    store, Path(path), title=args.title, date=args.date, source_name=args.source, url=args.url
                )
            except ArticleError as exc:
                failed += 1
                _say_error(str(exc))
                continue
            title = result.title or "(untitled)"
            if not result.inserted:
                print(f"{path}: {title} — already in the store, nothing changed")
                continue
            line = f"{path}: {title} — {result.places} place{'s' if result.places != 1 else ''} found"
            if result.unresolved:
                names = ", ".join(dict.fromkeys(m.text for m in result.unresolved))
                line += f", {len(result.unresolved)} unresolved ({names})"
            else:
                line += ", 0 unresolved"
            print(line)
    if failed:
        _say_error(f"{failed} of {len(args.paths)} file(s) could not be read (the others were ingested)")
        return 1
    return 0


# --------------------------------------------------------------------------- export


def cmd_export(args: argparse.Namespace) -> int:
    """The view's layers (dashboard filters, extent, layers) to GeoJSON, CSV, GeoPackage or KML."""
    from conflictmap.exports import (
        SUFFIXES,
        export_filename,
        export_view_bytes,
        format_of,
        view_layers,
        write_atomically,
    )
    from conflictmap.exports.layers import summary
    from conflictmap.store import Store
    from conflictmap.view_args import view_from_args

    try:
        view = view_from_args(args)
        named = SUFFIXES.get(Path(args.output).suffix.lower()) if args.output not in (None, "-") else None
        if args.format and named and named != args.format:
            raise UsageError(f"--format {args.format} but {args.output} is named as {named}")
        fmt = args.format or (format_of(args.output) if args.output not in (None, "-") else "geojson")
    except (ValueError, ExportError) as exc:  # a wrong command line: exit 2, as argparse does
        _say_error(str(exc))
        return 2
    if args.output == "-" and fmt == "gpkg":
        raise ExportError("-o -: a GeoPackage cannot be written to stdout; give a file name with -o")
    output = Path(args.output or export_filename(view, fmt))
    _check_output_and_store(args, output)
    with Store(args.db) as store:
        layers = view_layers(store, view)
        data = export_view_bytes(store, view, fmt, layers=layers)
    if args.output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    write_atomically(output, data)
    total = sum(len(gdf) for gdf in layers.values())
    print(f"{total} feature{'s' if total != 1 else ''} written to {output} ({summary(layers)})", file=sys.stderr)
    return 0


def _check_output_and_store(args: argparse.Namespace, output: Path) -> None:
    """Before any work: the output's folder exists and so does the store."""
    if args.output != "-" and not output.parent.exists():
        raise ExportError(f"cannot write {output}: folder {output.parent} does not exist")
    if not Path(args.db).exists():
        raise StoreError(f"no store at {args.db}; ingest articles first (conflictmap ingest FILE)")


# --------------------------------------------------------------------------- render

RENDER_FORMATS = ("png", "svg", "pdf")
_STATIC_ONLY = {
    "dpi": "--dpi",
    "paper": "--paper",
    "labels": "--labels",
    "no_legend": "--no-legend",
    "all_points": "--all-points",
}


def _render_format(args: argparse.Namespace) -> str:
    """--format, else the -o suffix, else png; UsageError when they disagree or cannot tell."""
    suffix = Path(args.output).suffix.lower().lstrip(".") if args.output not in (None, "-") else ""
    if args.format and suffix and suffix != args.format:
        raise UsageError(f"--format {args.format} but the output file ends in .{suffix}")
    fmt = args.format or suffix or "png"
    if fmt not in RENDER_FORMATS:
        raise UsageError(
            f"cannot tell the image format from '{Path(args.output).name}': use .png, .svg or .pdf, or give --format"
        )
    if args.capture:
        if fmt == "svg":
            raise UsageError("--capture makes PNG or PDF (a browser screenshot has no SVG)")
        if args.theme != "light":
            raise UsageError("--theme applies to the static renderer, not --capture")
        for name, flag in _STATIC_ONLY.items():
            if getattr(args, name):
                raise UsageError(f"{flag} applies to the static renderer, not --capture")
    return fmt


def cmd_render(args: argparse.Namespace) -> int:
    """A presentation map of a view: drawn with matplotlib, or (--capture) the interactive map
    photographed in headless Chromium."""
    from conflictmap.exports import export_filename, write_atomically
    from conflictmap.store import Store
    from conflictmap.view_args import view_from_args

    try:
        view = view_from_args(args)
        fmt = _render_format(args)
    except ValueError as exc:  # a wrong command line: usage and one line, exit 2
        args.render_parser.error(str(exc))
    output = Path(args.output or Path(export_filename(view, "geojson")).with_suffix(f".{fmt}"))
    _check_output_and_store(args, output)
    with Store(args.db) as store:
        if args.capture:
            from dashboard.capture import capture_map

            data = capture_map(
                store,
                view,
                width=args.width or 1920,
                height=args.height or 1080,
                fmt=fmt,
                title=args.title,
                subtitle=args.subtitle,
            )
        else:
            from dashboard.static_map import render_map

            data = render_map(
                store,
                view,
                fmt=fmt,
                width=args.width,
                height=args.height,
                dpi=args.dpi,
                theme=args.theme,
                labels=args.labels,
                title=args.title,
                subtitle=args.subtitle,
                legend=not args.no_legend,
                paper=args.paper,
                all_points=args.all_points,
            )
    if args.output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    write_atomically(output, data)
    print(f"{fmt.upper()} map written to {output} ({len(data) / 1e3:,.0f} kB)", file=sys.stderr)
    return 0


def _int_in(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is out of range ({low}–{high})")
        return value

    return parse


def _add_render_parser(sub: Any) -> None:
    from conflictmap.view_args import add_view_options

    p = sub.add_parser(
        "render",
        help="draw a presentation map of a view (PNG, SVG or PDF)",
        description="A presentation map of a view as the dashboard shows it (filters, extent, "
        "layers, mode), with title, legend, scale bar, north arrow, inset and sources.",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="output file (.png, .svg, .pdf), or - for stdout (default: conflictmap-<dates>.<format>)",
    )
    p.add_argument("--format", "-f", choices=RENDER_FORMATS, help="image format (default: from -o, else png)")
    p.add_argument("--width", type=_int_in(200, 20000), metavar="PX", help="width in pixels (default 1920)")
    p.add_argument("--height", type=_int_in(200, 20000), metavar="PX", help="height in pixels (default 1080)")
    p.add_argument("--dpi", type=_int_in(10, 1200), help="dots per inch (default 100; 300 with --theme print)")
    p.add_argument(
        "--paper",
        choices=("a4", "a3", "letter"),
        help="page size from a landscape paper at --dpi (e.g. --theme print --paper a4)",
    )
    p.add_argument(
        "--theme",
        choices=("light", "print"),
        default="light",
        help="light (the dashboard's colours) or print (white, greyscale-safe, 300 dpi)",
    )
    p.add_argument("--labels", action="store_true", help="label the places (never overlapping)")
    p.add_argument("--no-legend", action="store_true", help="leave the legend out")
    p.add_argument("--title", help="title (default: words for the view)")
    p.add_argument("--subtitle", help="subtitle (default: the dates and filters in words)")
    p.add_argument(
        "--all-points",
        action="store_true",
        help="every incident as a point, even past the dashboard's 20,000-point limit",
    )
    p.add_argument(
        "--capture",
        action="store_true",
        help="photograph the interactive map in headless Chromium instead (PNG or PDF)",
    )
    add_view_options(p)
    p.set_defaults(func=cmd_render, render_parser=p)


# --------------------------------------------------------------------------- geoparse


def cmd_geoparse(args: argparse.Namespace) -> int:
    from loaders.articles import read_article
    from loaders.geoparse import geoparse

    article = read_article(Path(args.file))
    _note_first_gazetteer_build()
    mentions = geoparse(article.text, lang=article.lang)
    if args.json:
        json.dump([m.to_dict() for m in mentions], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not mentions:
        print("no places found")
        return 0
    for m in mentions:
        where = f"{m.lat:.4f}, {m.lon:.4f}" if m.resolved else "UNRESOLVED"
        admin = "/".join(x for x in (m.country, m.admin1) if x)
        print(
            f"{m.start:>6}-{m.end:<6} {m.text!s:<24} {m.kind:<8} {m.name or '':<24} {where:<20} {admin:<20} {m.confidence:.2f}"
        )
    resolved = sum(m.resolved for m in mentions)
    print(f"{len(mentions)} mentions, {resolved} resolved, {len(mentions) - resolved} unresolved")
    return 0


# --------------------------------------------------------------------------- data


def _download(url: str, workdir: Path) -> Path:
    import urllib.error
    import urllib.parse
    import urllib.request

    name = Path(urllib.parse.urlparse(url).path).name or "download"
    target = workdir / name
    try:
        with urllib.request.urlopen(url, timeout=60) as response, target.open("wb") as fh:
            while chunk := response.read(1 << 20):
                fh.write(chunk)
    except urllib.error.HTTPError as exc:
        raise ConflictmapError(f"could not download {url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ConflictmapError(
            f"could not download {url} ({reason}); are you offline? Download it and give the file path"
        ) from None
    return target


def _first_line(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
            return fh.readline()
    if suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.filename.lower().endswith(".txt") and "readme" not in info.filename.lower():
                    with zf.open(info) as fh:
                        return fh.readline().decode("utf-8", errors="replace")
        return ""
    with path.open("r", encoding="utf-8", errors="replace") as fh:
        return fh.readline()


def data_kind(path: Path) -> str:
    """``"geonames"`` or ``"boundaries"`` for a data file, or InputError saying why neither."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                if any(n.lower().endswith(".shp") for n in zf.namelist()):
                    return "boundaries"
        if suffix in GEONAMES_SUFFIXES and len(_first_line(path).rstrip("\r\n").split("\t")) == GEONAMES_COLUMNS:
            return "geonames"
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise InputError(f"{path}: cannot read the file ({exc})") from None
    if suffix in BOUNDARY_SUFFIXES - {".zip"}:
        return "boundaries"
    raise InputError(
        f"{path}: not a GeoNames dump (.txt/.gz/.zip with 19 tab-separated columns) nor a boundary file "
        "(.shp, .gpkg, .geojson, .json, or .zip holding a shapefile)"
    )


def cmd_data_add(args: argparse.Namespace) -> int:
    failed = 0
    with tempfile.TemporaryDirectory(prefix="conflictmap-download-") as tmp:
        for item in args.paths:
            try:
                if item.startswith(("http://", "https://")):
                    print(f"downloading {item} …", file=sys.stderr)
                    path = _download(item, Path(tmp))
                else:
                    path = Path(item)
                    if not path.exists():
                        raise ConflictmapError(f"{path}: no such file")
                kind = data_kind(path)
                if kind == "geonames":
                    from geodata.gazetteer import add_geonames_dump

                    result: object = add_geonames_dump(path)
                else:
                    from geodata.userdata import add_boundaries

                    result = add_boundaries(path)
            except ConflictmapError as exc:  # the data modules' messages name the file
                failed += 1
                _say_error(str(exc) if str(exc).startswith(str(item)) else f"{item}: {exc}")
                continue
            except OSError as exc:
                failed += 1
                _say_error(f"{item}: {exc}")
                continue
            print(f"{item}: added as {'GeoNames gazetteer' if kind == 'geonames' else 'boundaries'}{_describe(result)}")
    return 1 if failed else 0


def _describe(result: Any) -> str:
    """A short summary of what an ``add_*`` function returned (rows kept, problems, where stored)."""
    if result is None or result == "":
        return ""
    parts = []
    if hasattr(result, "rows_kept"):
        parts.append(f"{result.rows_kept:,} places kept")
        if getattr(result, "rows_not_relevant", 0):
            parts.append(f"{result.rows_not_relevant:,} of other kinds left out")
        if getattr(result, "rows_bad", 0):
            parts.append(f"{result.rows_bad:,} bad rows skipped")
    elif not hasattr(result, "__dataclass_fields__"):
        return f" — {result}"
    for name in ("features", "layers", "level", "levels"):
        if getattr(result, name, None) not in (None, "", [], ()):
            value = getattr(result, name)
            parts.append(f"{name}: {len(value) if isinstance(value, (list, tuple)) else value}")
    if getattr(result, "stored", None):
        parts.append(f"stored in {result.stored}")
    text = " — " + ", ".join(parts) if parts else ""
    for problem in list(getattr(result, "problems", None) or [])[:5]:
        text += f"\n  skipped: {problem}"
    return text


def cmd_data_list(args: argparse.Namespace) -> int:
    from geodata.paths import user_data_dir

    root = user_data_dir()
    files = sorted(p for p in root.rglob("*") if p.is_file())
    if not files:
        print(f"no user data yet in {root} (add some with: conflictmap data add PATH)")
        return 0
    print(f"user data in {root}:")
    for p in files:
        print(f"  {p.relative_to(root)!s:<50} {p.stat().st_size / 1e6:8.2f} MB")
    return 0


# --------------------------------------------------------------------------- serve


def cmd_serve(args: argparse.Namespace) -> int:
    import dashboard

    app = Path(dashboard.__file__).resolve().parent / "app.py"
    if not app.exists():
        raise ConflictmapError(f"the dashboard is not installed ({app} missing)")
    argv = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.headless",
        "true" if args.headless else "false",
        "--server.port",
        str(args.port),
        "--browser.gatherUsageStats",
        "false",
        "--server.showEmailPrompt",
        "false",  # a first run must not stop at Streamlit's e-mail question
    ]
    os.environ["CONFLICTMAP_DB"] = str(Path(args.db).resolve())  # the app reads the same store
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "nt":  # no real exec on Windows: wait for the child and pass its exit code on
        import subprocess

        return subprocess.call(argv)
    os.execv(sys.executable, argv)  # replaces this process, so Ctrl-C reaches Streamlit directly
    return 0  # not reached


# --------------------------------------------------------------------------- event files


def cmd_import(args: argparse.Namespace) -> int:
    from conflictmap.store import Store
    from loaders.event_import import import_events, parse_mapping

    mapping = parse_mapping(args.map)
    failed = 0
    with Store(args.db) as store:
        for path in args.paths:
            try:
                result = import_events(
                    store, Path(path), format=args.format, mapping=mapping or None, dataset=args.dataset
                )
            except ConflictmapError as exc:  # names the file and, for a bad row, the row
                failed += 1
                _say_error(str(exc))
                continue
            print(result.summary())
            for problem in result.problems[: args.show_problems]:
                print(f"  skipped {problem}")
            if result.bad > min(len(result.problems), args.show_problems):
                print(f"  … and {result.bad - min(len(result.problems), args.show_problems):,} more bad rows")
    return 1 if failed else 0


def cmd_incidents_split(args: argparse.Namespace) -> int:
    from conflictmap.store import Store

    with Store(args.db) as store:
        others = store.split_incident(args.id)
    if not others:
        print(f"report {args.id} was not merged with another; nothing changed")
    else:
        print(f"report {args.id} is now an incident on its own (was merged with {', '.join(map(str, others))})")
    return 0


def cmd_evaluate_incidents(args: argparse.Namespace) -> int:
    from loaders.incident_eval import main as evaluate_main

    return evaluate_main(args.rest)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from loaders.evaluate import main as evaluate_main

    return int(evaluate_main(list(args.rest)) or 0)


# --------------------------------------------------------------------------- parser


class _Parser(argparse.ArgumentParser):
    """argparse, but every usage error starts with ``conflictmap: error:`` (sub-commands too)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{PROG}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    from geodata.paths import default_db

    parser = _Parser(prog=PROG, description="Map the places named in conflict reporting.")
    parser.add_argument("--db", type=Path, default=None, help=f"the store (default: {default_db()})")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="read articles, find their places, keep them in the store")
    p.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help=".txt/.md/.html article, folder, .jsonl/.csv corpus, RSS/Atom feed, .urls list or URL",
    )
    p.add_argument("--title", help="article title (default: from the file)")
    p.add_argument("--date", help="publication date, YYYY-MM-DD")
    p.add_argument("--source", help="publication or outlet name")
    p.add_argument("--url", help="where the article was published")
    p.add_argument(
        "--workers", type=int, default=None, metavar="N", help="geoparse on a local Dask cluster of N worker processes"
    )
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="use an existing Dask cluster")
    p.add_argument("--batch-size", type=int, default=100, metavar="N", help="articles per transaction (default 100)")
    p.add_argument("--offline", action="store_true", help="do not fetch URLs (feeds and pages)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    from conflictmap.view_args import add_view_options

    p = sub.add_parser(
        "export",
        help="write a view's incidents, places, alliances and areas to a file",
        description="Export a view as the dashboard shows it: the same filters, extent and layers "
        "(a layer switched off is exported empty; the basemap's borders never are).",
    )
    p.add_argument(
        "--format",
        "-f",
        choices=EXPORT_FORMATS,
        default=None,
        help="file format (default: from the -o suffix, else geojson)",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="output file, or - for stdout (default: conflictmap-<dates>.<format> in this folder)",
    )
    add_view_options(p, display=False)
    p.set_defaults(func=cmd_export)

    _add_render_parser(sub)

    p = sub.add_parser("geoparse", help="print the places found in one article (stores nothing)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true", help="a JSON list of mentions")
    p.set_defaults(func=cmd_geoparse)

    data = sub.add_parser("data", help="add or list your own gazetteer and boundary data")
    data_sub = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    p = data_sub.add_parser("add", help="add GeoNames dumps or boundary files (paths or http(s) URLs)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(func=cmd_data_add)
    p = data_sub.add_parser("list", help="show the data you added")
    p.set_defaults(func=cmd_data_list)

    p = sub.add_parser("serve", help="open the dashboard")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--headless", action="store_true", help="do not open a browser")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("import", help="import event files (ACLED, UCDP GED, or any CSV/GeoJSON/GeoPackage)")
    p.add_argument("paths", nargs="+", metavar="FILE")
    p.add_argument("--format", choices=("acled", "ucdp", "generic", "auto"), default="auto")
    p.add_argument(
        "--map",
        action="append",
        metavar="COLUMN=FIELD",
        help="for a generic file: which column holds which field (repeatable), e.g. --map date=event_date",
    )
    p.add_argument("--dataset", help="name of the dataset (default: acled, ucdp-ged, or the file name)")
    p.add_argument("--show-problems", type=int, default=20, metavar="N", help="print the first N bad rows (default 20)")
    p.set_defaults(func=cmd_import)

    inc = sub.add_parser("incidents", help="manage incidents")
    inc_sub = inc.add_subparsers(dest="incidents_command", required=True, metavar="ACTION")
    p = inc_sub.add_parser("split", help="take a report out of the incident it was merged into")
    p.add_argument("id", type=int, metavar="ID")
    p.set_defaults(func=cmd_incidents_split)

    p = sub.add_parser("evaluate-incidents", help="score incident extraction on an ACLED file's notes", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_evaluate_incidents)

    p = sub.add_parser("evaluate", help="score the geoparser (arguments go to loaders.evaluate)", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_evaluate)
    return parser


_PASSTHROUGH = {"evaluate": cmd_evaluate, "evaluate-incidents": cmd_evaluate_incidents}


def _passthrough(argv: list[str]) -> tuple[str, list[str]] | None:
    """``evaluate``/``evaluate-incidents`` hand all their arguments (``--help`` too) to their module."""
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] == "--db" else 1
    if i < len(argv) and argv[i] in _PASSTHROUGH:
        return argv[i], argv[i + 1 :]
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    direct = _passthrough(argv)
    if direct is not None:
        name, rest = direct
        return _run(lambda: _PASSTHROUGH[name](argparse.Namespace(rest=rest)))
    from conflictmap.view_args import join_negative_values

    parser = build_parser()
    args = parser.parse_args(join_negative_values(argv))
    if args.db is None:
        from geodata.paths import default_db

        args.db = default_db()
    return _run(lambda: args.func(args))


def _run(command: Callable[[], int | None]) -> int:
    """Run a command; report every error as one line and return the exit code (never a traceback,
    unless ``CONFLICTMAP_DEBUG`` is set)."""
    debug = bool(os.environ.get("CONFLICTMAP_DEBUG"))
    try:
        return int(command() or 0)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:  # `conflictmap export -o - | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except ConflictmapError as exc:  # written for the user: the message as it is
        if debug:
            raise
        _say_error(str(exc) or exc.__class__.__name__)
        return exc.exit_code
    except OSError as exc:  # a file the system refused (permissions, a full disk): its own words
        if debug:
            raise
        _say_error(str(exc))
        return 1
    except Exception as exc:  # a bug: still one line, with the error's class to report it by
        if debug:
            raise
        _say_error(f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__)
        return 1


if __name__ == "__main__":
    sys.exit(main())
