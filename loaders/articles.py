"""Read one article (plain text, Markdown or HTML) into an :class:`Article`.

The reader is deliberately strict about what it refuses and lenient about what it accepts:
anything that decodes to readable text is taken; empty, binary and oversize input is refused with
an :class:`ArticleError` whose message can be shown to the analyst as it is.
"""

from __future__ import annotations

import codecs
import os
import re
import unicodedata
from datetime import date as _date
from html.parser import HTMLParser
from pathlib import Path

from conflictmap.errors import ArticleError
from conflictmap.records import Article, normalise_text

__all__ = [  # Article and ArticleError live in conflictmap; they are named here where readers look for them
    "DEFAULT_MAX_BYTES",
    "HTML_SUFFIXES",
    "MARKDOWN_SUFFIXES",
    "SUPPORTED",
    "TEXT_SUFFIXES",
    "TITLE_MAX_CHARS",
    "Article",
    "ArticleError",
    "check_date",
    "guess_lang",
    "read_article",
]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
TITLE_MAX_CHARS = 200

TEXT_SUFFIXES = {".txt", ".text", ""}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
SUPPORTED = sorted((TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES) - {""})


# --------------------------------------------------------------------------- public entry point


def read_article(
    source: str | os.PathLike[str] | bytes,
    *,
    filename: str | None = None,
    title: str | None = None,
    date: str | _date | None = None,
    source_name: str | None = None,
    url: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Article:
    """Read a file path (``str``/``Path``) or raw ``bytes`` into an :class:`Article`.

    ``filename`` names the bytes (an upload) so its suffix picks the format; for a path it
    defaults to the path's name. Given ``title``/``date`` win over what the file says.
    """
    iso_date = check_date(date)
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = filename or "upload"
        if len(data) > max_bytes:
            raise ArticleError(_too_big(name, len(data), max_bytes))
        path_str = None
    else:
        path = Path(source)
        name = filename or path.name
        data = _read_limited(path, max_bytes)
        path_str = str(path)

    suffix = Path(name).suffix.lower()
    if suffix not in TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES:
        raise ArticleError(f"{name}: unsupported file type '{suffix}'; conflictmap reads {', '.join(SUPPORTED)} files")
    if not data.strip():
        raise ArticleError(f"{name}: the file is empty")
    kind = _binary_kind(data)
    if kind:
        raise ArticleError(f"{name}: looks like a binary file ({kind}), not an article; save it as text or HTML first")

    raw = _decode(data, name)
    if _printable_ratio(raw) < 0.95:
        raise ArticleError(f"{name}: looks like a binary file (mostly unprintable characters), not an article")

    meta_title = meta_date = meta_url = None
    is_html = suffix in HTML_SUFFIXES or (suffix in TEXT_SUFFIXES and _looks_like_html(raw))
    if is_html:
        text, meta_title, meta_date, meta_url = _html_text(raw)
    elif suffix in MARKDOWN_SUFFIXES:
        text, meta_title = _markdown_text(raw)
    else:
        text = raw
    text = normalise_text(text)
    if not text:
        raise ArticleError(f"{name}: no readable text found in the file")

    if title is None:
        title = meta_title
    if title is None and not is_html and suffix not in MARKDOWN_SUFFIXES:
        first = text.split("\n", 1)[0].strip()
        if first and len(first) <= TITLE_MAX_CHARS:
            title = first
    if iso_date is None and meta_date:
        try:
            iso_date = check_date(meta_date[:10])
        except ArticleError:
            iso_date = None  # a page's own date is a hint, never a reason to refuse it
    return Article(
        text=text,
        title=_clean_title(title),
        date=iso_date,
        source=source_name,
        url=url or meta_url,
        path=path_str or (filename if filename else None),
        lang=guess_lang(text),
    )


# --------------------------------------------------------------------------- bytes → str


def _too_big(name: str, size: int, limit: int) -> str:
    return f"{name}: the file is {size / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit for one article"


def _read_limited(path: Path, max_bytes: int) -> bytes:
    """Read a file, refusing it from its size on disk before any byte is read into memory."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ArticleError(f"{path}: no such file") from None
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    if path.is_dir():
        raise ArticleError(f"{path}: is a folder, not a file")
    if size > max_bytes:
        raise ArticleError(_too_big(path.name, size, max_bytes))
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)  # a file that grew since stat() is still capped
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise ArticleError(_too_big(path.name, len(data), max_bytes))
    return data


# Magic numbers for the binary files people most often drop by mistake.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"%PDF-", "PDF document"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Microsoft Office document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"{\\rtf", "RTF document"),
    (b"\x7fELF", "program"),
    (b"MZ", "Windows program"),
    (b"SQLite format 3\x00", "SQLite database"),
)


def _binary_kind(data: bytes) -> str | None:
    """Name the binary format when we can tell, ``"binary data"`` on NUL bytes, else None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP image"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return None  # UTF-16/32 text is full of NUL bytes
    if b"\x00" in data[:65536]:
        return "binary data"
    return None


def _decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16/32 with BOM, else what charset-normalizer finds."""
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                raise ArticleError(f"{name}: starts like {enc.upper()} text but does not decode as it") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    if best is None:
        raise ArticleError(f"{name}: cannot tell the text encoding; save the file as UTF-8 and try again")
    # On a short text, single-byte code pages often tie (cp1250 reads "à" as "ŕ" just as happily).
    # Our articles are French or English, saved by Windows software as cp1252 or Latin-1, so among
    # the candidates as good as the best one, those win.
    ties = [m for m in results if m.chaos <= best.chaos + 0.01 and m.coherence >= best.coherence - 0.01]
    for preferred in _WESTERN:
        for match in ties:
            if match.encoding == preferred:
                return str(match)
    return str(best)


_WESTERN = ("cp1252", "latin_1", "iso8859_15")


_LAYOUT = str.maketrans("", "", "\n\r\t\f\v")


def _printable_ratio(text: str) -> float:
    sample = text[:65536]
    if not sample:
        return 1.0
    if sample.translate(_LAYOUT).isprintable():  # the common case, in C
        return 1.0
    ok = sum(1 for ch in sample if ch.isprintable() or ch in "\n\r\t\f\v")
    return ok / len(sample)


_HTML_SNIFF = re.compile(r"\A\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE)


def _looks_like_html(text: str) -> bool:
    return bool(_HTML_SNIFF.match(text[:2048]))


# --------------------------------------------------------------------------- formats


def _html_text(html: str) -> tuple[str, str | None, str | None, str | None]:
    """Main text via trafilatura (comments dropped), else every visible text node.

    Returns ``(text, title, date, url)``; the last three come from the page's metadata.
    """
    import trafilatura
    from trafilatura.metadata import extract_metadata

    text: str | None = None
    title = page_date = page_url = None
    try:
        text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True)
        meta = extract_metadata(html)
        if meta is not None:
            title, page_date, page_url = meta.title, meta.date, meta.url
    except Exception:  # noqa: BLE001 - trafilatura/lxml choke on some broken markup; the fallback still reads it
        text = None
    fallback = _VisibleText()
    if not text or not text.strip() or not title:
        fallback.feed(html)
        fallback.close()
    if not text or not text.strip():
        text = fallback.text()
    return text, title or fallback.title or None, page_date, page_url


class _VisibleText(HTMLParser):
    """Text a reader would see: never what sits inside script, style, template or similar."""

    _HIDDEN = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object"})
    _BLOCK = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "ul",
            "ol",
            "tr",
            "table",
            "section",
            "article",
            "header",
            "footer",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "blockquote",
            "pre",
            "figcaption",
            "hr",
        }
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._hidden = 0
        self._in_title = False
        self.title = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BLOCK:
            self._parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCK:
            self._parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._hidden:
            self._parts.append(data)

    def text(self) -> str:
        joined = "".join(self._parts)
        lines = (re.sub(r"[ \t\f\v\xa0]+", " ", line).strip() for line in joined.split("\n"))
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_MD_RULES = (
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.M), r"\1"),  # ATX headings
    (re.compile(r"^[ \t]{0,3}(=+|-+)[ \t]*$", re.M), ""),  # setext underlines
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images → alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links → their text
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.M), ""),  # block quotes
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),  # emphasis *x*
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),  # emphasis _x_
    (re.compile(r"`([^`]*)`"), r"\1"),  # inline code
)
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)


def _markdown_text(md: str) -> tuple[str, str | None]:
    """Strip Markdown syntax lightly (text stays readable, offsets are not preserved)."""
    heading = _MD_HEADING.search(md)
    title = None
    if heading:
        title = heading.group(1)
        for pattern, repl in _MD_RULES[2:]:
            title = pattern.sub(repl, title)
    for pattern, repl in _MD_RULES:
        md = pattern.sub(repl, md)
    return md, title


def _clean_title(title: str | None) -> str | None:
    if title is None:
        return None
    title = " ".join(unicodedata.normalize("NFC", title).split())
    return title or None


def check_date(value: str | _date | None) -> str | None:
    """An ISO ``YYYY-MM-DD`` string from a date or string, or :class:`ArticleError` saying why not."""
    if value is None or value == "":
        return None
    if isinstance(value, _date):
        return value.isoformat()[:10]
    value = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ArticleError(f"date '{value}' is not an ISO date; write it as YYYY-MM-DD, e.g. 2023-09-16")
    try:
        return _date.fromisoformat(value).isoformat()
    except ValueError:
        raise ArticleError(f"date '{value}' does not exist in the calendar") from None


# --------------------------------------------------------------------------- language

# The commonest function words of each language, minus those they share ("de" is not English,
# but "on"/"en"/"a" exist in both). The guess is the language with more hits, if there are at
# least two and half as many again as the other language; otherwise None (the geoparser then
# tries both languages' cues).
_STOPWORDS = {
    "en": frozenset(
        "the and of to in is that for with was were are by from this have has had which their "
        "they said been will would not but its it as at an or".split()
    ),
    "fr": frozenset(
        "le la les des du de et est dans une un pour que qui sur par avec sont ont été au aux "
        "ce cette il elle ils se pas plus selon lors leur".split()
    ),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def guess_lang(text: str, *, sample_chars: int = 20000) -> str | None:
    """``"en"``, ``"fr"`` or None from stopword counts over the first ``sample_chars`` characters."""
    counts = dict.fromkeys(_STOPWORDS, 0)
    for word in _WORD.findall(text[:sample_chars].lower()):
        for lang, words in _STOPWORDS.items():
            if word in words:
                counts[lang] += 1
    en, fr = counts["en"], counts["fr"]
    if max(en, fr) < 2 or max(en, fr) < 1.5 * min(en, fr):
        return None
    return "en" if en > fr else "fr"
