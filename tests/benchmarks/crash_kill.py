"""Crash test at scale: SIGKILL a process editing a project many times, check nothing committed is lost.

Run on demand:  python tests/benchmarks/crash_kill.py [--kills 50] [--max-delay 0.8] [--seed 0] [--keep DIR]

Each round starts a worker that applies seeded random edits through the public API (see
``tests/crashtest.py``) and kills it with SIGKILL after a random delay; after every kill the
project file must pass ``PRAGMA integrity_check`` and ``foreign_key_check`` and hold exactly
the edits the worker reported committed (plus at most the one in flight). Prints the figures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.crashtest import run_crash_test


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--max-delay", type=float, default=0.8, help="longest wait before a kill, seconds")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--final-edits", type=int, default=500, help="edits of a last worker left to finish")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep the project and logs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        report = run_crash_test(folder / "crash.db", kills=args.kills, seed=args.seed, max_delay=args.max_delay,
                                final_edits=args.final_edits)
    print(f"kills (SIGKILL mid-editing):        {report.kills}")
    print(f"worker rounds:                      {report.rounds}")
    print(f"edits reported committed:           {report.edits_committed}")
    print(f"edits verified present after kills: {report.edits_verified}")
    print(f"in-flight edits found committed:    {report.in_flight_committed} (unreported, allowed)")
    print(f"integrity/foreign key checks:       {report.integrity}")
    print(f"time:                               {report.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
