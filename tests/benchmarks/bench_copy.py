"""Copy speed: ``annotator copy`` between SQLite and PostgreSQL, against SQLite's page-level backup.

Run on demand (not part of the suite):
    python tests/benchmarks/bench_copy.py [--docs 10000 --spans 200000] [--postgres ADMIN_URL]

Builds a SQLite project of N documents (sample-corpus sentences, about 2 KB each, as
bench_export.py does) with M spans, a relation for every tenth span and a status per document
and annotator, then times in this process:
1. ``copy_project`` SQLite → SQLite (new file);
2. ``copy_project`` SQLite → PostgreSQL (a new database on the server at ADMIN_URL, default
   ``$ANNOTATOR_TEST_POSTGRES_URL``; skipped without one);
3. ``copy_project`` PostgreSQL → SQLite (that database back to a new file);
4. for reference, sqlite3's online backup API (pages, no rows: the floor for SQLite → SQLite).
Each copy's row counts are checked against the source's.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa
from bench_export import build

from annotator.store import Project
from annotator.store.copy import CopyReport, copy_project
from annotator.store.models import utcnow
from annotator.store.tables import REL, SPAN, STATUS


def add_relations_and_statuses(project: Project) -> None:
    """A relation from every tenth span to the next span of the same document; statuses."""
    now = utcnow()
    relation_label = project.label_id("relation", "speaker_of", create=True)
    with project.transaction() as connection:
        spans = connection.execute(sa.select(SPAN.c.id, SPAN.c.document_id, SPAN.c.annotator_id)
                                   .order_by(SPAN.c.document_id, SPAN.c.id)).all()
        relations = [{"document_id": head.document_id, "annotator_id": head.annotator_id, "layer": "annotation",
                      "label_id": relation_label, "head_id": head.id, "tail_id": tail.id, "attrs": {},
                      "created_at": now}
                     for head, tail in zip(spans[::10], spans[1::10], strict=False)
                     if head.document_id == tail.document_id]
        connection.execute(REL.insert(), relations)
        documents = sorted({span.document_id for span in spans})
        annotators = sorted({span.annotator_id for span in spans})
        connection.execute(STATUS.insert(), [{"document_id": doc, "annotator_id": who, "status": "done",
                                              "updated_at": now} for doc in documents for who in annotators])


def timed(action: Callable[[], CopyReport]) -> tuple[float, float, CopyReport]:
    """Wall-clock and this process's CPU seconds: on a shared machine the second is steadier."""
    start, cpu = time.perf_counter(), time.process_time()
    report = action()
    return time.perf_counter() - start, time.process_time() - cpu, report


def line(what: str, seconds: float, cpu: float, report: CopyReport) -> str:
    return (f"{what:<34} {seconds:6.2f} s  (CPU {cpu:5.2f} s; {report.total_rows:,} rows, "
            f"{report.total_rows / seconds:,.0f} rows/s)")


def sqlite_backup(source: Path, target: Path) -> float:
    start = time.perf_counter()
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--spans", type=int, default=200_000)
    parser.add_argument("--postgres", default=os.environ.get("ANNOTATOR_TEST_POSTGRES_URL"),
                        help="admin URL of a PostgreSQL server where a scratch database may be created")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "source.db"
        with Project.open(source) as project:
            print(f"building {args.docs} documents and {args.spans} spans … ", end="", flush=True)
            start = time.perf_counter()
            build(project, args.docs, args.spans)
            add_relations_and_statuses(project)
            print(f"{time.perf_counter() - start:.1f} s ({source.stat().st_size / 1e6:.0f} MB)")
        seconds, cpu, first = timed(lambda: copy_project(source, folder / "copy.db"))
        print(line("copy SQLite → SQLite:", seconds, cpu, first))
        print(f"{'sqlite3 backup API (pages):':<34} {sqlite_backup(source, folder / 'pages.db'):6.2f} s")
        if not args.postgres:
            print("copy SQLite ↔ PostgreSQL:          not measured (no --postgres URL or $ANNOTATOR_TEST_POSTGRES_URL)")
            return
        admin_url = sa.make_url(args.postgres)
        name = f"annotator_bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            server = admin_url.set(database=name).render_as_string(hide_password=False)
            seconds, cpu, there = timed(lambda: copy_project(source, server))
            print(line("copy SQLite → PostgreSQL:", seconds, cpu, there))
            seconds, cpu, back = timed(lambda: copy_project(server, folder / "back.db"))
            print(line("copy PostgreSQL → SQLite:", seconds, cpu, back))
            assert first.rows == there.rows == back.rows, (first.rows, there.rows, back.rows)
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()


if __name__ == "__main__":
    main()
