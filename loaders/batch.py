"""Batch ingest: many articles, analysed in parallel (serially or on Dask), written by one writer.

The work is split in two:

* :func:`analyse` — pure: an :class:`~loaders.articles.Article` in, ``(article, mentions,
  incident rows, incident sources)`` out. No store access, so it runs anywhere: in this process,
  or on ``dask.distributed`` workers (each worker process loads the gazetteer and the boundaries
  once: they are cached per process, and :class:`WarmUp` loads them when the worker starts).
* the writer — this process only: it takes the analysed articles *in input order* and commits
  them ``batch_size`` at a time with :meth:`conflictmap.store.Store.add_analysed` (one
  transaction per batch), then links the new incident reports with the others.

Writing in input order makes a parallel run give exactly the store a serial run gives (same
ids). Resuming is cheap because articles are keyed by the hash of their text: a rerun skips
every article already stored, and a batch is committed whole or not at all. The ``ingest_jobs``
row of a run (keyed by the article ids it was given) records how many it wrote and up to which
incident the linking ran, so a run killed between a commit and its linking re-links on resume.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import operator
import pickle
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from conflictmap.records import Article, Mention
from loaders.sources import SourceError

if TYPE_CHECKING:
    from conflictmap.store import Store

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 100  # articles per transaction
#: Most articles per Dask task. Each task costs the client process ~5 ms of CPU (submitting,
#: scheduling, fetching the result) and a worker a few ms (placing its incidents, see
#: :func:`_place_all`), so early tasks are large; the last ones shrink (see :func:`_chunks`) so that
#: the workers still finish together.
DEFAULT_CHUNK_SIZE = 256
SMALLEST_CHUNK = 8
#: New incident reports linked together in one pass (and at the end of the run). Linking compares
#: the new reports with every report of the same days: one pass per few thousand reports costs the
#: writer far less than one per batch, and keeps a pass's memory bounded on a large corpus.
LINK_EVERY = 5000


# --------------------------------------------------------------------------- the pure step


@dataclass(frozen=True, slots=True)
class Analysed:
    """One article with what was read from it, ready for :meth:`Store.add_analysed`."""

    article: Article
    mentions: list[Mention]
    incident_rows: list[tuple] = field(default_factory=list)
    incident_sources: list[tuple] = field(default_factory=list)


def analyse(
    article: Article, *, extract_incidents: bool = True, geoparse: Callable[..., list[Mention]] | None = None
) -> Analysed:
    """Geoparse ``article`` and read its incidents, touching no store (runs on workers)."""
    mentions, found = _read(article, extract_incidents, geoparse)
    return Analysed(article, mentions, *_incident_rows(article, found, None))


def _read(
    article: Article, extract_incidents: bool, geoparse: Callable[..., list[Mention]] | None
) -> tuple[list[Mention], list]:
    """The article's mentions and the incidents read from it (none when extraction fails)."""
    if geoparse is None:
        from loaders.geoparse import geoparse as default_geoparse

        geoparse = default_geoparse
    mentions = list(geoparse(article.text, lang=article.lang))
    found: list = []
    if extract_incidents:
        try:
            from loaders.incidents import extract_incidents as extract

            found = extract(article.text, lang=article.lang, dateline=article.date, mentions=list(mentions))
        except Exception:  # logged: the article and its places are kept; incidents are a bonus
            log.exception("incident extraction failed for article %s", article.id)
    return mentions, found


def _incident_rows(article: Article, found: list, placer: Any) -> tuple[list[tuple], list[tuple]]:
    if not found:
        return [], []
    try:
        from loaders.incidents import incident_rows

        return incident_rows(found, article_id=article.id, placer=placer)
    except Exception:  # logged, as in _read
        log.exception("incident extraction failed for article %s", article.id)
        return [], []


def _place_all(incidents: Sequence[Any]) -> Any:
    """One point-in-polygon join (country, admin-1, admin-2) for the incident points of a whole
    chunk; the returned placer answers each article's points from its cache.

    Placing article by article costs ~3 ms of fixed overhead per call (pandas and index set-up
    around a 1-3 point query) — a third of the analysis of a short article; one call for the
    chunk's ~60 points costs about as much as two of those. Each Dask task is thus one partition of
    the spatial join, on the worker that already holds the points and the polygon layers."""
    import numpy as np

    from loaders.placing import Placer

    placer = Placer()
    if incidents:
        try:
            placer.place(
                np.array([i.lat if i.lat is not None else np.nan for i in incidents], dtype=float),
                np.array([i.lon if i.lon is not None else np.nan for i in incidents], dtype=float),
            )
        except Exception:  # logged: each article is placed on its own then (and logs its error)
            log.exception("placing the incidents of a chunk failed")
            return None
    return placer


#: A Mention as a worker sends it back: the tuple of its fields (``Mention(*values)`` rebuilds it).
#: Unpickling a slotted dataclass runs Python code per object; a tuple of plain values is unpickled
#: in C, and the one client process unpickles every result.
_mention_values = operator.attrgetter(*(f.name for f in dataclasses.fields(Mention)))

Row = tuple[Article, list, list, list]  # what Store.add_analysed takes per article


def analyse_many(articles: Sequence[Article], extract_incidents: bool = True) -> list[tuple[list, list, list]]:
    """One Dask task: several articles (fewer round trips than one task per article).

    Returns ``(mentions as field tuples, incident rows, incident sources)`` per article, without the
    article: the writer has it already, and sending the texts back would cost the one writer
    process time."""
    read = [_read(a, extract_incidents, None) for a in articles]
    placer = _place_all([inc for _, found in read for inc in found])
    return [
        ([_mention_values(m) for m in mentions], *_incident_rows(a, found, placer))
        for a, (mentions, found) in zip(articles, read)
    ]


#: An Article as the client sends it to a worker: the tuple of its init fields (the id is the hash
#: of the text, recomputed by ``Article(*values)``).
_article_values = operator.attrgetter(*(f.name for f in dataclasses.fields(Article) if f.init))


def _pack_articles(articles: Sequence[Article]) -> bytes:
    """A task's articles as ONE pickled blob of plain tuples.

    The scheduler unpickles every task it is given and pickles it again for the worker; with the
    scheduler in the client process (a LocalCluster), articles passed as objects cost that process
    a Python ``__setstate__``/``__getstate__`` per article and one serialised frame each. A bytes
    object passes through the scheduler as one frame, copied, not parsed."""
    return pickle.dumps([_article_values(a) for a in articles], protocol=pickle.HIGHEST_PROTOCOL)


def analyse_packed(packed: bytes, extract_incidents: bool = True) -> bytes:
    """One Dask task: :func:`analyse_many` on the articles of :func:`_pack_articles`, its results
    pickled likewise (one frame back to the client, unpickled by the writer thread)."""
    articles = [Article(*values) for values in pickle.loads(packed)]
    return pickle.dumps(analyse_many(articles, extract_incidents), protocol=pickle.HIGHEST_PROTOCOL)


def _rejoin(articles: Sequence[Article], results: Sequence[tuple[list, list, list]]) -> list[Row]:
    return [(a, *r) for a, r in zip(articles, results, strict=True)]


def warm_up() -> None:
    """Load what :func:`analyse` needs (gazetteer, boundaries) so the first task is not slow."""
    for lang, text in (
        (
            "en",
            "DJIBO, March 3, 2024 – Gunmen attacked a military post in Djibo, Burkina Faso,"
            " on March 2, killing 5 soldiers.",
        ),
        (
            "fr",
            "DORI, 3 mars 2024 – Des hommes armés ont attaqué un poste militaire à Dori, au"
            " Burkina Faso, le 2 mars, tuant 5 soldats.",
        ),
    ):
        analyse(Article(text=text, date="2024-03-03", lang=lang))


try:  # the worker plugin exists only when dask.distributed is installed
    from distributed.diagnostics.plugin import WorkerPlugin

    class WarmUp(WorkerPlugin):
        """Loads the gazetteer and boundaries once per worker process, when it starts."""

        name = "conflictmap-warm-up"

        def setup(self, worker: Any) -> None:
            warm_up()
except ImportError:  # pragma: no cover
    WarmUp = None  # type: ignore[assignment,misc]  # no plugin class without distributed


# --------------------------------------------------------------------------- progress and result


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a batch run is: ``done`` of ``total`` articles written (inserted or already stored)."""

    done: int
    total: int
    inserted: int
    skipped: int
    failed: int
    elapsed: float

    @property
    def rate(self) -> float:
        return self.done / self.elapsed if self.elapsed > 0 else 0.0


@dataclass(slots=True)
class BatchResult:
    job: str
    total: int = 0  # articles read from the sources (distinct texts)
    inserted: int = 0
    skipped: int = 0  # already in the store (a resumed or repeated run)
    incidents: int = 0
    failed: list[SourceError] = field(default_factory=list)
    elapsed: float = 0.0  # seconds spent analysing and writing (not starting the cluster)
    analysed: int = 0

    @property
    def throughput(self) -> float:
        """Articles analysed and written per second."""
        return self.analysed / self.elapsed if self.elapsed > 0 else 0.0


ProgressCallback = Callable[[Progress], None]


# --------------------------------------------------------------------------- the runner


def job_id(article_ids: Iterable[str]) -> str:
    h = hashlib.sha256()
    for a in article_ids:
        h.update(a.encode())
    return h.hexdigest()[:16]


def run_batch(
    store: Store,
    items: Iterable[Article | SourceError],
    *,
    workers: int = 0,
    scheduler: str | None = None,
    client: Any = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    extract_incidents: bool = True,
    progress: ProgressCallback | None = None,
    label: str = "",
    on_batch: Callable[[int], None] | None = None,
) -> BatchResult:
    """Analyse and store every article of ``items`` (see :func:`loaders.sources.iter_articles`).

    ``workers=0`` and no ``scheduler``/``client``: everything in this process. ``workers=N``:
    a ``LocalCluster`` of N single-threaded worker processes (loopback only, no dashboard),
    closed at the end; ``scheduler="tcp://HOST:PORT"``: an existing cluster; ``client``: an
    existing ``distributed.Client`` (left open). Articles already in the store are skipped,
    so running the same sources again — or after an interruption — resumes without duplicates.
    ``progress`` is called after each committed batch (and once at the start);
    ``on_batch(n)`` after the n-th commit (tests use it to interrupt a run).
    """
    started = time.perf_counter()
    articles: list[Article] = []
    failed: list[SourceError] = []
    seen: set[str] = set()
    for item in items:
        if isinstance(item, SourceError):
            failed.append(item)
        elif item.id not in seen:
            seen.add(item.id)
            articles.append(item)
    job = job_id(a.id for a in articles)
    result = BatchResult(job=job, total=len(articles), failed=failed)
    todo = [a for a in articles if not store.has_article(a.id)]
    result.skipped = len(articles) - len(todo)
    _open_job(store, job, label or f"{len(articles)} articles")

    def report() -> None:
        if progress is not None:
            progress(
                Progress(
                    result.inserted + result.skipped,
                    result.total,
                    result.inserted,
                    result.skipped,
                    len(failed),
                    time.perf_counter() - started,
                )
            )

    report()
    pending: list[Row] = []
    commits = 0
    linked = store.max_incident_id()  # reports up to this id are linked

    def write(analysed: Iterable[Row], *, final: bool = False) -> None:
        nonlocal commits, linked
        pending.extend(analysed)
        while len(pending) >= batch_size or (final and pending):
            part, pending[:] = pending[:batch_size], pending[batch_size:]
            _commit(store, job, part, result)
            commits += 1
            if store.max_incident_id() - linked >= LINK_EVERY:
                linked = _link(store, job, linked)
            report()
            if on_batch is not None:
                on_batch(commits)
        if final and store.max_incident_id() > linked:
            linked = _link(store, job, linked)

    t0 = time.perf_counter()
    stop: float | None = None
    if not todo:
        pass
    elif workers <= 0 and scheduler is None and client is None:
        warm_up()  # loading the gazetteer is not the batch's throughput (as for the workers)
        t0 = time.perf_counter()
        for i in range(0, len(todo), chunk_size):
            chunk = todo[i : i + chunk_size]
            write(_rejoin(chunk, analyse_many(chunk, extract_incidents)))
    else:
        with _client(workers, scheduler, client) as dask_client:
            t0 = time.perf_counter()  # the cluster's start-up is not the batch's throughput
            _analyse_on_dask(dask_client, todo, workers, chunk_size, extract_incidents, write)
            write([], final=True)
            stop = time.perf_counter()  # nor is its shutdown (~0.5-1 s for a LocalCluster)
    if stop is None:
        write([], final=True)
        stop = time.perf_counter()
    result.analysed = len(todo)
    result.elapsed = stop - t0
    store.finish_ingest_job(job)
    return result


def _analyse_on_dask(
    dask_client: Any,
    todo: list[Article],
    workers: int,
    chunk_size: int,
    extract_incidents: bool,
    write: Callable[[list[Row]], None],
) -> None:
    """Analyse ``todo`` in Dask tasks and hand the results to ``write`` in input order, with
    about 3 tasks per worker in flight."""
    nworkers = max(1, len(dask_client.scheduler_info().get("workers", {})) or workers)
    window: deque[tuple[list[Article], Any]] = deque()
    it = iter(_chunks(todo, chunk_size, nworkers))

    def submit(chunk: list[Article]) -> None:
        window.append((chunk, dask_client.submit(analyse_packed, _pack_articles(chunk), extract_incidents, pure=False)))

    for chunk in it:
        submit(chunk)
        if len(window) >= 3 * nworkers:
            break
    while window:
        chunk, future = window.popleft()
        done = pickle.loads(future.result())
        nxt = next(it, None)
        if nxt is not None:
            submit(nxt)
        write(_rejoin(chunk, done))


def _chunks(todo: list[Article], largest: int, workers: int) -> list[list[Article]]:
    """Split ``todo`` into tasks of at most ``largest`` articles, each at most a ``2 * workers``-th
    of what is left (never below :data:`SMALLEST_CHUNK`): large tasks while there is plenty of
    work, ever smaller ones at the end, so no worker is left alone with a long last task."""
    out, i = [], 0
    while i < len(todo):
        size = max(1, min(largest, max(SMALLEST_CHUNK, -(-(len(todo) - i) // (2 * workers)))))
        out.append(todo[i : i + size])
        i += size
    return out


def _commit(store: Store, job: str, part: list[Row], result: BatchResult) -> None:
    written = store.add_analysed(part, job=job)
    for _, inserted, incident_ids in written:
        result.inserted += int(inserted)
        result.skipped += int(not inserted)
        result.incidents += len(incident_ids)


def _link(store: Store, job: str, since_id: int) -> int:
    """Link the reports after ``since_id``; returns the id they are linked through."""
    from loaders.incident_links import link_new

    link_new(store, since_id=since_id)
    top = store.max_incident_id()
    store.record_job_linked(job, top)
    return top


def _open_job(store: Store, job: str, label: str) -> None:
    """Record the job; when it was interrupted after a commit and before its linking, link now."""
    unlinked_after = store.start_ingest_job(job, label)
    if unlinked_after is not None:
        _link(store, job, unlinked_after)


#: Dask settings of the LocalCluster that ``run_batch`` starts. They turn off diagnostics nobody
#: reads in a batch without a dashboard, which otherwise cost CPU on the cores the workers need
#: (measured idle on 2 workers: the client process 41 ms/s and the workers 84 ms/s of CPU by
#: default, 9 and 7 ms/s with these; the client process hosts the scheduler and the nannies):
#: the statistical profiler of each worker (a sample every 10 ms, also while a task runs), the
#: event-loop tick every 20 ms of each server, the nannies' memory poll every 100 ms, and work
#: stealing (equal chunks, kept ~3 per worker in flight: nothing to steal).
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.scheduler.work-stealing": False,
}


@contextmanager
def _client(workers: int, scheduler: str | None, client: Any) -> Iterator[Any]:
    """A ``distributed.Client``: the given one (left open), one on ``scheduler``, or a LocalCluster
    of ``workers`` processes (both closed on the way out)."""
    if client is not None:
        yield client
        return
    import dask
    from distributed import Client, LocalCluster

    with ExitStack() as stack:  # closes what was opened, also when a later step fails
        if scheduler:
            opened = stack.enter_context(Client(scheduler))
        else:
            stack.enter_context(dask.config.set(LOCAL_CLUSTER_CONFIG))
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=max(1, workers),
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            )
            # results come straight from the worker, not relayed by the scheduler (which runs
            # in this process: a relay would receive and send every result once more)
            opened = stack.enter_context(Client(cluster, direct_to_workers=True))
        if WarmUp is not None:
            opened.register_plugin(WarmUp())
        yield opened


__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_CHUNK_SIZE",
    "LINK_EVERY",
    "LOCAL_CLUSTER_CONFIG",
    "SMALLEST_CHUNK",
    "Analysed",
    "BatchResult",
    "Progress",
    "ProgressCallback",
    "Row",
    "WarmUp",
    "analyse",
    "analyse_many",
    "analyse_packed",
    "job_id",
    "run_batch",
    "warm_up",
]
