"""Backup and restore speed for the sample project and a large (~50 MB) one.

Run on demand:  python tests/benchmarks/bench_backup.py [--docs 7000 --spans 120000]

For each project: ``take_backup`` (online backup API copy + ``PRAGMA integrity_check`` + rename),
the same when nothing changed (the copy is compared with the newest and dropped), a backup
taken while another process keeps committing edits, ``restore_backup``, and ``Project.open``
with a backup due against not due (what the hourly check adds to opening a project).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))

from bench_export import build

from annotator.corpus.importer import import_paths
from annotator.store import Project
from annotator.store.backups import (
    backup_folder,
    list_backups,
    restore_backup,
    take_backup,
)

WRITER = """
import sys, time
from annotator.store import Project
with Project.open(sys.argv[1]) as project:
    print("ready", flush=True)
    while True:
        project.annotations.add_span(1, 0, 5, "CLAIM", "writer")
"""


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = action()
    return time.perf_counter() - began, result


def measure(name: str, path: Path) -> None:
    size = path.stat().st_size / 1e6
    seconds, backup = timed(lambda: take_backup(path))
    print(f"{name}: project {size:.1f} MB")
    print(f"  backup (copy + integrity_check + rotate):   {seconds * 1000:8.0f} ms  -> {backup.path.name}")
    seconds, again = timed(lambda: take_backup(path))
    print(f"  backup when unchanged (copy + compare):      {seconds * 1000:8.0f} ms  unchanged={again.unchanged}")
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True,
                              env={"PYTHONPATH": str(ROOT)}, cwd=ROOT)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        time.sleep(0.3)
        seconds, busy = timed(lambda: take_backup(path))
    finally:
        writer.kill()
        writer.wait()
    print(f"  backup while another process commits edits: {seconds * 1000:8.0f} ms  -> verified {busy.path.name}")
    seconds, restored = timed(lambda: restore_backup(path))
    print(f"  restore (copy back, old file moved aside):   {seconds * 1000:8.0f} ms")
    for old in list_backups(path):
        old.path.unlink()
    seconds, _ = timed(lambda: Project.open(path).close())
    print(f"  open with a backup due (takes it):           {seconds * 1000:8.0f} ms")
    seconds, _ = timed(lambda: Project.open(path).close())
    print(f"  open with no backup due:                     {seconds * 1000:8.0f} ms")
    print(f"  backups kept: {len(list_backups(path))} in {backup_folder(path)}; "
          f"moved aside: {restored.moved_aside.name if restored.moved_aside else '-'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=7_000)
    parser.add_argument("--spans", type=int, default=120_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        sample = Path(scratch) / "sample.db"
        with Project.open(sample) as project:
            import_paths(project, [ROOT / "sample_corpus"])
        measure("sample corpus (5 articles)", sample)
        large = Path(scratch) / "large.db"
        with Project.open(large) as project:
            build(project, args.docs, args.spans)
        measure(f"large ({args.docs} documents, {args.spans} spans)", large)


if __name__ == "__main__":
    main()
