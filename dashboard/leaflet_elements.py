"""Leaflet building blocks that write only safe JS/HTML: escaping helpers and custom map elements."""

# Everything on the map is drawn by the few small elements defined here instead of folium's Popup,
# Tooltip and GeoJson, because those put their HTML into JavaScript template literals (``${...}`` in an
# article would run) and need jQuery from a CDN. Here every piece of data reaches the page as a JSON
# literal (``<``, ``>``, ``&`` escaped as ``\u003c``…), and every article-derived string is
# HTML-escaped with :func:`html.escape` before it becomes popup or tooltip HTML.

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

import pandas as pd
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from conflictmap.caches import register

__all__ = [
    "SEA_COLOR",
    "Attribution",
    "GeoJsonData",
    "HtmlControl",
    "MapStyle",
    "Pane",
    "RawText",
    "SafeMacroElement",
    "css_slug",
    "esc",
    "js_literal",
    "safe_url",
]

#: The map's background (what is not land).
SEA_COLOR = "#b9d3e6"


# --------------------------------------------------------------------------- safe literals


def js_literal(value: Any) -> str:
    """``value`` as a JSON literal safe to put inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` are escaped so that no text can close the script or open a comment;
    U+2028/U+2029 so that old JS engines do not see a line break in a string.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


_COLLECTIONS: dict[int, tuple[Any, str]] = {}
register(f"{__name__}._COLLECTIONS", _COLLECTIONS.clear)


def _collection_js(features: list[dict[str, Any]]) -> str:
    """The FeatureCollection literal of ``features``; memoised for long-lived lists (the cached
    basemap layers are serialised once per process, not on every rerun)."""
    key = id(features)
    hit = _COLLECTIONS.get(key)
    if hit is not None and hit[0] is features:
        return hit[1]
    text = js_literal({"type": "FeatureCollection", "features": features})
    if len(features) >= 50:  # only big lists are worth keeping (they belong to cached layers)
        if len(_COLLECTIONS) > 64:
            _COLLECTIONS.clear()
        _COLLECTIONS[key] = (features, text)
    return text


def esc(value: Any) -> str:
    """HTML-escape any value ('' for None/NaN)."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return html.escape(str(value), quote=True)


def safe_url(url: Any) -> str | None:
    """``url`` when it is an absolute http(s) URL, else None (no javascript:, data:, relative…)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or any(ch in url for ch in "\x00\r\n\t ") or len(url) > 2048:
        return None
    try:
        parts = urlparse(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def css_slug(value: Any) -> str:
    """A CSS-class-safe slug: lower case ASCII letters, digits and dashes."""
    import unicodedata

    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "x"


# --------------------------------------------------------------------------- map elements


class RawText(Element):
    """Text that is already rendered: written as is, never compiled as a Jinja template.

    branca's ``MacroElement.render`` wraps its output in ``Element(output)``, which compiles the
    output as a template: data holding ``{{ … }}`` would then run on the server (template injection)
    and every megabyte of data would be lexed by Jinja. Our elements render through this instead.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RawText"
        self._text = text

    def render(self, **kwargs: Any) -> str:
        """The text, as it is."""
        return self._text


class SafeMacroElement(MacroElement):
    """A MacroElement whose rendered header/html/script are added as :class:`RawText`."""

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # as MacroElement's: it adds to the figure, returns nothing
        """Add the rendered header, html and script macros to the figure, then render the children."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("You cannot render this Element if it is not in a Figure.")
        module = self._template.module.__dict__
        for part, target in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
            macro = module.get(part)
            if macro is not None:
                target.add_child(RawText(str(macro(self, kwargs))), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


class Pane(SafeMacroElement):
    """A Leaflet pane with a fixed z-index (layers keep their stacking order when toggled)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var pane = {{ this._parent.get_name() }}.createPane({{ this.pane_name|tojson }});
            pane.style.zIndex = {{ this.z_index|tojson }};
        })();
        {% endmacro %}
        """
    )

    def __init__(self, name: str, z_index: int) -> None:
        super().__init__()
        self._name = "Pane"
        self.pane_name = name
        self.z_index = int(z_index)


class GeoJsonData(SafeMacroElement):
    """A ``L.geoJson`` layer added to its parent (a FeatureGroup), drawn from pre-built features.

    Per-feature properties used here (all optional):
    ``_style`` (Leaflet path options merged over ``style``), ``_tooltip`` and ``_popup`` (HTML that
    the caller already escaped), ``_class`` (CSS classes of a point's circle marker).
    Points are drawn as circle markers with ``point_style`` merged with ``_style``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson({{ this.data_js }}, {
            pane: {{ this.pane|tojson }},
            interactive: {{ this.interactive|tojson }},
            style: function (f) {
                return Object.assign({}, {{ this.style_js }}, (f.properties && f.properties._style) || {});
            },
            pointToLayer: function (f, latlng) {
                var o = Object.assign({pane: {{ this.pane|tojson }}}, {{ this.point_style_js }},
                                      (f.properties && f.properties._style) || {});
                if (f.properties && f.properties._class) { o.className = f.properties._class; }
                return L.circleMarker(latlng, o);
            },
            onEachFeature: function (f, layer) {
                var p = f.properties || {};
                if (p._tooltip) {
                    layer.bindTooltip(p._tooltip, {sticky: {{ this.sticky|tojson }}, direction: "top"});
                }
                if (p._popup) {
                    var el = document.createElement("div");
                    el.className = "cm-popup-box";
                    el.innerHTML = p._popup;
                    layer.bindPopup(el, {maxWidth: 380, minWidth: 220, autoPanPadding: [30, 30]});
                }
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        features: list[dict[str, Any]],
        *,
        style: Mapping[str, Any] | None = None,
        point_style: Mapping[str, Any] | None = None,
        pane: str = "overlayPane",
        interactive: bool = True,
        sticky: bool = True,
    ) -> None:
        super().__init__()
        self._name = "GeoJsonData"
        self.n_features = len(features)
        self.data_js = _collection_js(features)
        self.style_js = js_literal(dict(style or {}))
        self.point_style_js = js_literal(dict(point_style or {}))
        self.pane = pane
        self.interactive = bool(interactive)
        self.sticky = bool(sticky)


class HtmlControl(SafeMacroElement):
    """A Leaflet control showing fixed HTML (already escaped by the caller): a legend, a title box.

    Added to the map, it stays. Added to a layer group with ``follow_layer=True``, it is shown while
    the group is on the map: switching the layer off in the layer control, or the app swapping the
    group, takes the control away with it."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var parent = {{ this._parent.get_name() }};
            var ctl = L.control({position: {{ this.position|tojson }}});
            ctl.onAdd = function () {
                var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
                div.innerHTML = {{ this.html_js }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            {% if this.follow_layer %}
            parent.on("add", function () { ctl.addTo(parent._map); });
            parent.on("remove", function () { ctl.remove(); });
            {% else %}
            ctl.addTo(parent);
            {% endif %}
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self, html_text: str, *, position: str = "bottomright", css_class: str = "cm-legend", follow_layer: bool = False
    ) -> None:
        super().__init__()
        self._name = "HtmlControl"
        self.html_js = js_literal(html_text)
        self.position = position
        self.css_class = css_class
        self.follow_layer = follow_layer


class Attribution(SafeMacroElement):
    """Add (escaped) attribution text to the map's attribution control."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text_js }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Attribution"
        self.text_js = js_literal(esc(text))


class MapStyle(SafeMacroElement):
    """Page CSS for the map: sea background, popups, legend."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .leaflet-container { background: {{ this.sea }} !important; font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
        .cm-legend { background: rgba(255,255,255,0.92); padding: 6px 9px; border-radius: 6px;
                     box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-width: 250px; line-height: 1.25; color: #222; }
        .cm-legend summary { font-size: 12px; font-weight: 600; cursor: pointer; margin-bottom: 3px; }
        .cm-legend .cm-row { display: flex; align-items: flex-start; gap: 6px; margin: 3px 0; font-size: 11.5px; }
        .cm-legend .cm-sw { flex: 0 0 12px; height: 10px; margin-top: 2px; border-radius: 2px; }
        .cm-legend .cm-members { color: #555; font-size: 10.5px; }
        .cm-legend hr { border: 0; border-top: 1px solid #ddd; margin: 4px 0; }
        .cm-legend .cm-kinds { display: flex; flex-wrap: wrap; gap: 2px 10px; font-size: 11px; }
        .cm-legend .cm-kindrow { display: inline-flex; align-items: center; gap: 4px; }
        .cm-legend .cm-dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; border: 1px solid #fff; box-shadow: 0 0 0 1px #777; }
        .leaflet-control-attribution { font-size: 10px; max-width: 70%; line-height: 1.3; }
        .cm-popup h4 { margin: 0 0 3px; font-size: 14px; }
        .cm-popup .cm-kind { display: inline-block; font-size: 11px; color: #fff; padding: 0 5px; border-radius: 3px; vertical-align: 1px; }
        .cm-popup .cm-meta { color: #444; margin: 2px 0; }
        .cm-popup ul { margin: 5px 0 0; padding-left: 16px; max-height: 220px; overflow-y: auto; }
        .cm-popup li { margin-bottom: 5px; }
        .cm-popup .cm-sentence { font-style: italic; color: #333; }
        .cm-popup .cm-source { font-size: 12px; }
        .leaflet-control-layers { font-size: 12.5px; }
        .leaflet-tooltip { font-size: 12px; }
        </style>
        {% endmacro %}
        """
    )

    def __init__(self, sea: str = SEA_COLOR) -> None:
        super().__init__()
        self._name = "MapStyle"
        self.sea = sea
