"""KML exports through GDAL's KML driver (pyogrio): one folder per layer, a label and an escaped
HTML description per placemark, the view and its provenance in the document's name and description.

KML viewers render ``<description>`` as HTML, so every value put into it is HTML-escaped here
(an article title ``<script>`` is shown as text, never run); GDAL then writes all text XML-escaped.
GDAL's KML driver writes one layer per dataset through pyogrio; :func:`write_kml` writes each layer
to a file of its own and joins them into one document (the schemas first, then one folder per
layer, as the KML 2.2 schema orders them). The driver streams placemarks out, which makes it several
times faster than LIBKML on large exports (see bench/bench_view_export.py).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import geopandas as gpd
import pandas as pd
import pyogrio

from conflictmap.errors import KmlError
from conflictmap.exports.geometry import rfc7946_geometries

if TYPE_CHECKING:
    from conflictmap.exports.formats import ExportMeta

#: Field names the driver reads as placemark elements rather than data (case-insensitive): an
#: export's own columns of these names are kept under ``<layer>_<name>``.
RESERVED = ("name", "description")

#: Per layer, the fields shown in a placemark's description: (label, column).
DESCRIBED: dict[str, list[tuple[str, str]]] = {
    "incidents": [
        ("Date", "event_date"),
        ("Type", "event_type"),
        ("Sub-type", "sub_event_type"),
        ("Actor 1", "actor1"),
        ("Actor 2", "actor2"),
        ("Fatalities", "fatalities"),
        ("Location", "location"),
        ("Admin-1", "admin1"),
        ("Country", "country"),
        ("Summary", "summary"),
        ("Dataset", "dataset"),
        ("Dataset row", "dataset_row"),
        ("Article", "article_title"),
        ("Sentence", "sentence"),
        ("Source", "article_url"),
    ],
    "places": [
        ("Kind", "kind"),
        ("Country", "country"),
        ("Admin-1", "admin1"),
        ("Confidence", "confidence"),
        ("Sentence", "sentence"),
        ("Article", "article_title"),
        ("Date", "article_date"),
        ("Source", "article_url"),
    ],
    "alliances": [
        ("Alliance", "alliance_name"),
        ("Member", "country_name"),
        ("Joined", "joined"),
        ("Left", "left"),
        ("Note", "note"),
        ("Source", "source_url"),
    ],
    "areas": [("Area", "name"), ("Description", "description"), ("Units", "units"), ("Source", "source")],
}
_ROOT = '<Document id="root_doc">'


def write_kml(layers: Mapping[str, gpd.GeoDataFrame], path: Path, meta: ExportMeta | None) -> bytes:
    """The KML document of ``layers`` (one folder each, empty ones too); ``path`` names a scratch
    file in an empty folder that the caller removes."""
    schemas: list[str] = []
    folders: list[str] = []
    for name, gdf in layers.items():
        frame = kml_frame(name, gdf, meta)
        frame = frame.set_geometry(rfc7946_geometries(frame.geometry.array), crs="EPSG:4326")
        part = path.with_name(f"{path.stem}-{len(folders)}.kml")
        geometry_type = None if len(frame) else "Point"
        pyogrio.write_dataframe(frame, part, layer=name, driver="KML", geometry_type=geometry_type)
        schema, folder = _split(part.read_text(encoding="utf-8"))
        part.unlink()
        schemas.append(schema)
        folders.append(folder)
    title = meta.title if meta is not None else "conflictmap export"
    head = [f"<name>{escape(title)}</name>\n"]
    if meta is not None:
        head.append(f"<description>{escape(document_description(meta))}</description>\n")
    text = (
        '<?xml version="1.0" encoding="utf-8" ?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n'
        f"{_ROOT}\n{''.join(head)}{''.join(schemas)}{''.join(folders)}</Document></kml>\n"
    )
    return text.encode("utf-8")


def _split(text: str) -> tuple[str, str]:
    """(schemas, folder) of a one-layer document written by GDAL's KML driver."""
    start, end = text.find(_ROOT), text.rfind("</Document>")
    folder = text.find("<Folder>", start)
    if start < 0 or end < 0 or folder < 0:
        raise KmlError("GDAL's KML driver wrote a document of an unexpected shape; the KML export cannot be built")
    return text[start + len(_ROOT) : folder].lstrip("\n"), text[folder:end]


def kml_frame(layer: str, gdf: gpd.GeoDataFrame, meta: ExportMeta | None = None) -> gpd.GeoDataFrame:
    """``gdf`` with the driver's ``name`` (label) and ``description`` (escaped HTML) first, then its
    own columns as data (reserved names prefixed with the layer; 32-bit integers where they fit,
    since KML's ``int`` is 32-bit and GDAL writes wider ones as text)."""
    gdf = gdf.to_crs(4326) if gdf.crs is not None and gdf.crs.to_epsg() != 4326 else gdf
    data = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    fields = DESCRIBED.get(layer) or [(str(c), c) for c in data.columns if c != "name"]
    attribution = meta.row_attribution(layer, data) if meta is not None else None
    head = pd.DataFrame(
        {"name": labels(layer, data), "description": descriptions(data, fields, attribution)}, index=data.index
    )
    data = data.rename(columns={c: f"{layer}_{c}" for c in data.columns if str(c).lower() in RESERVED})
    for col in data.columns:
        if pd.api.types.is_integer_dtype(data[col]) and _fits_int32(data[col]):
            data[col] = data[col].astype("Int32")
    return gpd.GeoDataFrame(pd.concat([head, data], axis=1), geometry=gdf.geometry.array, crs="EPSG:4326")


def labels(layer: str, data: pd.DataFrame) -> pd.Series:
    """What a viewer lists each placemark as: ``Battles: Djibo, BFA (2023-03-03)``, ``AES: Mali``,
    else the feature's ``name``."""

    def text(col: str) -> pd.Series:
        values = data[col].astype("string") if col in data else pd.Series(pd.NA, index=data.index, dtype="string")
        return values.where(values != "")

    if layer == "incidents":
        where = text("location").str.cat(text("country"), sep=", ", na_rep="").str.strip(", ")
        what = text("event_type").fillna("Incident")
        label = what.str.cat(where.where(where != ""), sep=": ", na_rep="").str.removesuffix(": ")
        when = text("event_date").str.slice(0, 10)
        return label.str.cat(" (" + when + ")", na_rep="")
    if layer == "alliances":
        return text("alliance_name").fillna(text("alliance")) + ": " + text("country_name").fillna(text("country"))
    return text("name")


def descriptions(data: pd.DataFrame, fields: list[tuple[str, str]], attribution: pd.Series | None) -> pd.Series:
    """HTML for each row: ``<b>Label</b>: value`` lines of the present ``fields``, every value
    HTML-escaped, http(s) URLs as links; the row's attribution last, in italics."""
    out = pd.Series("", index=data.index, dtype="string")
    for label, col in fields:
        if col not in data:
            continue
        value = data[col].astype("string")
        present = (value.notna() & (value != "")).fillna(False)
        text = _html(value)
        is_url = value.str.startswith("http://").fillna(False) | value.str.startswith("https://").fillna(False)
        text = text.where(~is_url, '<a href="' + _html(value, quote=True) + '">' + text + "</a>")
        line = f"<b>{html.escape(label)}</b>: " + text + "<br>"
        out = out + line.where(present, "")
    if attribution is not None:
        return out + "<i>" + _html(attribution.astype("string")).fillna("") + "</i>"
    return out.str.removesuffix("<br>")


def document_description(meta: ExportMeta) -> str:
    """The document's description: the view, the attribution and every source, as escaped HTML."""
    lines = [
        f"<b>{html.escape(meta.title, quote=False)}</b>",
        html.escape(meta.attribution, quote=False),
        "<b>Sources</b>:",
    ]
    for src in meta.sources:
        bits = [str(src[k]) for k in ("layer", "source", "what", "licence") if src.get(k) not in (None, "")]
        line = html.escape(" — ".join(bits), quote=False)
        url = src.get("url")
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            line += f' <a href="{html.escape(url, quote=True)}">{html.escape(url, quote=False)}</a>'
        lines.append(line)
    return "<br>".join(lines)


def _html(values: pd.Series, *, quote: bool = False) -> pd.Series:
    """:func:`html.escape` of each value of a string column (missing values stay missing); ``quote``
    escapes quotes too, for attribute values."""
    return values.map(lambda v: html.escape(v, quote=quote), na_action="ignore").astype("string")


def _fits_int32(values: pd.Series) -> bool:
    values = values.dropna()
    return values.empty or bool((values.abs() < 2**31).all())
