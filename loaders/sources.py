"""Many sources → one stream of :class:`~loaders.articles.Article`.

A *source* is what the analyst names on the command line or drops in the app:

* an article file (``.txt``, ``.md``, ``.html``…) — read by :func:`loaders.articles.read_article`;
* a folder — every article file and corpus under it, recursively, in name order;
* a corpus — ``.jsonl``/``.ndjson`` (one JSON object a line) or ``.csv``/``.tsv`` (a header row),
  one article per row with a ``text`` column (also ``body``/``content``) and optional ``title``,
  ``date``, ``url``, ``source``, ``lang``;
* a feed — an RSS/Atom file (``.rss``, ``.atom``, ``.xml``) or an ``http(s)://`` feed URL, read
  with feedparser: one article per entry (its content, else its summary);
* a URL list — ``.urls`` (one URL a line, ``#`` comments), each page fetched when online and its
  main text extracted by trafilatura; a single ``http(s)://`` page URL is the same.

:func:`iter_articles` yields ``Article`` or :class:`SourceError` items (never raises on one bad
item: a corpus with one broken row still gives the others). Nothing here touches the store.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from loaders.articles import (
    HTML_SUFFIXES,
    MARKDOWN_SUFFIXES,
    TEXT_SUFFIXES,
    Article,
    ArticleError,
    check_date,
    read_article,
)

CORPUS_SUFFIXES = {".jsonl", ".ndjson", ".csv", ".tsv"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
URL_LIST_SUFFIXES = {".urls"}
ARTICLE_SUFFIXES = (TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES) - {""}
TEXT_COLUMNS = ("text", "body", "content", "article", "full_text")

#: ``fetch(url) -> bytes | str | None``: how a page or feed is downloaded (tests pass their own).
Fetcher = Callable[[str], "bytes | str | None"]

_URL = re.compile(r"^https?://", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SourceError:
    """One item that could not be read: where (``file``, ``file#L12``, a URL) and why."""

    where: str
    message: str

    def __str__(self) -> str:
        return self.message if self.message.startswith(self.where) else f"{self.where}: {self.message}"


def kind_of(source: str | os.PathLike[str]) -> str:
    """``article | folder | corpus | feed | urls | url``: how :func:`iter_articles` reads ``source``."""
    text = os.fspath(source)
    if _URL.match(text):
        return "url"
    path = Path(text)
    if path.is_dir():
        return "folder"
    suffix = path.suffix.lower()
    if suffix in CORPUS_SUFFIXES:
        return "corpus"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix in URL_LIST_SUFFIXES:
        return "urls"
    return "article"


def iter_articles(
    sources: Iterable[str | os.PathLike[str]],
    *,
    online: bool = True,
    fetch: Fetcher | None = None,
    **meta: Any,
) -> Iterator[Article | SourceError]:
    """Every article of every source, in order. ``meta`` (``title``, ``date``, ``source_name``,
    ``url``) fills what an article does not say itself. ``online=False`` refuses URLs with a
    :class:`SourceError` instead of fetching them; ``fetch`` replaces the downloader."""
    fetch = fetch or _fetch
    for source in sources:
        kind = kind_of(source)
        if kind == "folder":
            yield from _folder(Path(source), online=online, fetch=fetch, **meta)
        elif kind == "corpus":
            yield from _corpus(Path(source), **meta)
        elif kind == "feed":
            yield from _feed_file(Path(source), online=online, fetch=fetch, **meta)
        elif kind == "urls":
            yield from _url_list(Path(source), online=online, fetch=fetch, **meta)
        elif kind == "url":
            yield from _url(os.fspath(source), online=online, fetch=fetch, **meta)
        else:
            yield _one(partial(read_article, Path(source), **_article_meta(meta)), os.fspath(source))


# --------------------------------------------------------------------------- files and folders


def _article_meta(meta: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in meta.items() if k in {"title", "date", "source_name", "url"} and v is not None}


def _one(read: Callable[[], Article], where: str) -> Article | SourceError:
    try:
        return read()
    except ArticleError as exc:
        return SourceError(where, str(exc))


def _folder(folder: Path, **kw: Any) -> Iterator[Article | SourceError]:
    readable = ARTICLE_SUFFIXES | CORPUS_SUFFIXES | FEED_SUFFIXES | URL_LIST_SUFFIXES
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in readable
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    yield from iter_articles(files, **kw)


def _clean_date(value: Any) -> str | None:
    """A row's or entry's date as ``YYYY-MM-DD``; a date we cannot read is dropped, not an error."""
    if value in (None, ""):
        return None
    try:
        return check_date(str(value).strip()[:10])
    except ArticleError:
        return None


def _row_article(row: dict[str, Any], where: str, meta: dict[str, Any]) -> Article | SourceError:
    low = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    text = next((low[c] for c in TEXT_COLUMNS if isinstance(low.get(c), str) and low[c].strip()), None)
    if text is None:
        return SourceError(where, f"{where}: no text (expected a column named {' or '.join(TEXT_COLUMNS[:3])})")
    is_html = bool(re.match(r"\s*<", text)) and bool(re.search(r"</(p|div|body|html)>", text, re.IGNORECASE))
    title = low.get("title") or meta.get("title")
    try:
        article = read_article(
            text.encode("utf-8"),
            filename="row.html" if is_html else "row.txt",
            title=str(title) if title not in (None, "") else None,
            date=_clean_date(low.get("date") or low.get("published")) or meta.get("date"),
            source_name=low.get("source") or meta.get("source_name"),
            url=low.get("url") or low.get("link") or meta.get("url"),
        )
    except ArticleError as exc:
        return SourceError(where, str(exc).replace("row.txt", where).replace("row.html", where))
    lang = low.get("lang") or low.get("language")
    return dataclasses.replace(article, path=where, lang=str(lang) if lang else article.lang)


def _corpus(path: Path, **meta: Any) -> Iterator[Article | SourceError]:
    try:
        fh = path.open("r", encoding="utf-8-sig", newline="")
    except OSError as exc:
        yield SourceError(str(path), f"{path}: cannot read the file ({exc.strerror or exc})")
        return
    with fh:
        if path.suffix.lower() in {".jsonl", ".ndjson"}:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"{path}#L{n}"
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield SourceError(where, f"{where}: not a JSON object ({exc.msg})")
                    continue
                if not isinstance(row, dict):
                    yield SourceError(where, f"{where}: not a JSON object")
                    continue
                yield _row_article(row, where, meta)
        else:
            delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
            csv.field_size_limit(64 * 1024 * 1024)
            reader = csv.DictReader(fh, delimiter=delimiter)
            try:
                for row in reader:
                    yield _row_article(row, f"{path}#L{reader.line_num}", meta)
            except csv.Error as exc:
                yield SourceError(str(path), f"{path}: broken CSV near line {reader.line_num} ({exc})")


# --------------------------------------------------------------------------- feeds


def parse_feed(data: bytes | str, *, where: str, **meta: Any) -> Iterator[Article | SourceError]:
    """The articles of one RSS/Atom document (entries in feed order)."""
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries:
        if parsed.get("bozo"):
            yield SourceError(where, f"{where}: not an RSS/Atom feed ({parsed.get('bozo_exception')})")
        return
    feed_title = parsed.feed.get("title") if parsed.get("feed") else None
    for n, entry in enumerate(parsed.entries, 1):
        item = f"{where}#{n}"
        content = entry.get("content") or []
        body = next((c.get("value") for c in content if c.get("value")), None) or entry.get("summary") or ""
        if not body.strip():
            yield SourceError(item, f"{item}: the entry has no text")
            continue
        html = "<" in body and ">" in body
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        day = f"{stamp.tm_year:04d}-{stamp.tm_mon:02d}-{stamp.tm_mday:02d}" if stamp else None
        try:
            article = read_article(
                (f"<html><body>{body}</body></html>" if html else body).encode("utf-8"),
                filename="entry.html" if html else "entry.txt",
                title=entry.get("title") or meta.get("title"),
                date=_clean_date(day) or meta.get("date"),
                source_name=meta.get("source_name") or feed_title,
                url=entry.get("link") or meta.get("url"),
            )
        except ArticleError as exc:
            yield SourceError(item, f"{item}: {str(exc).split(': ', 1)[-1]}")
            continue
        yield dataclasses.replace(article, path=item)


def _feed_file(path: Path, **kw: Any) -> Iterator[Article | SourceError]:
    kw.pop("online", None), kw.pop("fetch", None)
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield SourceError(str(path), f"{path}: cannot read the file ({exc.strerror or exc})")
        return
    yield from parse_feed(data, where=str(path), **kw)


# --------------------------------------------------------------------------- URLs


def _fetch(url: str) -> bytes | str | None:
    import trafilatura

    return trafilatura.fetch_url(url)


def _looks_like_feed(data: bytes | str) -> bool:
    head = (data[:2048].decode("utf-8", "replace") if isinstance(data, bytes) else data[:2048]).lower()
    return "<rss" in head or "<feed" in head or "<rdf:rdf" in head


def _url(page: str, *, online: bool, fetch: Fetcher, **meta: Any) -> Iterator[Article | SourceError]:
    if not online:
        yield SourceError(page, f"{page}: offline, not fetched")
        return
    try:
        data = fetch(page)
    except Exception as exc:  # noqa: BLE001 - any network failure is one unreadable item
        data, why = None, str(exc)
    else:
        why = "nothing came back"
    if not data:
        yield SourceError(page, f"{page}: cannot fetch the page ({why})")
        return
    if _looks_like_feed(data):
        yield from parse_feed(data, where=page, **meta)
        return
    raw = data.encode("utf-8") if isinstance(data, str) else data
    yield _one(lambda: read_article(raw, filename="page.html", **{**_article_meta(meta), "url": page}), page)


def _url_list(path: Path, **kw: Any) -> Iterator[Article | SourceError]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        yield SourceError(str(path), f"{path}: cannot read the URL list ({exc})")
        return
    for n, line in enumerate(lines, 1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        if not _URL.match(url):
            yield SourceError(f"{path}#L{n}", f"{path}#L{n}: not an http(s) URL: {url[:80]}")
            continue
        yield from _url(url, **kw)


def read_bytes_source(data: bytes, filename: str, **meta: Any) -> Iterator[Article | SourceError]:
    """An uploaded file (the app's multi-file upload): an article, a corpus or a feed, by its name."""
    suffix = Path(filename).suffix.lower()
    if suffix in CORPUS_SUFFIXES or suffix in FEED_SUFFIXES:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(filename).name
            path.write_bytes(data)
            for item in iter_articles([path], online=False, **meta):
                yield _renamed(item, str(path), filename)
        return
    yield _one(lambda: read_article(data, filename=filename, **_article_meta(meta)), filename)


def _renamed(item: Article | SourceError, tmp: str, filename: str) -> Article | SourceError:
    """The item as if read from ``filename`` (an upload is read from a temporary copy)."""
    if isinstance(item, SourceError):
        return SourceError(item.where.replace(tmp, filename), item.message.replace(tmp, filename))
    if item.path and item.path.startswith(tmp):
        return dataclasses.replace(item, path=filename + item.path[len(tmp) :])
    return item


__all__ = [
    "ARTICLE_SUFFIXES",
    "CORPUS_SUFFIXES",
    "FEED_SUFFIXES",
    "TEXT_COLUMNS",
    "URL_LIST_SUFFIXES",
    "Fetcher",
    "SourceError",
    "iter_articles",
    "kind_of",
    "parse_feed",
    "read_bytes_source",
]
