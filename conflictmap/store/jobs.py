"""The store's record of batch ingest jobs (``ingest_jobs``, migration 4): how far a job got, so an
interrupted one resumes (:mod:`loaders.batch`)."""

from __future__ import annotations

from conflictmap.store.connection import Connection, utc_now

__all__ = ["IngestJobs"]


class IngestJobs(Connection):
    """The ``ingest_jobs`` reads and writes of :class:`conflictmap.store.Store`.

    A job is keyed by the article ids it was given (``loaders.batch.job_id``); its row says when it
    started, when it last resumed and finished, and up to which incident id the reports it wrote
    were linked (``linked_through``).
    """

    def start_ingest_job(self, job_id: str, sources: str) -> int | None:
        """Record that the job ``job_id`` (described by ``sources``) starts, or resumes.

        Returns None, or — when an earlier run of the same job was interrupted after it wrote
        reports and before it linked them — the incident id it had linked through: the caller links
        the reports after it (and records that with :meth:`record_job_linked`).
        """
        with self.transaction() as conn:
            row = conn.execute("SELECT linked_through, finished_at FROM ingest_jobs WHERE id = ?", (job_id,)).fetchone()
            top = conn.execute("SELECT COALESCE(MAX(id), 0) FROM incidents").fetchone()[0]
            if row is None:
                conn.execute(
                    "INSERT INTO ingest_jobs (id, sources, started_at, linked_through) VALUES (?, ?, ?, ?)",
                    (job_id, sources, utc_now(), top),
                )
                return None
            conn.execute("UPDATE ingest_jobs SET updated_at = ?, finished_at = NULL WHERE id = ?", (utc_now(), job_id))
        linked_through, finished_at = row
        return int(linked_through) if finished_at is None and linked_through < top else None

    def record_job_linked(self, job_id: str, through: int) -> None:
        """Record that the reports the job ``job_id`` wrote are linked up to incident id ``through``."""
        with self.transaction() as conn:
            conn.execute("UPDATE ingest_jobs SET linked_through = ? WHERE id = ?", (through, job_id))

    def finish_ingest_job(self, job_id: str) -> None:
        """Record that the job ``job_id`` ran to its end."""
        now = utc_now()
        with self.transaction() as conn:
            conn.execute("UPDATE ingest_jobs SET finished_at = ?, updated_at = ? WHERE id = ?", (now, now, job_id))
