"""Benchmark: several analysts writing to one project at once. Run on demand, not by pytest.

    python tests/benchmarks/concurrent_writers.py [--writers 8] [--edits 200] [--contended 0.05]
        [--postgres ADMIN_URL] [--sqlite-only]

Each writer is its own process with its own ``Project.open`` on the same location, as analysts'
windows are. Writer i edits document i: add a span, relabel it, change its note, and delete
every third one, each edit one committed transaction that states the version it expects
(``annotator.store.versions``). With ``--contended F`` a fraction F of the edits instead relabel
one shared gold span, as reviewers adjudicating the same item do; those may lose the race and
get a ``ConflictError``, which is counted, not an error. All writers start together on a barrier.

Runs once on a SQLite file in a temporary folder and, with ``--postgres`` (an admin URL such as
postgresql+psycopg://annotator@127.0.0.1:54329/postgres), once on a fresh database created on
that server and dropped afterwards. Prints per backend: edits/s over all writers, the median and
95th percentile time of one edit, conflicts, and errors (anything else; there should be none).
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import sqlalchemy as sa  # noqa: E402

from annotator.corpus.importer import import_paths  # noqa: E402
from annotator.review import adjudicate  # noqa: E402
from annotator.store import Project  # noqa: E402
from annotator.store.versions import ConflictError  # noqa: E402

TEXT = ("Maria Zakharova said on Tuesday that military drills near the border threaten the "
        "sovereignty of Belarus, and the Kremlin warned that sanctions amount to economic warfare. ")
LABELS = ("ACTOR", "CLAIM", "THREAT", "TARGET")


@dataclass
class WriterResult:
    edits: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)  # one per edit


def writer(location: str, number: int, doc_id: int, gold_id: int, edits: int, contended: float,
           barrier: Any, results: Any) -> None:
    """One analyst: ``edits`` committed edits on their own document (some on the shared gold span)."""
    result = WriterResult()
    with Project.open(location) as project:
        annotations = project.annotations
        name = f"writer{number}"
        every = round(1 / contended) if contended > 0 else 0
        barrier.wait()
        span = None
        position = 0
        for index in range(edits):
            began = time.perf_counter()
            try:
                if every and index % every == every - 1:
                    seen = annotations.span(gold_id)
                    annotations.update_span(gold_id, label=LABELS[(seen.version + number) % len(LABELS)],
                                            expected_version=seen.version)
                elif span is None:
                    start = (position * 7) % (len(TEXT) - 8)
                    position += 1
                    span = annotations.add_span(doc_id, start, start + 7, "ACTOR", name)
                elif span.version == 1:
                    span = annotations.update_span(span.id, label="CLAIM", expected_version=span.version)
                elif span.version == 2 and position % 3:
                    annotations.update_span(span.id, note=f"edit {index}", expected_version=span.version)
                    span = None
                else:
                    annotations.delete_span(span.id, expected_version=span.version)
                    span = None
                result.edits += 1
            except ConflictError:
                result.conflicts += 1
            except Exception:  # noqa: BLE001 - every unexpected failure is counted and shown
                result.errors.append(traceback.format_exc(limit=3))
            result.seconds.append(time.perf_counter() - began)
    results.put(result)


def prepare(location: str, writers: int) -> tuple[list[int], int]:
    """A project with one document per writer and a gold span they may contend for."""
    with tempfile.TemporaryDirectory() as folder, Project.open(location) as project:
        for number in range(writers + 1):
            (Path(folder) / f"doc{number:03d}.txt").write_text(f"Report {number}. {TEXT * 3}", encoding="utf-8")
        doc_ids = sorted(document.id for document in import_paths(project, [Path(folder)]).imported)
        source = project.annotations.add_span(doc_ids[-1], 0, 6, "ACTOR", "alice")
        gold_id = adjudicate.accept_span(project, source.id, "rita").gold.id
    return doc_ids[:-1], gold_id


def run(location: str, writers: int, edits: int, contended: float) -> dict[str, Any]:
    doc_ids, gold_id = prepare(location, writers)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(writers + 1)
    results = context.Queue()
    processes = [context.Process(target=writer, args=(location, number, doc_ids[number], gold_id, edits, contended,
                                                      barrier, results))
                 for number in range(writers)]
    for process in processes:
        process.start()
    barrier.wait()  # every writer has opened the project: the clock starts with the first edit
    began = time.perf_counter()
    collected = [results.get() for _ in processes]
    elapsed = time.perf_counter() - began
    for process in processes:
        process.join()
    seconds = sorted(second for result in collected for second in result.seconds)
    return {
        "edits": sum(result.edits for result in collected),
        "conflicts": sum(result.conflicts for result in collected),
        "errors": [error for result in collected for error in result.errors],
        "elapsed": elapsed,
        "median_ms": statistics.median(seconds) * 1000,
        "p95_ms": seconds[int(len(seconds) * 0.95) - 1] * 1000,
    }


def report(backend: str, writers: int, edits: int, figures: dict[str, Any]) -> None:
    errors = figures["errors"]
    print(f"{backend:10s} {writers} writers x {edits} edits: {figures['edits'] / figures['elapsed']:8.1f} edits/s "
          f"(wall {figures['elapsed']:.2f} s), one edit median {figures['median_ms']:.1f} ms, "
          f"p95 {figures['p95_ms']:.1f} ms; committed {figures['edits']}, conflicts {figures['conflicts']}, "
          f"errors {len(errors)}")
    for error in errors[:3]:
        print("  error:", error.strip().splitlines()[-1])


@contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """A new database on the server (dropped afterwards): the benchmark never touches real data."""
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"annotator_bench_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--edits", type=int, default=200, help="edits per writer")
    parser.add_argument("--contended", type=float, default=0.05,
                        help="fraction of edits that relabel one shared gold span (0 for none)")
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server to create a fresh database on")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        figures = run(str(Path(folder) / "bench.db"), args.writers, args.edits, args.contended)
        report("SQLite", args.writers, args.edits, figures)
    if args.postgres:
        with fresh_database(args.postgres) as url:
            figures = run(url, args.writers, args.edits, args.contended)
            report("PostgreSQL", args.writers, args.edits, figures)


if __name__ == "__main__":
    main()
