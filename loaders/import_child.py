"""Reading and checking a large event file in a child process while the parent writes.

Python's sqlite3 takes the GIL back after every row it inserts, so a checking thread and the
writing thread of one process mostly take turns; a child process overlaps them on two cores.
Used by :func:`loaders.event_import.import_events`.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import traceback
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from conflictmap.errors import DataImportError
from loaders.event_files import ImportResult, ReadJob, RowBatch

if TYPE_CHECKING:
    from loaders.learned_places import PlaceCollector

__all__ = ["CHILD_ROWS", "batches", "child_main"]

#: From this many rows (estimated from the file's size) a file is read in a child process. Below
#: it, starting the child (a fresh interpreter importing pandas, pyarrow and the boundary layers)
#: costs more than the overlap gains.
CHILD_ROWS = 150_000


def batches(job: ReadJob, result: ImportResult, learned: PlaceCollector | None) -> Generator[RowBatch, None, None]:
    """:meth:`ReadJob.batches` run in a child process (see :data:`CHILD_ROWS`), its chunks received
    pickled through a pipe (whose small buffer keeps the child a chunk or two ahead). The child is
    stopped when the caller stops early (an error, Ctrl-C).

    A plain ``python -c`` child rather than ``multiprocessing``: its spawn mode re-runs the caller's
    main script in the child (a script without an ``if __name__ == "__main__"`` guard would import
    again, or fail), and fork would copy the caller's threads (Streamlit's, Arrow's) mid-work."""
    read_fd, write_fd = os.pipe()
    code = (
        f"import sys; sys.path[:0] = {sys.path!r}; from loaders.import_child import child_main; child_main({write_fd})"
    )
    try:
        child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, pass_fds=(write_fd,))
    finally:
        os.close(write_fd)
    with os.fdopen(read_fd, "rb") as stream:
        try:
            stdin = child.stdin
            assert stdin is not None  # Popen(stdin=PIPE) opened it
            stdin.write(pickle.dumps(job))
            stdin.close()
            while True:
                try:
                    message = pickle.load(stream)
                except EOFError:
                    status = child.wait()
                    raise DataImportError(
                        f"{job.path.name}: the reading process stopped (exit code {status})"
                    ) from None
                kind = message[0]
                if kind == "rows":
                    _, batch, result.rows_read, result.bad, problems = message
                    result.problems.extend(problems)
                    yield batch
                elif kind == "places":
                    if learned is not None:
                        learned.absorb(message[1])
                    return
                elif kind == "error":
                    raise DataImportError(message[1])
                else:
                    raise RuntimeError(f"reading {job.path.name} failed in the child process:\n{message[1]}")
        finally:
            if child.poll() is None:
                child.terminate()
            child.wait()


def child_main(fd: int) -> None:
    """The child process: run the job read from stdin; send each chunk's rows, with what the chunk
    taught its ``result``, pickled to ``fd``."""
    job: ReadJob = pickle.load(sys.stdin.buffer)
    result = ImportResult(path=job.path, format=job.fmt, dataset=job.dataset)
    learned: PlaceCollector | None = None
    if job.learn_places:
        from loaders.learned_places import PlaceCollector

        learned = PlaceCollector()
    with os.fdopen(fd, "wb") as out:

        def send(message: tuple[Any, ...]) -> None:
            pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()

        reported = 0

        def counts() -> tuple[int, int, list[str]]:
            """Rows read and bad so far, and the problems not sent yet (the checking thread may be
            counting the next chunk: what is sent is one snapshot, totals rather than increments)."""
            nonlocal reported
            read, bad, known = result.rows_read, result.bad, len(result.problems)
            new, reported = result.problems[reported:known], known
            return read, bad, new

        try:
            for batch in job.batches(result, learned):
                send(("rows", batch, *counts()))
            send(("rows", RowBatch([], []), *counts()))
            send(("places", learned.compacted() if learned is not None else None))
        except DataImportError as exc:
            send(("error", str(exc)))
        except BrokenPipeError:  # the parent stopped reading (it stopped the import)
            pass
        except BaseException:  # noqa: BLE001 - reported to the parent, which raises it
            send(("crash", traceback.format_exc()))
