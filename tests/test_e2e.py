"""End to end: a real ``streamlit run dashboard/app.py`` driven by headless Chromium, offline.

The store is filled beforehand with ``loaders.ingest``: the founding article of the AES
(../shared/seeds) and an article whose title and text carry script/img injections. Every request
to a host other than 127.0.0.1/localhost is aborted and recorded: the map must render without one.
A screenshot goes to /tmp/conflictmap-e2e.png.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import shared_path

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent
APP = REPO / "dashboard" / "app.py"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = Path("/tmp/conflictmap-e2e.png")
IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
XSS_TITLE = "Raid report <script>window.__xss=1</script>"
XSS_TEXT = (
    'Gunmen attacked Djibo <img src=x onerror="window.__xss=2"> on Sunday, residents said '
    "<script>window.__xss=1</script>.\n\n"
    "The army sent reinforcements to the town the next day.\n"
)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy


def _get(url: str, timeout: float = 5.0) -> tuple[int, str, str]:
    with _OPENER.open(url, timeout=timeout) as resp:
        return resp.status, resp.headers.get("content-type", ""), resp.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    seed = shared_path("seeds", "aes-liptako-gourma-charter.txt")
    from conflictmap.store import Store
    from loaders.ingest import ingest

    db = tmp_path_factory.mktemp("e2e") / "e2e.db"
    store = Store(db)
    try:
        seeded = ingest(store, seed, url="https://example.org/aes-charter", date="2023-09-16")
        assert any(m.name == "Gorgadji" for m in seeded.mentions if m.resolved), "seed: Gorgadji not resolved"
        xss = ingest(store, XSS_TEXT.encode(), filename="xss.txt", title=XSS_TITLE, url="javascript:alert(1)")
        assert any(m.resolved for m in xss.mentions), "xss article: no place resolved"
    finally:
        store.close()
    # 300 synthetic incidents across BF/ML/NE; incident 1's summary carries an <img onerror> and a <script>
    sys.path.insert(0, str(REPO))
    from bench.gen_incidents import XSS_SUMMARY, generate

    assert generate(db, 300, seed=2) == 300
    assert "onerror" in XSS_SUMMARY
    return db


@pytest.fixture(scope="module")
def server(seeded_db: Path) -> Iterator[str]:
    port = _free_port()
    env = dict(os.environ, CONFLICTMAP_DB=str(seeded_db), PYTHONUNBUFFERED="1")
    log = seeded_db.parent / "streamlit.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(APP),
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(proc, base, log)
        yield base
    finally:
        _stop(proc)


def _wait_healthy(proc: subprocess.Popen, base: str, log: Path, seconds: float = 45) -> None:
    """Until Streamlit answers ``/_stcore/health`` with ok; fails with its log otherwise."""
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if _get(base + "/_stcore/health", timeout=2)[2].strip() == "ok":
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"streamlit did not answer /_stcore/health in {seconds:.0f} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.3)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def test_readme_serve_starts_on_a_first_run(tmp_path: Path) -> None:
    """The README's `conflictmap serve` on a machine where Streamlit never ran (no credentials file):
    it must serve, not wait at Streamlit's e-mail question on the terminal."""
    port = _free_port()
    home = tmp_path / "home"
    home.mkdir()
    env = dict(
        os.environ, HOME=str(home), CONFLICTMAP_HOME=str(tmp_path / "cm"), PYTHONUNBUFFERED="1", BROWSER="true"
    )  # a first run opens a browser: a no-op command here
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "conflictmap"), "serve", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_healthy(proc, f"http://127.0.0.1:{port}", log, seconds=60)
        assert "Email:" not in log.read_text()
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def browser_page(server: str, chromium: Path):
    """One page for the module: loaded once, offline (non-loopback requests aborted and recorded).

    ``chromium`` (tests/conftest.py) is /usr/bin/chromium, or a skip (a failure in CI).
    """
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    errors: list[str] = []

    def guard(route) -> None:
        url = route.request.url
        host = urlparse(url).hostname
        if url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1500, "height": 1050}, accept_downloads=True)
        context.route("**/*", guard)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(server + "/", wait_until="domcontentloaded")
        page.wait_for_selector(IFRAME, timeout=60_000)
        frame = page.frame_locator(IFRAME)
        frame.locator(".leaflet-control-layers").wait_for(timeout=60_000)
        frame.locator("path.cm-place").first.wait_for(state="attached", timeout=30_000)
        page.blocked = blocked  # type: ignore[attr-defined]
        page.errors = errors  # type: ignore[attr-defined]
        yield page
        context.close()
        browser.close()


def _settle(page) -> None:
    """Wait (best effort) until Streamlit has finished the rerun a marker click started."""
    page.wait_for_timeout(300)
    try:
        page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=10_000)
    except Exception:  # only for a calm screenshot
        pass


def _map_frame(page):
    for f in page.frames:
        if "streamlit_folium.st_folium" in f.url:
            return f
    raise AssertionError(f"no st_folium frame in {[f.url for f in page.frames]}")


def _open_popup(page, css_class: str, text: str) -> str:
    """Click the place marker with ``css_class``; the popup's text once it names ``text``."""
    frame = page.frame_locator(IFRAME)
    if frame.locator(".leaflet-popup").count():
        frame.locator(".leaflet-popup-close-button").first.click()
    marker = frame.locator(f"path.{css_class}").first
    marker.wait_for(state="attached", timeout=10_000)
    popup = frame.locator(".leaflet-popup-content")
    for attempt in range(3):
        if attempt == 0:
            marker.click(force=True)
        else:  # something lay on top of it: send the click to the marker itself
            marker.dispatch_event("click")
        try:
            popup.filter(has_text=text).first.wait_for(timeout=5_000)
            return popup.filter(has_text=text).first.inner_text()
        except Exception:  # try again
            continue
    raise AssertionError(f"no popup with {text!r} after clicking {css_class}")


# --------------------------------------------------------------------------- tests


def test_health(server: str) -> None:
    status, _, body = _get(server + "/_stcore/health")
    assert status == 200 and body.strip() == "ok"


def test_map_renders_offline(browser_page, server: str) -> None:
    page = browser_page
    frame = page.frame_locator(IFRAME)
    assert frame.locator(".leaflet-cm-countries-pane path").count() > 50
    assert frame.locator(".leaflet-cm-alliances-pane path").count() >= 2
    assert frame.locator(".leaflet-cm-zones-pane path").count() >= 1
    # two legends since issue 5: the alliances (bottom right) and the incidents (bottom left)
    assert frame.locator(".leaflet-bottom.leaflet-right .cm-legend").inner_text().count("Alliance") >= 1
    labels = frame.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    names = {label.strip() for label in labels}
    assert {"Country borders", "Admin-1 borders", "Liptako-Gourma zone", "Places"} <= names, names
    assert any(re.fullmatch(r"Alliances \(\d{4}-\d{2}-\d{2}\)", n) for n in names), names
    # Leaflet came from the component route, with the right type
    status, ctype, body = _get(server + "/component/dashboard.web_assets.leaflet/leaflet.js")
    assert status == 200 and "javascript" in ctype and "Leaflet" in body[:500]
    assert _map_frame(page).evaluate("typeof L !== 'undefined' && L.version") == "1.9.3"
    assert page.blocked == [], f"requests left the machine: {page.blocked}"  # type: ignore[attr-defined]


def test_gorgadji_popup(browser_page) -> None:
    text = _open_popup(browser_page, "cm-place-gorgadji", "Gorgadji")
    assert "Burkina Faso" in text
    assert "Confidence" in text
    assert "Military Juntas of Mali" in text  # the article's title
    link = browser_page.frame_locator(IFRAME).locator(".leaflet-popup-content a").first
    assert link.get_attribute("href") == "https://example.org/aes-charter"
    _settle(browser_page)  # the click reruns the app (returned popup)
    browser_page.screenshot(path=str(SCREENSHOT))


def test_layer_toggle(browser_page) -> None:
    frame = browser_page.frame_locator(IFRAME)
    paths = frame.locator(".leaflet-cm-countries-pane path")
    before = paths.count()
    assert before > 50
    box = frame.locator(".leaflet-control-layers-overlays label", has_text="Country borders").locator("input")
    box.uncheck()
    assert not box.is_checked()
    assert paths.count() == 0
    box.check()
    assert paths.count() == before


def test_xss_is_text(browser_page) -> None:
    page = browser_page
    text = _open_popup(page, "cm-place-djibo", "Djibo")
    assert '<img src=x onerror="window.__xss=2">' in text
    assert "Raid report <script>window.__xss=1</script>" in text  # the title, as text
    popup = page.frame_locator(IFRAME).locator(".leaflet-popup-content").filter(has_text="Raid report")
    assert popup.count() == 1
    assert popup.locator("img").count() == 0
    assert popup.locator("script").count() == 0
    assert popup.locator("a").count() == 0  # a javascript: URL is never a link
    _settle(page)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert _map_frame(page).evaluate("typeof window.__xss") == "undefined"
    assert page.errors == [], page.errors  # type: ignore[attr-defined]


def _download(page, label: str, timeout_ms: int = 60_000):
    """Click the sidebar Export button ``label``; the download."""
    button = page.locator('[data-testid="stSidebar"]').get_by_role("button", name=label, exact=True)
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=timeout_ms) as info:
        button.click()
    return info.value


def test_download_geojson(browser_page) -> None:
    page = browser_page
    download = _download(page, "GeoJSON")
    assert re.fullmatch(r"conflictmap-[\w-]+\.geojson", download.suggested_filename), download.suggested_filename
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    names = {f["properties"].get("name") for f in data["features"] if f["properties"].get("layer") == "places"}
    assert "Gorgadji" in names
    assert page.blocked == [], page.blocked  # type: ignore[attr-defined]


def test_upload_article(browser_page, tmp_path: Path) -> None:
    """Last: an upload (an article and a corpus, under one progress bar) changes the store, so the
    map is rebuilt with the places of both."""
    page = browser_page
    upload = tmp_path / "menaka.md"
    upload.write_text(
        "# Menaka attack <img src=x onerror=window.__xss=3>\n\n"
        "Fighters attacked a market in Gao, Mali, on Tuesday. Residents of Gao fled south.\n",
        encoding="utf-8",
    )
    corpus = tmp_path / "desk.jsonl"  # a corpus in the same upload: two articles and a broken line
    corpus.write_text(
        '{"title": "Dori convoy", "date": "2024-05-02", "text": "Gunmen ambushed a convoy near Dori, Burkina Faso."}\n'
        "{not json\n"
        '{"title": "Tessit", "text": "Soldiers repelled an attack on the camp at Tessit in Mali."}\n',
        encoding="utf-8",
    )
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(upload), str(corpus)])
    page.get_by_role("button", name="Ingest files").click()
    alert = page.locator('[data-testid="stAlertContentSuccess"]').filter(has_text="Menaka attack")
    alert.wait_for(timeout=60_000)
    message = alert.inner_text()
    assert "place" in message and "<img src=x onerror=window.__xss=3>" in message
    report = page.locator('[data-testid="stAlertContentWarning"]').filter(has_text="desk.jsonl").inner_text()
    assert "2 articles added" in report and "1 entry skipped (desk.jsonl#L2: not a JSON object" in report, report
    progress = page.locator('[data-testid="stProgress"]').inner_text()
    assert "Done: 2 files ingested" in progress, progress
    _settle(page)
    for place in ("gao", "dori", "tessit"):
        page.frame_locator(IFRAME).locator(f"path.cm-place-{place}").first.wait_for(state="attached", timeout=30_000)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.blocked == [], page.blocked  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- incidents (issue 5)

INCIDENT_SHOT = Path("/tmp/conflictmap-e2e-incidents.png")
LIVE_IFRAME = IFRAME + " >> nth=-1"  # while a new map mounts, the old iframe is still there for a moment


def _caption(page) -> str:
    loc = page.locator('[data-testid="stCaptionContainer"]').filter(has_text="incidents in this view").first
    loc.wait_for(timeout=30_000)
    return loc.inner_text()


def _count(page) -> int:
    return int(re.search(r"([\d,]+) incidents in this view", _caption(page)).group(1).replace(",", ""))


def _wait_count_change(page, before: int, timeout_s: float = 30) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        _settle(page)
        now = _count(page)
        if now != before:
            return now
        page.wait_for_timeout(300)
    raise AssertionError(f"the incident count stayed {before}")


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar selectbox/multiselect labelled ``label``, once the rerun the
    page may still be running (the map reporting its bounds after the first draw) is over: a choice
    made during it can be lost when Streamlit replaces the widgets."""
    _settle(page)
    box = (
        page.locator(
            '[data-testid="stSidebar"] [data-testid="stSelectbox"], '
            '[data-testid="stSidebar"] [data-testid="stMultiSelect"]'
        )
        .filter(has_text=label)
        .first
    )
    box.locator("input").first.click()
    page.get_by_role("option", name=option, exact=True).first.click()
    page.keyboard.press("Escape")
    _settle(page)


def _incident_ids(frame) -> set[int]:
    return {
        int(re.search(r"cm-incident-(\d+)", c).group(1))
        for c in frame.locator("path.cm-incident").evaluate_all("els => els.map(e => e.getAttribute('class'))")
    }


def test_incidents_filters_modes_url_and_correction(browser_page, server: str, seeded_db: Path) -> None:
    page = browser_page
    frame = page.frame_locator(LIVE_IFRAME)
    page.goto(server + "/", wait_until="domcontentloaded")
    frame.locator(".cm-incident-legend").wait_for(timeout=60_000)
    total = _count(page)
    assert total >= 300  # the 300 generated ones and the incidents read from the two articles
    clusters = frame.locator(".marker-cluster").count() + frame.locator("path.cm-incident").count()
    assert clusters > 0  # clustered points

    # a date preset and an event type: the map and the table change, and the URL holds both
    _choose(page, "Date preset", "2023")
    in_2023 = _wait_count_change(page, total)
    assert 0 < in_2023 < total
    _choose(page, "Event type", "Battles")
    battles = _wait_count_change(page, in_2023)
    assert 0 < battles < in_2023
    assert "type=Battles" in page.url and "from=2023-01-01" in page.url
    legend = frame.locator(".cm-incident-legend")
    legend.wait_for(timeout=30_000)
    assert "Battles" in legend.inner_text() and "Riots" not in legend.inner_text()

    # the incidents layer toggles in the layer control
    box = frame.locator(".leaflet-control-layers-overlays label", has_text="Incidents").locator("input")
    box.uncheck()
    assert frame.locator(".marker-cluster").count() + frame.locator("path.cm-incident").count() == 0
    box.check()

    # heatmap and choropleth
    page.locator('[data-testid="stSidebar"]').get_by_text("Heatmap (hexagon bins)").click()
    _settle(page)
    frame.locator(".cm-incident-legend", has_text="per hexagon").wait_for(timeout=30_000)
    assert frame.locator(".leaflet-cm-density-pane path").count() > 0
    page.locator('[data-testid="stSidebar"]').get_by_text("Admin-1 choropleth").click()
    _settle(page)
    frame.locator(".cm-incident-legend", has_text="admin-1 unit").wait_for(timeout=30_000)
    n_units = frame.locator(".leaflet-cm-density-pane path").count()
    assert 0 < n_units <= 60
    assert "mode=choropleth" in page.url

    # the copied URL reopens the same view, in a fresh session
    copied = page.url
    other = page.context.new_page()
    other.goto(copied, wait_until="domcontentloaded")
    assert _count(other) == battles
    other.frame_locator(LIVE_IFRAME).locator(".cm-incident-legend", has_text="admin-1 unit").wait_for(timeout=60_000)
    assert other.frame_locator(LIVE_IFRAME).locator(".leaflet-cm-density-pane path").count() == n_units
    other.close()
    assert page.blocked == [], page.blocked  # type: ignore[attr-defined]


def test_incident_popup_is_text_and_correction_reaches_geojson(browser_page, server: str, seeded_db: Path) -> None:
    """Incident 1's summary holds <img onerror> and <script>: the popup shows it as text. Then move
    incident 1 and find the new coordinates in the incidents GeoJSON download."""
    page = browser_page
    frame = page.frame_locator(LIVE_IFRAME)
    import sqlite3

    with sqlite3.connect(seeded_db) as conn:
        xss_id = conn.execute("SELECT id FROM incidents WHERE summary LIKE '%window.__xss=9%'").fetchone()[0]
    page.goto(server + f"/?sel={xss_id}", wait_until="domcontentloaded")  # a URL naming an incident opens on it
    frame.locator(f"path.cm-incident-{xss_id}").first.wait_for(state="attached", timeout=60_000)
    popup = frame.locator(".leaflet-popup-content")
    for attempt in range(3):
        marker = frame.locator(f"path.cm-incident-{xss_id}").first
        marker.click(force=True) if attempt == 0 else marker.dispatch_event("click")
        try:
            popup.filter(has_text=f"Incident #{xss_id}").first.wait_for(timeout=5_000)
            break
        except Exception:
            continue
    text = popup.filter(has_text=f"Incident #{xss_id}").first.inner_text()
    assert '<img src=x onerror="window.__xss=9">' in text and "<script>window.__xss=8</script>" in text
    box = popup.filter(has_text=f"Incident #{xss_id}").first
    assert box.locator("img").count() == 0 and box.locator("script").count() == 0
    _settle(page)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert _map_frame(page).evaluate("typeof window.__xss") == "undefined"
    page.screenshot(path=str(INCIDENT_SHOT), full_page=False)

    # the detail panel below the map: sources and the correction form
    page.get_by_text("Selected incident").first.wait_for(timeout=30_000)
    page.get_by_label("Latitude").first.fill("12.3714")
    page.get_by_label("Longitude").first.fill("-1.5197")
    page.get_by_role("button", name="Save correction").click()
    page.locator('[data-testid="stAlertContentSuccess"]').filter(has_text="corrected").wait_for(timeout=30_000)
    _settle(page)
    # the download is of the view, extent included: reopen the incident (now at its corrected place)
    page.goto(server + f"/?sel={xss_id}", wait_until="domcontentloaded")
    _wait_href(page, lambda href: _bbox_of(href) is not None and _inside((-1.5197, 12.3714), _bbox_of(href)))
    _settle(page)
    data = json.loads(Path(_download(page, "GeoJSON").path()).read_text(encoding="utf-8"))
    one = [f for f in data["features"] if f["properties"].get("incident_id") == xss_id]
    assert one and one[0]["geometry"]["coordinates"] == [-1.5197, 12.3714]
    assert one[0]["properties"]["correction_id"] is not None
    assert one[0]["properties"]["country"] == "BFA"
    assert page.errors == [], page.errors  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- the view in the URL (issues 5 and 6)


def _href(page) -> str:
    return page.evaluate("location.href")  # page.url can lag behind Streamlit's history updates


def _wait_href(page, accept, timeout_s: float = 30) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        href = _href(page)
        if accept(href):
            return href
        page.wait_for_timeout(300)
    raise AssertionError(f"the URL never matched: {_href(page)}")


def _params(href: str) -> dict[str, list[str]]:
    from urllib.parse import parse_qs

    return parse_qs(urlparse(href).query)


def _bbox_of(href: str) -> tuple[float, ...] | None:
    values = _params(href).get("bbox")
    return tuple(float(v) for v in values[-1].split(",")) if values else None


def _inside(lon_lat: tuple[float, float], bbox: tuple[float, ...]) -> bool:
    return bbox[0] <= lon_lat[0] <= bbox[2] and bbox[1] <= lon_lat[1] <= bbox[3]


def _live_map(page):
    """The frame of the map on screen, once its Leaflet map exists."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for f in reversed(page.frames):
            if "streamlit_folium.st_folium" in f.url:
                try:
                    if f.evaluate("!!window.map"):
                        return f
                except Exception:  # a frame being replaced
                    pass
        page.wait_for_timeout(300)
    raise AssertionError("no live map")


def _extent(page) -> tuple[tuple[float, float, float, float], int]:
    """(west, south, east, north) shown by the map, and its zoom."""
    b = _live_map(page).evaluate(
        "(() => { const b = window.map.getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth(), window.map.getZoom()]; })()"
    )
    return (b[0], b[1], b[2], b[3]), int(b[4])


def _open(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.frame_locator(LIVE_IFRAME).locator(".leaflet-control-layers").wait_for(timeout=60_000)
    _live_map(page)
    _settle(page)


def test_selecting_a_row_writes_sel_and_the_url_reopens_it(browser_page, server: str, seeded_db: Path) -> None:
    page = browser_page
    _open(page, server + "/?type=Battles")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)  # the first row's selection cell
    href = _wait_href(page, lambda h: "sel" in _params(h))
    chosen = int(_params(href)["sel"][0])
    page.get_by_text(f"Incident #{chosen}").first.wait_for(timeout=30_000)  # the detail panel
    import sqlite3

    with sqlite3.connect(seeded_db) as conn:
        lat, lon = conn.execute("SELECT lat, lon FROM incidents WHERE id = ?", (chosen,)).fetchone()
    # the map went to the incident, and the URL's extent follows
    href = _wait_href(
        page,
        lambda h: _bbox_of(h) is not None and _inside((lon, lat), _bbox_of(h)) and _bbox_of(h)[2] - _bbox_of(h)[0] < 2,
    )
    extent, zoom = _extent(page)
    assert zoom >= 10 and _inside((lon, lat), extent)

    other = page.context.new_page()  # a colleague opens the copied URL
    _open(other, href)
    other.get_by_text("Selected incident").first.wait_for(timeout=30_000)
    other.get_by_text(f"Incident #{chosen}").first.wait_for(timeout=30_000)
    extent, zoom = _extent(other)
    assert zoom >= 10 and _inside((lon, lat), extent), (extent, zoom)
    assert other.frame_locator(LIVE_IFRAME).locator(f"path.cm-incident-{chosen}").count() == 1
    other.close()
    assert page.errors == [], page.errors  # type: ignore[attr-defined]


def test_layers_and_extent_live_in_the_url(browser_page, server: str) -> None:
    page = browser_page
    _open(page, server + "/?layer=countries&layer=incidents&bbox=-6,9,3,16")
    frame = page.frame_locator(LIVE_IFRAME)
    # the map opens on the extent (wider only to fill the map's shape), with only those layers on
    extent, zoom = _extent(page)
    assert zoom > 5 and extent[0] <= -6 and extent[2] >= 3 and extent[1] <= 9 and extent[3] >= 16, (extent, zoom)
    assert extent[2] - extent[0] < 30, extent  # not the whole Sahel (the default opening)
    control = {
        label.inner_text().strip(): label.locator("input").is_checked()
        for label in frame.locator(".leaflet-control-layers-overlays label").all()
    }
    assert control["Country borders"] and control["Incidents"] and not control["Admin-1 borders"], control
    assert frame.locator(".leaflet-cm-admin1-pane path").count() == 0
    assert frame.locator(".leaflet-cm-countries-pane path").count() > 50
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Layers shown at start").click()
    assert sidebar.get_by_role("checkbox", name="Country borders").is_checked()
    assert not sidebar.get_by_role("checkbox", name="Admin-1 borders").is_checked()

    # the URL now holds what the map shows; reopened, it shows the same
    href = _wait_href(page, lambda h: _bbox_of(h) not in (None, (-6.0, 9.0, 3.0, 16.0)))
    assert _params(href)["layer"] == ["countries", "incidents"]
    shown = _bbox_of(href)
    assert all(abs(a - b) < 0.01 for a, b in zip(shown, extent)), (shown, extent)
    other = page.context.new_page()
    _open(other, href)
    again, again_zoom = _extent(other)
    assert again_zoom == zoom and all(abs(a - b) < 0.05 for a, b in zip(again, extent)), (again, extent)
    other.close()

    # panning writes the new extent; a layer switched on in the sidebar keeps it
    _live_map(page).evaluate("window.map.setView([14.0, 0.0], 8)")
    href = _wait_href(
        page,
        lambda h: _bbox_of(h) is not None and _inside((0.0, 14.0), _bbox_of(h)) and _bbox_of(h)[2] - _bbox_of(h)[0] < 8,
    )
    panned, _ = _extent(page)
    sidebar.get_by_text("Admin-1 borders", exact=True).click()
    href = _wait_href(page, lambda h: "admin1" in _params(h).get("layer", []))
    page.frame_locator(LIVE_IFRAME).locator(".leaflet-cm-admin1-pane path").first.wait_for(
        state="attached", timeout=30_000
    )
    after, _ = _extent(page)
    assert all(abs(a - b) < 0.05 for a, b in zip(after, panned)), (after, panned)
    assert page.errors == [], page.errors  # type: ignore[attr-defined]


def test_heatmap_is_hexagons_sized_by_the_zoom(browser_page, server: str) -> None:
    page = browser_page
    _open(page, server + "/?mode=heatmap")
    frame = page.frame_locator(LIVE_IFRAME)
    legend = frame.locator(".cm-incident-legend", has_text="per hexagon")
    legend.wait_for(timeout=30_000)
    wide = float(re.search(r"([\d.]+) km hexagons", legend.inner_text()).group(1))
    # drawn cells are hexagons: six corners each
    corners = _live_map(page).evaluate(
        "Array.from(document.querySelectorAll('.leaflet-cm-density-pane path'))"
        ".map(p => p.getAttribute('d')).filter(d => d && d.length > 10)"
        ".map(d => (d.match(/[ML]/g) || []).length)"
    )
    assert corners and set(corners) == {6}, corners[:10]
    # zoom in: the same map, finer hexagons
    live = _live_map(page)
    live.evaluate("window.__cm_same_map = true; window.map.setView([14.0, -1.5], 9)")
    frame.locator(".cm-incident-legend", has_text="per hexagon").filter(has_not_text=f"{wide:g} km hexagons").wait_for(
        timeout=30_000
    )
    fine = float(re.search(r"([\d.]+) km hexagons", frame.locator(".cm-incident-legend").inner_text()).group(1))
    assert fine < wide
    assert _live_map(page).evaluate("window.__cm_same_map === true")  # swapped in place, not reloaded
    assert page.errors == [], page.errors  # type: ignore[attr-defined]


def test_view_downloads_geojson_and_png(browser_page, server: str, seeded_db: Path) -> None:
    """Issue 6: the Export buttons serve the current view (filters and extent): the GeoJSON holds
    its incidents, the presentation PNG is 1920×1080."""
    page = browser_page
    _open(page, server + "/?type=Battles&from=2023-01-01&to=2023-12-31")
    assert _count(page) > 0
    href = _wait_href(page, lambda h: _bbox_of(h) is not None)  # the view's extent is known
    _settle(page)
    download = _download(page, "GeoJSON")
    assert download.suggested_filename == "conflictmap-2023-01-01_2023-12-31.geojson"
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    incidents = [f for f in data["features"] if f["properties"].get("layer") == "incidents"]
    # the store's incidents of that view: its filters, located inside its extent
    from conflictmap import views
    from conflictmap.store import Store

    view = views.ViewFilter.from_query_params(_params(href))
    assert view.event_types == ("Battles",) and view.bbox == _bbox_of(href)
    with Store(seeded_db) as store:
        frame = views.incidents_frame(store, view)
    west, south, east, north = view.bbox
    inside = frame[frame["lon"].between(west, east) & frame["lat"].between(south, north)]
    assert 0 < len(inside) < len(frame) + 1
    assert sorted(f["properties"]["incident_id"] for f in incidents) == sorted(inside["id"].tolist())
    assert {f["properties"]["event_type"] for f in incidents} == {"Battles"}
    assert all("2023-01-01" <= f["properties"]["event_date"][:10] <= "2023-12-31" for f in incidents)

    png = _download(page, "PNG 1920×1080", timeout_ms=180_000)
    assert png.suggested_filename == "conflictmap-2023-01-01_2023-12-31.png"
    from PIL import Image

    with Image.open(png.path()) as image:
        assert image.format == "PNG" and image.size == (1920, 1080)
        colours = image.convert("RGB").resize((96, 54)).getcolors(96 * 54)
        assert colours is not None and len(colours) > 20  # a map, not a blank page
    assert page.blocked == [], page.blocked  # type: ignore[attr-defined]
    assert page.errors == [], page.errors  # type: ignore[attr-defined]
