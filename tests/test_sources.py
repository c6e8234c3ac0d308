"""loaders.sources: folders, JSONL/CSV corpora, RSS/Atom feeds and URL lists → Articles."""

from __future__ import annotations

import json
from pathlib import Path

from conflictmap.records import Article
from loaders.sources import SourceError, iter_articles, kind_of, read_bytes_source

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Sahel Wire</title>
<item><title>Attack in Djibo</title><link>https://news.example/1</link>
<pubDate>Tue, 05 Mar 2024 10:00:00 +0000</pubDate>
<description>&lt;p&gt;Gunmen attacked a military post in Djibo on Monday.&lt;/p&gt;</description></item>
<item><title>Empty</title><link>https://news.example/2</link><description></description></item>
<item><title>Dori market</title><link>https://news.example/3</link>
<description>Displaced people arrive every day in Dori.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Agence Ouest</title>
<entry><title>Kaya</title><link href="https://news.example/a"/><updated>2023-11-02T08:00:00Z</updated>
<content type="html">&lt;p&gt;À Kaya, les écoles ont rouvert malgré la menace.&lt;/p&gt;</content></entry>
</feed>"""


def _articles(items):
    return [i for i in items if isinstance(i, Article)]


def test_kind_of(tmp_path: Path) -> None:
    assert kind_of("https://x.example/feed") == "url"
    assert kind_of(tmp_path) == "folder"
    assert kind_of("a.jsonl") == kind_of("a.csv") == "corpus"
    assert kind_of("a.rss") == kind_of("a.xml") == "feed"
    assert kind_of("a.urls") == "urls"
    assert kind_of("a.txt") == kind_of("a.html") == "article"


def test_jsonl_corpus_rows_and_errors(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    rows = [
        {"title": "Djibo", "date": "2024-03-05", "url": "https://n.example/1", "text": "Gunmen attacked Djibo."},
        {"title": "no text"},
        {"Title": "Dori", "Date": "05/03/2024", "body": "Displaced people arrive in Dori.", "lang": "en"},
    ]
    corpus.write_text("\n".join(json.dumps(r) for r in rows) + "\n\nnot json\n", encoding="utf-8")
    items = list(iter_articles([corpus]))
    arts = _articles(items)
    errors = [i for i in items if isinstance(i, SourceError)]
    assert [a.title for a in arts] == ["Djibo", "Dori"]
    assert arts[0].date == "2024-03-05" and arts[0].url == "https://n.example/1"
    assert arts[0].path == f"{corpus}#L1"
    assert arts[1].date is None  # an unreadable date is dropped, the article kept
    assert [e.where for e in errors] == [f"{corpus}#L2", f"{corpus}#L5"]
    assert "no text" in str(errors[0]) and "JSON" in str(errors[1])


def test_csv_corpus_and_folder(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.csv").write_text(
        'title,date,url,text\nKaya,2023-11-02,https://n.example/k,"À Kaya, les écoles ont rouvert."\n'
        'Fada,2023-11-03,,"<html><body><p>Une attaque à Fada N\'Gourma.</p></body></html>"\n',
        encoding="utf-8",
    )
    (tmp_path / "a.txt").write_text("Clashes near Ouahigouya\n\nSoldiers clashed with gunmen.", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")  # not an article suffix: ignored
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.txt").write_text("hidden", encoding="utf-8")
    arts = _articles(iter_articles([tmp_path]))
    assert [a.title for a in arts] == ["Clashes near Ouahigouya", "Kaya", "Fada"]
    assert arts[1].lang == "fr" and arts[1].date == "2023-11-02"
    assert arts[2].text == "Une attaque à Fada N'Gourma."


def test_rss_and_atom_feeds(tmp_path: Path) -> None:
    (tmp_path / "f.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "g.atom").write_text(ATOM, encoding="utf-8")
    items = list(iter_articles([tmp_path / "f.rss", tmp_path / "g.atom"]))
    arts = _articles(items)
    assert [a.title for a in arts] == ["Attack in Djibo", "Dori market", "Kaya"]
    assert arts[0].text == "Gunmen attacked a military post in Djibo on Monday."
    assert arts[0].date == "2024-03-05" and arts[0].url == "https://news.example/1"
    assert arts[0].source == "Sahel Wire"
    assert arts[2].date == "2023-11-02" and arts[2].lang == "fr"
    assert [e.where for e in items if isinstance(e, SourceError)] == [f"{tmp_path / 'f.rss'}#2"]


def test_url_list_fetches_with_the_given_fetcher_and_refuses_offline(tmp_path: Path) -> None:
    urls = tmp_path / "list.urls"
    urls.write_text("# pages\nhttps://p.example/a\nhttps://p.example/feed\nftp://nope\n\n", encoding="utf-8")
    pages = {
        "https://p.example/a": "<html><head><title>Page A</title></head><body><article><p>"
        + "Gunmen attacked a convoy near Djibo on Monday. " * 5
        + "</p></article></body></html>",
        "https://p.example/feed": RSS,
    }
    # the command line passes every meta keyword, None when not given
    items = list(iter_articles([urls], fetch=pages.get, title=None, date=None, source_name=None, url=None))
    arts = _articles(items)
    assert arts[0].url == "https://p.example/a" and "convoy near Djibo" in arts[0].text
    assert [a.title for a in arts[1:]] == ["Attack in Djibo", "Dori market"]
    assert any(isinstance(e, SourceError) and "not an http(s) URL" in str(e) for e in items)

    offline = list(iter_articles([urls, "https://p.example/a"], online=False, fetch=pages.get))
    assert all(isinstance(e, SourceError) for e in offline)
    assert sum("offline, not fetched" in str(e) for e in offline) == 3


def test_upload_bytes_of_a_corpus(tmp_path: Path) -> None:
    data = (json.dumps({"title": "T", "text": "Gunmen attacked Djibo."}) + "\n").encode()
    arts = _articles(read_bytes_source(data, "upload.jsonl"))
    assert arts[0].path == "upload.jsonl#L1"
    assert _articles(read_bytes_source(b"Hello Dori", "x.txt"))[0].text == "Hello Dori"
