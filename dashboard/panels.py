"""Panels under the map: incident detail and corrections, the table, charts, the alliance timeline.

Article and dataset text is shown only through elements that render text (``st.dataframe``,
``st.text``, ``st.code``) or through :func:`md_escape`d markdown, never as HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from conflictmap.errors import CorrectionError
from conflictmap.store import INCIDENT_FACTS

if TYPE_CHECKING:
    from conflictmap.store import Store

__all__ = ["alliance_timeline", "charts", "incident_detail", "md_escape", "mention_corrections", "split_form"]

_MD_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-.!|~<>$:]")


def md_escape(text: object) -> str:
    """Article-derived text shown literally in markdown-rendering elements (no links, no emphasis)."""
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), str(text))


# --------------------------------------------------------------------------- detail + corrections


def incident_detail(store: Store, incident_id: int, event_types: list[str], on_change: Callable[[], None]) -> None:
    """The reports of one incident, their sentences, and the forms to split, correct and undo."""
    from conflictmap.store import corrections
    from conflictmap.views import incident_detail as detail

    reports = detail(store, incident_id)
    if reports.empty:
        st.caption(f"Incident {incident_id} is not in the store any more.")
        return
    first = reports.iloc[0]
    st.markdown(
        f"**Incident \\#{int(incident_id)}** · {md_escape(first['event_type'] or '')} · "
        f"{md_escape(first['event_date'] or 'no date')} · {len(reports)} report"
        f"{'s' if len(reports) != 1 else ''}"
    )
    cols = [
        "id",
        *INCIDENT_FACTS,
        "lat",
        "lon",
        "geo_precision",
        "summary",
        "source_type",
        "source_dataset",
        "source_row_id",
        "source_article_id",
        "source_sentence",
        "corrected",
    ]
    st.dataframe(
        reports[[c for c in cols if c in reports.columns]], hide_index=True, key="detail_table", width="stretch"
    )
    for _, r in reports.iterrows():
        if isinstance(r.get("source_sentence"), str) and r["source_sentence"]:
            st.text(f"Report {int(r['id'])}: “{r['source_sentence']}”")
    if len(reports) > 1:
        split_form(store, incident_id, reports, on_change)

    with st.form(f"correct_incident_{incident_id}", clear_on_submit=False):
        st.markdown("**Correct this incident** (stored with a timestamp; survives re-import; used by every export)")
        c1, c2, c3 = st.columns(3)
        lat = c1.number_input(
            "Latitude", value=None, min_value=-90.0, max_value=90.0, format="%.5f", key=f"fix_lat_{incident_id}"
        )
        lon = c2.number_input(
            "Longitude", value=None, min_value=-180.0, max_value=180.0, format="%.5f", key=f"fix_lon_{incident_id}"
        )
        options = ["(unchanged)", *event_types]
        etype = c3.selectbox("Event type", options, key=f"fix_type_{incident_id}")
        note = st.text_input("Note (why)", key=f"fix_note_{incident_id}")
        if st.form_submit_button("Save correction"):
            try:
                corrections.correct_incident(
                    store,
                    incident_id,
                    lat=lat,
                    lon=lon,
                    event_type=None if etype == "(unchanged)" else etype,
                    note=note or None,
                )
                st.session_state["fix_message"] = ("success", f"Incident {incident_id} corrected.")
                on_change()
            except CorrectionError as exc:
                st.session_state["fix_message"] = ("error", str(exc))
    if bool(reports["corrected"].any()) and st.button("Undo the last correction", key=f"undo_incident_{incident_id}"):
        corrections.undo_incident(store, incident_id)
        st.session_state["fix_message"] = ("info", f"Last correction of incident {incident_id} undone.")
        on_change()
    message = st.session_state.pop("fix_message", None)
    if message:
        getattr(st, message[0])(md_escape(message[1]))


def split_form(store: Store, incident_id: int, reports: pd.DataFrame, on_change: Callable[[], None]) -> None:
    """Undo a wrong merge: one report of the incident becomes an incident of its own, never linked
    with these reports again (:meth:`conflictmap.store.Store.split_incident`)."""
    labels = {int(r["id"]): _report_label(r) for _, r in reports.iterrows()}
    with st.form(f"split_incident_{incident_id}", clear_on_submit=False):
        st.markdown("**Wrong merge?** Take a report out of this incident")
        report = st.selectbox("Report", list(labels), format_func=labels.__getitem__, key=f"split_pick_{incident_id}")
        if st.form_submit_button("Split out") and report is not None:
            others = store.split_incident(int(report))
            text = (
                f"Report {report} is now an incident of its own (was merged with {', '.join(map(str, others))})."
                if others
                else f"Report {report} was not merged; nothing changed."
            )
            st.session_state["fix_message"] = ("success", text)
            on_change()


def _report_label(r: pd.Series) -> str:
    """``#12 · acled BFA1234 · Djibo · 2024-03-02`` or ``#13 · article “Title…” · Djibo``."""
    if r.get("source_type") == "dataset" or r.get("source_dataset"):
        source = f"{r.get('source_dataset') or 'dataset'} {r.get('source_row_id') or ''}".strip()
    else:
        source = f"article {str(r.get('source_article_id') or '')[:10]}"
    parts = [f"#{int(r['id'])}", source, r.get("location"), r.get("event_date")]
    return " · ".join(str(p) for p in parts if isinstance(p, str | int) and str(p))


def mention_corrections(store: Store, on_change: Callable[[], None]) -> None:
    """Pick a mention; move it to another gazetteer candidate or typed coordinates; undo."""
    from conflictmap.store import corrections

    mentions = store.mentions()
    if mentions.empty:
        st.caption("No mentions yet.")
        return
    titles = store.articles()[["id", "title"]].set_index("id")["title"].to_dict()
    labels = {
        int(r.id): f"{r.name or r.surface} — {titles.get(r.article_id) or 'untitled'} [{r.start}]"
        for r in mentions.itertuples()
    }
    mid = st.selectbox("Mention", list(labels), format_func=labels.__getitem__, key="fix_mention")
    if mid is None:  # never: a selectbox with options always has one chosen
        return
    row = mentions[mentions["id"] == mid].iloc[0]
    st.text(
        f"Now: {row['name'] or row['surface']} ({row['kind']}) at "
        f"{row['lat']}, {row['lon']} · sentence: {row['sentence'] or ''}"
    )
    candidates = pd.DataFrame()
    try:
        from geodata.gazetteer import load_gazetteer

        candidates = load_gazetteer().lookup(str(row["surface"])).head(12)
    except Exception:  # noqa: BLE001 - typed coordinates still work
        pass
    with st.form("correct_mention"):
        options = ["(type coordinates)"] + [
            f"{c.name} ({c.kind}) · {c.admin1 or ''} {c.country or ''} · {c.lat:.4f}, {c.lon:.4f}"
            for c in candidates.itertuples()
        ]
        pick = st.selectbox(
            "Gazetteer candidate", range(len(options)), format_func=lambda i: options[i], key="fix_candidate"
        )
        c1, c2, c3 = st.columns(3)
        lat = c1.number_input("Latitude", value=None, min_value=-90.0, max_value=90.0, format="%.5f", key="fix_mlat")
        lon = c2.number_input("Longitude", value=None, min_value=-180.0, max_value=180.0, format="%.5f", key="fix_mlon")
        kind = c3.selectbox("Kind", ["(unchanged)", *corrections.KINDS], key="fix_mkind")
        if st.form_submit_button("Save place correction"):
            try:
                kw: dict[str, Any] = {"kind": None if kind == "(unchanged)" else kind}
                if pick:
                    c = candidates.iloc[pick - 1]
                    kw.update(
                        lat=float(c["lat"]),
                        lon=float(c["lon"]),
                        name=str(c["name"]),
                        geonameid=int(c["geonameid"]) if pd.notna(c["geonameid"]) else None,
                        country=c["country"] if pd.notna(c["country"]) else None,
                        admin1=c["admin1"] if pd.notna(c["admin1"]) else None,
                        ref=c["ref"] if pd.notna(c["ref"]) else None,
                    )
                    kw["kind"] = kw["kind"] or str(c["kind"])
                else:
                    kw.update(lat=lat, lon=lon)
                corrections.correct_mention(store, int(mid), **kw)
                st.success("Place corrected.")
                on_change()
            except CorrectionError as exc:
                st.error(md_escape(exc))
    if st.button("Undo this mention's last correction", key="undo_mention"):
        st.info("Undone." if corrections.undo_mention(store, int(mid)) else "Nothing to undo.")
        on_change()
    hist = corrections.history(store)
    if not hist.empty:
        st.caption("Correction history (newest first)")
        st.dataframe(hist, hide_index=True, width="stretch", height=200)


# --------------------------------------------------------------------------- charts


def charts(series: pd.DataFrame, totals: pd.DataFrame, colors: dict[str, str]) -> None:
    """Incidents over time by type, and fatalities by admin-1 unit (top 20)."""
    import altair as alt

    left, right = st.columns(2)
    with left:
        st.markdown("**Incidents over time, by type**")
        if series.empty:
            st.caption("No incidents in this view.")
        else:
            domain = sorted(series["event_type"].unique())
            chart = (
                alt.Chart(series)
                .mark_bar()
                .encode(
                    x=alt.X("period:O", title=None, axis=alt.Axis(labelAngle=-60, labelOverlap=True)),
                    y=alt.Y("sum(incidents):Q", title="incidents"),
                    color=alt.Color(
                        "event_type:N",
                        title="type",
                        scale=alt.Scale(domain=domain, range=[colors.get(t, "#888") for t in domain]),
                        legend=alt.Legend(orient="bottom", columns=2),
                    ),
                    tooltip=["period", "event_type", "incidents", "fatalities"],
                )
                .properties(height=300)
            )
            st.altair_chart(chart, width="stretch")
    with right:
        st.markdown("**Fatalities by admin-1 unit** (top 20)")
        if totals.empty:
            st.caption("No incidents in this view.")
        else:
            top = totals.assign(unit=totals["admin1"].fillna("(unknown)") + " (" + totals["country"].fillna("?") + ")")
            top = top.sort_values("fatalities", ascending=False).head(20)
            chart = (
                alt.Chart(top)
                .mark_bar(color="#b30000")
                .encode(
                    x=alt.X("fatalities:Q"),
                    y=alt.Y("unit:N", sort="-x", title=None),
                    tooltip=["unit", "fatalities", "incidents"],
                )
                .properties(height=300)
            )
            st.altair_chart(chart, width="stretch")


def alliance_timeline(day: date, country_names: dict[str, str]) -> None:
    """Each country's alliance memberships since 2010, and a rule at the map's date."""
    import altair as alt

    from geodata.alliances import ALLIANCES, timeline

    frame = timeline()
    frame = frame.assign(
        left=frame["left"].fillna(pd.Timestamp(date.today())),
        country=frame["country"].map(lambda c: country_names.get(c, c)),
        alliance=frame["alliance"].map({a.id: a.name for a in ALLIANCES}),
        start=frame["joined"].clip(lower=pd.Timestamp("2010-01-01")),
    )
    colors = {a.name: a.color for a in ALLIANCES}
    bars = (
        alt.Chart(frame)
        .mark_bar(height=8)
        .encode(
            x=alt.X("start:T", title=None, scale=alt.Scale(domain=["2010-01-01", date.today().isoformat()])),
            x2="left:T",
            y=alt.Y("country:N", title=None),
            yOffset="alliance:N",
            color=alt.Color(
                "alliance:N",
                scale=alt.Scale(domain=list(colors), range=list(colors.values())),
                legend=alt.Legend(orient="bottom", columns=2),
            ),
            tooltip=["alliance", "country", alt.Tooltip("joined:T"), alt.Tooltip("left:T")],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"day": [pd.Timestamp(day)]}))
        .mark_rule(color="#111", strokeDash=[4, 3])
        .encode(x="day:T")
    )
    st.altair_chart((bars + rule).properties(height=420), width="stretch")
    st.caption(
        f"Memberships since 2010 (earlier joins drawn from 2010); the dashed line is the map date {day.isoformat()}."
    )
