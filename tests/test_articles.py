"""Reading articles: formats, encodings, and the inputs that must be refused with a clear message."""

from __future__ import annotations

import struct
import tracemalloc
import zlib
from pathlib import Path

import pytest

from loaders.articles import Article, ArticleError, guess_lang, read_article

FRENCH = "Des hommes armés ont attaqué un poste de la gendarmerie à Tillabéri, près de Ménaka, selon l'armée."


def _png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# --------------------------------------------------------------------------- formats


def test_seed_article_reads_with_title_and_english(seed_article: Path) -> None:
    article = read_article(seed_article)
    assert article.title == "Military Juntas of Mali, Niger and Burkina Faso Unite for Stability"
    assert "Gorgadji" in article.text
    assert article.lang == "en"
    assert article.path == str(seed_article)


def test_same_text_same_id_whatever_the_line_endings(tmp_path: Path) -> None:
    unix = tmp_path / "a.txt"
    dos = tmp_path / "b.txt"
    unix.write_bytes("Attaque à Djibo\n\nDes hommes armés.\n".encode())
    dos.write_bytes("\ufeffAttaque à Djibo\r\n\r\nDes hommes armés.\r\n  ".encode())
    assert read_article(unix).id == read_article(dos).id
    assert len(read_article(unix).id) == 64


def test_markdown_syntax_is_stripped() -> None:
    md = b"# Attaque a **Djibo**\n\nDes [hommes armes](https://example.org/x) ont *attaque* le poste.\n\n## Bilan\n"
    article = read_article(md, filename="note.md")
    assert article.title == "Attaque a Djibo"
    assert "Des hommes armes ont attaque le poste." in article.text
    for syntax in ("#", "**", "](", "https://example.org"):
        assert syntax not in article.text


def test_html_main_text_without_script_or_style() -> None:
    html = b"""<!doctype html><html><head>
      <title>Attaque <script>alert(1)</script> a Djibo</title>
      <style>body { color: red }</style><script>var tracking = "SECRET-SCRIPT";</script>
    </head><body>
      <nav>Accueil | Monde</nav>
      <article><h1>Attaque a Djibo</h1>
        <p>Des hommes armes ont attaque le poste de Djibo, dans la province du Soum.</p>
        <script>alert(1); document.write("SECRET-SCRIPT")</script>
        <p>Le bilan provisoire fait etat de plusieurs victimes selon des sources locales.</p>
      </article>
      <style>.ad { display:none }</style>
    </body></html>"""
    article = read_article(html, filename="page.html")
    assert "Djibo" in article.text
    assert "SECRET-SCRIPT" not in article.text
    assert "alert(1)" not in article.text
    assert "display:none" not in article.text and "color: red" not in article.text
    assert article.title and "Djibo" in article.title  # the literal title; the map escapes it


def test_tiny_html_falls_back_to_visible_text() -> None:
    article = read_article(b"<html><body><p>Kidal.</p><script>evil()</script></body></html>", filename="x.htm")
    assert article.text == "Kidal."


def test_unsupported_suffix_is_refused() -> None:
    with pytest.raises(ArticleError, match=r"unsupported file type '\.docx'"):
        read_article(b"hello", filename="report.docx")


# --------------------------------------------------------------------------- encodings


def test_latin1_french_keeps_its_accents(tmp_path: Path) -> None:
    path = tmp_path / "depeche.txt"
    path.write_bytes(FRENCH.encode("latin-1"))
    article = read_article(path)
    assert "Tillabéri" in article.text and "Ménaka" in article.text and "armés" in article.text
    assert article.lang == "fr"


def test_cp1252_with_typographic_quotes(tmp_path: Path) -> None:
    text = "« Des hommes armés » ont attaqué Tillabéri — l’armée a riposté à Ménaka."
    path = tmp_path / "cp.txt"
    path.write_bytes(text.encode("cp1252"))
    assert read_article(path).text == text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_unicode_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(FRENCH.encode(encoding))
    assert read_article(path).text == FRENCH


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  "])
def test_empty_file_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(ArticleError, match="empty"):
        read_article(path)


def test_png_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"  # a mislabelled image
    path.write_bytes(_png_bytes())
    with pytest.raises(ArticleError, match=r"looks like a binary file \(PNG image\)"):
        read_article(path)


def test_pdf_is_refused_by_name() -> None:
    with pytest.raises(ArticleError, match=r"PDF document"):
        read_article(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", filename="report.txt")


def test_unprintable_bytes_are_refused() -> None:
    with pytest.raises(ArticleError, match="binary"):
        read_article(bytes(range(1, 32)) * 50, filename="noise.txt")


def test_oversize_file_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:  # sparse: 50 MB on paper, nothing written
        fh.truncate(50 * 1024 * 1024)
    tracemalloc.start()
    try:
        with pytest.raises(ArticleError, match=r"52\.4 MB, over the 21 MB limit"):
            read_article(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024  # refused from its size on disk: the 50 MB were never read


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Attaque à Djibo. " * 100, encoding="utf-8")
    with pytest.raises(ArticleError, match="over the"):
        read_article(path, max_bytes=1000)
    with pytest.raises(ArticleError, match="over the"):
        read_article(path.read_bytes(), filename="a.txt", max_bytes=1000)
    assert read_article(path, max_bytes=10_000).text


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="no such file"):
        read_article(tmp_path / "nope.txt")


# --------------------------------------------------------------------------- metadata


def test_given_metadata_wins() -> None:
    article = read_article(
        b"Headline\n\nBody text here.",
        filename="a.txt",
        title="Mine",
        date="2023-09-16",
        source_name="Reuters",
        url="https://example.org/a",
    )
    assert (article.title, article.date, article.source, article.url) == (
        "Mine",
        "2023-09-16",
        "Reuters",
        "https://example.org/a",
    )


def test_long_first_line_is_not_a_title() -> None:
    article = read_article(("word " * 60).encode(), filename="a.txt")
    assert article.title is None


@pytest.mark.parametrize("bad", ["16/09/2023", "2023-9-16", "2023-02-30", "yesterday"])
def test_bad_date_is_refused(bad: str) -> None:
    with pytest.raises(ArticleError, match="date"):
        read_article(b"Body text.", filename="a.txt", date=bad)


def test_language_guess() -> None:
    assert guess_lang(FRENCH) == "fr"
    assert guess_lang("Gunmen attacked the gendarmerie post in the town of Djibo, said the army.") == "en"
    assert guess_lang("Djibo Kidal Gao") is None


def test_article_is_a_plain_value() -> None:
    a = Article(text="x")
    assert a.title is None and a.id == Article(text=" x\r\n").id


def test_news_page_main_text_without_navigation_or_comments() -> None:
    body = "".join(
        f"<p>Paragraphe {i} : des hommes armés ont attaqué le poste de Djibo dans la province du Soum, "
        "selon des sources sécuritaires locales.</p>"
        for i in range(8)
    )
    html = f"""<html><head><title>Attaque à Djibo | Le Journal</title>
      <meta property="article:published_time" content="2023-09-16T10:00:00Z"></head>
      <body><header><nav><a href="/">Accueil</a> <a href="/monde">Monde</a></nav></header>
      <article><h1>Attaque à Djibo</h1>{body}</article>
      <div id="comments" class="comments"><h3>Commentaires</h3>
        <p>COMMENTAIRE DE LECTEUR : super article, écrit par un lecteur anonyme ce matin.</p></div>
      <footer>© Le Journal 2023</footer></body></html>"""
    article = read_article(html.encode("utf-8"), filename="page.html")
    assert "Paragraphe 7" in article.text
    assert "COMMENTAIRE DE LECTEUR" not in article.text and "Accueil" not in article.text
    assert article.date == "2023-09-16" and article.lang == "fr"
