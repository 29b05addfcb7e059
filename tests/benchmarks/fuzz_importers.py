"""Fuzz every importer at length and print cases run, refused, accepted and crashes per importer.

    python tests/benchmarks/fuzz_importers.py [--examples N] [--only NAME ...] [--postgres]

The same property as ``tests/test_import_fuzz.py`` (import succeeds or raises UserError; a refused
import leaves every table unchanged), run with thousands of hypothesis examples per importer.
Crashes are collected rather than stopping the run, grouped by exception type and the line that
raised it, with one example input each, so one run lists every distinct bug.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from hypothesis import HealthCheck, Phase, given, settings

from annotator.store import Project
from tests.conftest import fresh_postgres_database
from tests.fuzz_support import IMPORTERS, Importer, check_import, hostile_input


def fuzz(importer: Importer, project: Project, examples: int) -> tuple[Counter[str], dict[str, str]]:
    outcomes: Counter[str] = Counter()
    crashes: dict[str, str] = {}

    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(hostile_input(importer))
    def run(content: bytes) -> None:
        try:
            outcomes[check_import(project, importer, content)] += 1
        except Exception as error:
            frame = traceback.extract_tb(error.__traceback__)[-1]
            key = f"{type(error).__name__} at {Path(frame.filename).name}:{frame.lineno}"
            outcomes["crash"] += 1
            crashes.setdefault(key, f"{str(error)[:150]}\n          input: {content[:200]!r}")

    run()
    return outcomes, crashes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=2000, help="hypothesis examples per importer")
    parser.add_argument("--only", nargs="+", choices=sorted(IMPORTERS), help="fuzz only these importers")
    parser.add_argument("--postgres", action="store_true",
                        help="use a fresh database on the test PostgreSQL server (ANNOTATOR_TEST_POSTGRES_URL) "
                             "instead of SQLite")
    args = parser.parse_args()
    total_crashes = 0
    with contextlib.ExitStack() as stack:
        if args.postgres:
            location = stack.enter_context(fresh_postgres_database())
        else:
            location = str(Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fuzz-importers-"))) / "fuzz.db")
        with Project.open(location) as project:
            print(f"{'importer':<16} {'cases':>7} {'accepted':>9} {'refused':>8} {'crashes':>8} {'seconds':>8}")
            for name in args.only or IMPORTERS:
                started = time.perf_counter()
                outcomes, crashes = fuzz(IMPORTERS[name], project, args.examples)
                cases = sum(outcomes.values())
                print(f"{name:<16} {cases:>7} {outcomes['ok']:>9} {outcomes['refused']:>8} {outcomes['crash']:>8} "
                      f"{time.perf_counter() - started:>8.1f}", flush=True)
                for key, example in crashes.items():
                    print(f"    CRASH {key}: {example}", flush=True)
                total_crashes += outcomes["crash"]
    print(f"crashes in total: {total_crashes}")
    return 1 if total_crashes else 0


if __name__ == "__main__":
    sys.exit(main())
