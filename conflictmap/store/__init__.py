"""The store: one SQLite file holding articles, the places found in them, incidents and the analysts'
corrections. Every SQL statement of conflictmap lives in this package.

* :class:`Store` — open a store file; its methods read and write articles and mentions
  (:mod:`~conflictmap.store.articles`) and incident reports (:mod:`~conflictmap.store.incidents`),
  answer the views' incident queries (:class:`IncidentQuery`, :mod:`~conflictmap.store.queries`),
  and keep what incident linking (:mod:`~conflictmap.store.links`) and batch jobs
  (:mod:`~conflictmap.store.jobs`) need. :mod:`~conflictmap.store.connection` holds the one
  connection, its lock and transactions.
* :mod:`~conflictmap.store.corrections` — analyst corrections of incidents and mentions, with undo.
* :mod:`~conflictmap.store.migrations` — the schema, as a list of migrations.
"""

from conflictmap.errors import StoreError
from conflictmap.store import corrections
from conflictmap.store.articles import mention_from_row
from conflictmap.store.core import Store
from conflictmap.store.incidents import DATASET_COLUMNS, INCIDENT_COLUMNS, SOURCE_COLUMNS
from conflictmap.store.migrations import MIGRATIONS, SCHEMA_VERSION
from conflictmap.store.queries import INCIDENT_FACTS, TABLE_COLUMNS, IncidentQuery

__all__ = [
    "DATASET_COLUMNS",
    "INCIDENT_COLUMNS",
    "INCIDENT_FACTS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SOURCE_COLUMNS",
    "TABLE_COLUMNS",
    "IncidentQuery",
    "Store",
    "StoreError",
    "corrections",
    "mention_from_row",
]
