"""A picture of the interactive map as the analyst sees it: the dashboard's folium map of a view
(:func:`dashboard.view_map.build_view_map`), opened in headless Chromium and photographed (PNG) or
printed (PDF).

The page is a standalone HTML file whose Leaflet and markercluster files are the installed xstatic
packages' own (``file://`` links), and every request that is not ``file:``, ``data:``, ``blob:`` or
loopback is aborted and recorded: a machine without internet makes the same picture. Chromium is
Debian's (``/usr/bin/chromium``, or ``$CONFLICTMAP_CHROMIUM``), driven by Python playwright.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from folium.template import Template

from conflictmap import views
from conflictmap.caches import cached
from conflictmap.errors import CaptureError
from dashboard import map_captions, view_map, web_assets
from dashboard.basemap import StaticLayers, build_static_layers, country_names
from dashboard.extent import Extent, fit_extent, from_latlng_bounds, scaled
from dashboard.leaflet_elements import HtmlControl, SafeMacroElement, esc
from dashboard.mapview import SAHEL_BOUNDS

if TYPE_CHECKING:
    import folium

    from conflictmap.store import Store

FORMATS = ("png", "pdf")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
#: How long the page must stay unchanged before the shot, and the longest wait for it (ms).
QUIET_MS = 150
DRAW_TIMEOUT_MS = 15_000

_SETTLED = """
async ([quiet, timeout]) => {
    await document.fonts.ready;
    const start = performance.now();
    const count = () => document.querySelectorAll(
        ".leaflet-pane path, .leaflet-marker-icon, .leaflet-control").length;
    let last = -1, since = performance.now();
    while (performance.now() - start < timeout) {
        await new Promise(done => requestAnimationFrame(() => setTimeout(done, 20)));
        const n = count();
        if (n !== last) { last = n; since = performance.now(); }
        else if (performance.now() - since >= quiet) { break; }
    }
    return last;
}
"""

_LEGENDS = """
() => Array.from(document.querySelectorAll(".cm-legend")).map(e => {
    const r = e.getBoundingClientRect();
    return [e.innerText, [r.x, r.y, r.width, r.height]];
})
"""


@dataclass
class Capture:
    """A captured map and what the page showed when it was taken."""

    data: bytes
    fmt: str
    legend: str = ""  # the text of the map's legends (and title box), read from the page before the shot
    legend_boxes: list[tuple[float, float, float, float]] = field(default_factory=list)  # x, y, width, height px
    drawn: int = 0  # Leaflet paths, markers and controls on the page
    blocked: list[str] = field(default_factory=list)  # requests that would have left the machine
    errors: list[str] = field(default_factory=list)  # JavaScript errors on the page


def chromium_path() -> Path:
    """Debian's Chromium (or ``$CONFLICTMAP_CHROMIUM``); CaptureError saying how to get it."""
    path = Path(os.environ.get("CONFLICTMAP_CHROMIUM") or CHROMIUM)
    if not path.exists():
        raise CaptureError(
            f"Chromium not found at {path}: install Debian's chromium package "
            "(apt-get install chromium) or set CONFLICTMAP_CHROMIUM, or render without --capture"
        )
    return path


# --------------------------------------------------------------------------- the page


class _CaptureStyle(SafeMacroElement):
    """Page CSS for the picture: the title box, the page size for PDF, no UI controls unless asked."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        @page { size: {{ this.width }}px {{ this.height }}px; margin: 0; }
        html, body { margin: 0; overflow: hidden; }
        .cm-capture-title { max-width: 60vw; padding: 8px 14px; }
        .cm-capture-title .cm-title { font-size: 24px; font-weight: 700; color: #1b1b1b; line-height: 1.2; }
        .cm-capture-title .cm-subtitle { font-size: 13px; color: #444; margin-top: 3px; }
        {% if not this.controls %}.leaflet-control-zoom, .leaflet-control-layers { display: none !important; }{% endif %}
        </style>
        {% endmacro %}
        """
    )

    def __init__(self, width: int, height: int, controls: bool) -> None:
        super().__init__()
        self._name = "CaptureStyle"
        self.width, self.height, self.controls = int(width), int(height), bool(controls)


def _file_links(m: folium.Map) -> None:
    """Point the map's Leaflet links (relative to Streamlit's component route) at the installed files."""
    bases = {
        web_assets.LEAFLET_BASE: Path(web_assets.LEAFLET_DIR),
        web_assets.MARKERCLUSTER_BASE: Path(web_assets.MARKERCLUSTER_DIR),
    }

    def local(url: str) -> str:
        for base, folder in bases.items():
            if url.startswith(base):
                return (folder / url[len(base) :]).resolve().as_uri()
        return url

    stack: list[Any] = [m]
    while stack:
        element = stack.pop()
        stack.extend(getattr(element, "_children", {}).values())
        for attr in ("default_js", "default_css"):
            links = getattr(element, attr, None)
            if links:
                setattr(element, attr, [(name, local(url)) for name, url in links])


def standalone_html(
    m: folium.Map, *, width: int, height: int, title: str = "", subtitle: str = "", controls: bool = False
) -> str:
    """The map as one HTML page that loads nothing but local files; a title box top left."""
    if title or subtitle:
        box = (f'<div class="cm-title">{esc(title)}</div>' if title else "") + (
            f'<div class="cm-subtitle">{esc(subtitle)}</div>' if subtitle else ""
        )
        HtmlControl(box, position="topleft", css_class="cm-legend cm-capture-title").add_to(m)
    _CaptureStyle(width, height, controls).add_to(m)
    _file_links(m)
    return m.get_root().render()


def visible_layers(extent: Extent, width: int, height: int) -> StaticLayers:
    """The dashboard's basemap (:func:`dashboard.basemap.build_static_layers`) for the boundaries
    that can show when Leaflet fits ``extent`` into ``width``×``height``. A capture cannot pan, so
    what lies off the page need not be simplified nor sent: a lighter page, drawn sooner. The
    window is the extent shaped to the page and doubled (a whole-zoom fit shows less than that)."""
    west, south, east, north = scaled(fit_extent(extent, width, height), 2.0)
    return _window_layers((round(west, 1), round(south, 1), round(east, 1), round(north, 1)))


@cached(maxsize=8)
def _window_layers(window: Extent) -> StaticLayers:
    from geodata import boundaries

    west, south, east, north = window
    countries = boundaries.countries()
    layers = build_static_layers(
        countries.cx[west:east, south:north],
        boundaries.admin1().cx[west:east, south:north],
        boundaries.areas().cx[west:east, south:north],
        boundaries.ATTRIBUTION,
    )
    return replace(layers, country_names=country_names(countries))


def view_page(
    store: Store,
    view: views.ViewFilter,
    *,
    width: int,
    height: int,
    title: str | None = None,
    subtitle: str | None = None,
    controls: bool = False,
) -> str:
    """The standalone HTML of ``view``'s interactive map; ``title``/``subtitle`` default to words
    for the view (``""`` for none)."""
    static = visible_layers(view.bbox or from_latlng_bounds(SAHEL_BOUNDS), width, height)
    view = view.replace(selected=None)
    drawn = view_map.incident_overlay(store, view, static.country_names)
    m = view_map.build_view_map(store, view, static=static, incidents=drawn)
    if title is None:
        title = map_captions.default_title(view, drawn.total, static.country_names)
    if subtitle is None:
        subtitle = map_captions.subtitle(
            view, drawn.total, drawn.mode, aggregated=drawn.aggregated, country_names=static.country_names
        )
    return standalone_html(m, width=width, height=height, title=title, subtitle=subtitle, controls=controls)


# --------------------------------------------------------------------------- the browser


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise CaptureError(f"unknown capture format '{fmt}' (a capture is {' or '.join(FORMATS)})")


def _is_local(url: str) -> bool:
    return url.startswith(LOCAL_SCHEMES) or urlparse(url).hostname in LOCAL_HOSTS


class Browser:
    """Headless Chromium, open for one or many captures (``with Browser() as b: b.shoot(...)``):
    a batch or a server pays for starting playwright and Chromium once."""

    def __init__(self) -> None:
        self._pw: Any = None
        self._browser: Any = None

    def __enter__(self) -> Browser:
        executable = chromium_path()
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise CaptureError("the capture needs the playwright package (pip install playwright)") from None
        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        except Exception as exc:  # noqa: BLE001 - whatever stops the launch, the analyst reads one line
            self._pw.stop()
            raise CaptureError(f"Chromium did not start: {str(exc).splitlines()[0]}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._browser.close()
        finally:
            self._pw.stop()

    def shoot(self, page_file: Path | Callable[[], Path], *, width: int, height: int, fmt: str) -> Capture:
        """Open the page (a file, or a function returning one) at ``width``×``height`` in a fresh,
        offline context; wait for Leaflet to finish drawing; screenshot (PNG) or print (PDF)."""
        from playwright.sync_api import Error as PlaywrightError

        _check_format(fmt)
        blocked: list[str] = []
        errors: list[str] = []

        def guard(route: Any) -> None:
            url = route.request.url
            if _is_local(url):
                route.continue_()
            else:
                blocked.append(url)
                route.abort()

        context = self._browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
        try:
            context.route("**/*", guard)
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            path = page_file() if callable(page_file) else Path(page_file)
            page.goto(path.resolve().as_uri(), wait_until="load")
            page.wait_for_function(
                "() => window.L && document.querySelector('.leaflet-container')", timeout=DRAW_TIMEOUT_MS
            )
            drawn = int(page.evaluate(_SETTLED, [QUIET_MS, DRAW_TIMEOUT_MS]))
            legends = page.evaluate(_LEGENDS)
            if fmt == "png":
                data = page.screenshot(type="png", full_page=False)
            else:
                page.emulate_media(media="screen")
                data = page.pdf(
                    width=f"{width}px",
                    height=f"{height}px",
                    print_background=True,
                    prefer_css_page_size=True,
                    page_ranges="1",
                    margin={"top": "0", "right": "0", "bottom": "0", "left": "0"},
                )
        except PlaywrightError as exc:
            raise CaptureError(f"Chromium could not capture the map: {str(exc).splitlines()[0]}") from None
        finally:
            context.close()
        return Capture(
            data,
            fmt,
            legend="\n".join(text for text, _ in legends),
            legend_boxes=[tuple(box) for _, box in legends],
            drawn=drawn,
            blocked=blocked,
            errors=errors,
        )


def capture_file(path: Path, *, width: int = 1920, height: int = 1080, fmt: str = "png") -> Capture:
    """Open ``path`` in headless Chromium at ``width``×``height``, wait for Leaflet to finish drawing,
    then screenshot (PNG) or print one page of the same size (PDF)."""
    with Browser() as browser:
        return browser.shoot(path, width=width, height=height, fmt=fmt)


def capture_view(
    store: Store,
    view: views.ViewFilter,
    *,
    width: int = 1920,
    height: int = 1080,
    fmt: str = "png",
    title: str | None = None,
    subtitle: str | None = None,
    controls: bool = False,
    browser: Browser | None = None,
) -> Capture:
    """:func:`view_page`, written to a temporary folder and shot by ``browser`` (default: one started
    for this capture, while the page is built in a thread)."""
    _check_format(fmt)
    for name, value in (("width", width), ("height", height)):
        if not 200 <= value <= 8000:
            raise CaptureError(f"{name} {value} px is out of range for a capture (200–8000)")
    chromium_path()  # fail before building the page
    with (
        tempfile.TemporaryDirectory(prefix="conflictmap-capture-") as folder,
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        html = pool.submit(
            view_page, store, view, width=width, height=height, title=title, subtitle=subtitle, controls=controls
        )

        def page_file() -> Path:
            path = Path(folder) / "map.html"
            path.write_text(html.result(), encoding="utf-8")
            return path

        if browser is not None:
            return browser.shoot(page_file, width=width, height=height, fmt=fmt)
        with Browser() as started:
            return started.shoot(page_file, width=width, height=height, fmt=fmt)


def capture_map(
    store: Store,
    view: views.ViewFilter,
    *,
    width: int = 1920,
    height: int = 1080,
    fmt: str = "png",
    title: str | None = None,
    subtitle: str | None = None,
) -> bytes:
    """The interactive map of ``view`` as PNG or PDF bytes, as the dashboard draws it."""
    return capture_view(store, view, width=width, height=height, fmt=fmt, title=title, subtitle=subtitle).data


__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "DRAW_TIMEOUT_MS",
    "FORMATS",
    "QUIET_MS",
    "Browser",
    "Capture",
    "CaptureError",
    "capture_file",
    "capture_map",
    "capture_view",
    "chromium_path",
    "standalone_html",
    "view_page",
    "visible_layers",
]
