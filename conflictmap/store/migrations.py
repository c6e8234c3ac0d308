"""The store's schema, as a list of migrations.

``PRAGMA user_version`` records how many have run; :class:`conflictmap.store.Store` runs the rest
when it opens a file. A later feature adds its tables by appending to :data:`MIGRATIONS`, never by
editing one that has shipped.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: articles, the places mentioned in them, and incidents (filled by event-file loaders).
    (
        """
        CREATE TABLE articles (
            id          TEXT PRIMARY KEY,
            title       TEXT,
            source      TEXT,
            url         TEXT,
            published   TEXT,
            lang        TEXT,
            path        TEXT,
            text        TEXT NOT NULL,
            ingested_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE mentions (
            id          INTEGER PRIMARY KEY,
            article_id  TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start       INTEGER NOT NULL,
            "end"       INTEGER NOT NULL,
            surface     TEXT NOT NULL,
            name        TEXT,
            kind        TEXT NOT NULL CHECK (kind IN ('country', 'admin1', 'area', 'region', 'place')),
            lat         REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
            lon         REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
            geonameid   INTEGER,
            country     TEXT,
            admin1      TEXT,
            confidence  REAL NOT NULL DEFAULT 0,
            sentence    TEXT,
            ref         TEXT,
            CHECK ((lat IS NULL) = (lon IS NULL))
        )
        """,
        "CREATE INDEX mentions_article ON mentions(article_id)",
        """
        CREATE TABLE incidents (
            id             INTEGER PRIMARY KEY,
            event_date     TEXT,
            event_type     TEXT,
            sub_event_type TEXT,
            actor1         TEXT,
            actor2         TEXT,
            fatalities     INTEGER,
            lat            REAL,
            lon            REAL,
            location       TEXT,
            country        TEXT,
            admin1         TEXT,
            geo_precision  INTEGER,
            summary        TEXT,
            source_kind    TEXT,
            source_ref     TEXT
        )
        """,
        "CREATE INDEX incidents_date ON incidents(event_date)",
    ),
    # 2: the full incident schema (ACLED-like), where each incident comes from, and merged reports.
    # An ``incidents`` row is one report of an incident (a dataset row, or an article's sentence);
    # reports of the same incident are linked into one group in ``incident_links`` (a report
    # without a row there is an incident on its own). ``incident_splits`` keeps the pairs an
    # analyst split apart, so automatic linking never merges them again.
    (
        "ALTER TABLE incidents ADD COLUMN time_precision INTEGER",
        "ALTER TABLE incidents ADD COLUMN event_date_end TEXT",
        "ALTER TABLE incidents ADD COLUMN disorder_type TEXT",
        "ALTER TABLE incidents ADD COLUMN assoc_actor1 TEXT",
        "ALTER TABLE incidents ADD COLUMN assoc_actor2 TEXT",
        "ALTER TABLE incidents ADD COLUMN civilian_targeting TEXT",
        "ALTER TABLE incidents ADD COLUMN fatalities_low INTEGER",
        "ALTER TABLE incidents ADD COLUMN fatalities_high INTEGER",
        "ALTER TABLE incidents ADD COLUMN admin2 TEXT",
        "ALTER TABLE incidents ADD COLUMN tags TEXT",
        "ALTER TABLE incidents ADD COLUMN origin TEXT",  # the dataset name or the article id
        "ALTER TABLE incidents ADD COLUMN source_key TEXT",  # unique per report: re-imports add nothing
        "ALTER TABLE incidents ADD COLUMN created_at TEXT",
        "CREATE UNIQUE INDEX incidents_source_key ON incidents(source_key)",
        """
        CREATE TABLE incident_sources (
            id          INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL UNIQUE REFERENCES incidents(id) ON DELETE CASCADE,
            kind        TEXT NOT NULL CHECK (kind IN ('article', 'dataset')),
            dataset     TEXT,
            row_id      TEXT,
            file        TEXT,
            line        INTEGER,
            article_id  TEXT,
            sentence    TEXT,
            CHECK ((kind = 'dataset') = (dataset IS NOT NULL))
        )
        """,
        "CREATE INDEX incident_sources_article ON incident_sources(article_id)",
        """
        CREATE TABLE incident_links (
            incident_id INTEGER PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
            group_id    INTEGER NOT NULL,
            linked_by   TEXT NOT NULL DEFAULT 'auto',
            linked_at   TEXT
        )
        """,
        "CREATE INDEX incident_links_group ON incident_links(group_id)",
        """
        CREATE TABLE incident_splits (
            a INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
            b INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
            PRIMARY KEY (a, b)
        )
        """,
    ),
    # 3: analyst corrections (conflictmap.store.corrections): a stack per target, applied by the views and
    # every export. Keyed by what survives a re-ingest: an incident's source_key, a mention's
    # "<article id>:<start>:<end>". Undo marks the latest row undone_at. Plus filter indexes.
    (
        """
        CREATE TABLE corrections (
            id             INTEGER PRIMARY KEY,
            target         TEXT NOT NULL CHECK (target IN ('incident', 'mention')),
            target_key     TEXT NOT NULL,
            lat            REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
            lon            REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
            country        TEXT,
            admin1         TEXT,
            event_type     TEXT,
            sub_event_type TEXT,
            name           TEXT,
            kind           TEXT,
            geonameid      INTEGER,
            ref            TEXT,
            note           TEXT,
            created_at     TEXT NOT NULL,
            undone_at      TEXT
        )
        """,
        "CREATE INDEX corrections_target ON corrections(target, target_key)",
        "CREATE INDEX incidents_event_type ON incidents(event_type)",
        "CREATE INDEX incidents_country ON incidents(country, admin1)",
    ),
    # 4: batch ingest jobs (loaders.batch): how far a job got, so an interrupted one resumes.
    # ``linked_through``: the incident reports up to that id are linked (linking runs every few
    # thousand new reports and at the end; a job killed before its linking re-links when it resumes).
    (
        """
        CREATE TABLE ingest_jobs (
            id             TEXT PRIMARY KEY,
            sources        TEXT NOT NULL,
            started_at     TEXT NOT NULL,
            updated_at     TEXT,
            finished_at    TEXT,
            written        INTEGER NOT NULL DEFAULT 0,
            linked_through INTEGER NOT NULL DEFAULT 0
        )
        """,
    ),
    # 5: covering indexes for the views' aggregates (counts, hexagon bins, admin-1 totals, time
    # series): every column they filter or sum, one led by the date (ranges, time series in index
    # order), one by country and admin-1 (totals in index order, no sort). Reading them instead of
    # the table (whose rows carry summaries and actors) makes a dashboard filter change on a million
    # incidents a scan of a tenth of the bytes. ANALYZE lets the planner pick them.
    (
        "CREATE INDEX incidents_facts ON incidents(event_date, event_type, sub_event_type, country, admin1,"
        " geo_precision, source_kind, origin, fatalities, lat, lon)",
        "CREATE INDEX incidents_places ON incidents(country, admin1, event_date, event_type, sub_event_type,"
        " geo_precision, source_kind, origin, fatalities, lat, lon)",
        "ANALYZE",
    ),
    # 6: drop the indexes that 5's covering indexes make redundant (each is a prefix of one):
    # every incident written kept them up to date for no query's benefit (a fifth of an import's
    # time at 1M rows, bench/bench_event_import.py).
    (
        "DROP INDEX IF EXISTS incidents_date",  # = incidents_facts (event_date, ...)
        "DROP INDEX IF EXISTS incidents_country",  # = incidents_places (country, admin1, ...)
    ),
    # 7: drop the event-type index (3's) too. It is no prefix of a covering index, but a filter on
    # a type reads fewer bytes scanning incidents_facts than looking up a sixth of the table's rows
    # from it (EXPLAIN QUERY PLAN: without stats SQLite preferred it, and was slower, for every
    # aggregate but a bare count). A large import rebuilt it for nothing (~1 s per million rows).
    ("DROP INDEX IF EXISTS incidents_event_type",),
)
SCHEMA_VERSION = len(MIGRATIONS)
