"""Command-line start-up: how long each ``annotator`` command takes, as a user runs it.

Run on demand:  python tests/benchmarks/bench_cli.py [--runs 11] [--project P] [--importtime 15]

Each figure is a whole fresh process of the real ``annotator`` console script (interpreter start,
imports, project open, output), timed on the wall clock from launch to exit, with its CPU time
(user + system, steadier on a loaded machine); the median of ``--runs`` is printed. Without
``--project`` the sample corpus is imported into a new file in a temporary folder first. Then ``python -X importtime`` of ``annotator show P 1 --json`` says what
the imports that remain cost: their own time summed per package, and the dearest modules.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ANNOTATOR = str(BIN / "annotator")


def commands(project: str) -> list[tuple[str, list[str]]]:
    """The figures the issue names, each with the arguments it runs."""
    return [
        ("--version", ["--version"]),
        ("--help", ["--help"]),
        ("show P 1 --json", ["show", project, "1", "--json"]),
        ("docs P", ["docs", project]),
        ("search P --json minsk", ["search", project, "--json", "minsk"]),
    ]


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float] | str:
    """Wall-clock and CPU (user + system) seconds of one run, or the failure's last line (an
    older version may not take the arguments). The CPU time varies less on a loaded machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([ANNOTATOR, *args], env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        return f"failed ({done.returncode}): {done.stderr.strip().splitlines()[-1]}"
    return elapsed, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def import_profile(args: list[str], env: dict[str, str], runs: int) -> dict[str, tuple[float, float]]:
    """Each module's own and cumulative import µs under ``-X importtime`` (the median of ``runs``
    processes: one process's figures swing widely on a loaded machine)."""
    seen: dict[str, list[tuple[int, int]]] = {}
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "annotator", *args], env=env,
                              capture_output=True, text=True, check=True)
        for line in done.stderr.splitlines():
            match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|\s*(\S+)", line)
            if match:
                seen.setdefault(match[3], []).append((int(match[1]), int(match[2])))
    return {module: (statistics.median(own for own, _ in times), statistics.median(cum for _, cum in times))
            for module, times in seen.items()}


def by_package(profile: dict[str, tuple[float, float]]) -> list[tuple[float, str]]:
    """Own import µs summed per top-level package (sqlalchemy, annotator, asyncio…), dearest first."""
    totals: dict[str, float] = {}
    for module, (own, _cumulative) in profile.items():
        totals[module.split(".")[0]] = totals.get(module.split(".")[0], 0) + own
    return sorted(((us, name) for name, us in totals.items()), reverse=True)


def sample_project(folder: Path, env: dict[str, str]) -> str:
    from annotator.paths import sample_corpus_dir

    path = str(folder / "sample.db")
    subprocess.run([ANNOTATOR, "import", path, str(sample_corpus_dir())], env=env, capture_output=True, check=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--project", help="an existing project (default: the sample corpus in a new file)")
    parser.add_argument("--importtime", type=int, default=15, metavar="N", help="dearest imports listed")
    options = parser.parse_args()
    # Bytecode is written on the warm-up run, as an installed package has it compiled.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as folder:
        project = options.project or sample_project(Path(folder), env)
        print(f"median of {options.runs} runs, wall clock per fresh process ({os.cpu_count()} CPUs, "
              f"load {os.getloadavg()[0]:.2f})")
        for name, args in commands(project):
            failed = timed(args, env)  # warms the file cache too
            if isinstance(failed, str):
                print(f"  annotator {name:<24} {failed}")
                continue
            runs = [timed(args, env) for _ in range(options.runs)]
            times = [run[0] for run in runs if not isinstance(run, str)]
            cpu = [run[1] for run in runs if not isinstance(run, str)]
            print(f"  annotator {name:<24} {statistics.median(times):6.3f} s  "
                  f"(min {min(times):.3f}, max {max(times):.3f}; CPU {statistics.median(cpu):.3f} s)")
        show = ["show", project, "1", "--json"]
        profile = import_profile(show, env, options.runs)
        total = sum(own for own, _ in profile.values())
        print(f"\n-X importtime of 'annotator show P 1 --json' (median of {options.runs}): {total / 1000:.1f} ms "
              f"of imports; own time per package (ms):")
        for us, name in by_package(profile)[:options.importtime]:
            print(f"  {us / 1000:7.1f}  {us / total:4.0%}  {name}")
        print("\ndearest modules by own time (ms):")
        dearest = sorted(profile.items(), key=lambda item: item[1][0], reverse=True)[:options.importtime]
        for name, (own, cumulative) in dearest:
            print(f"  {own / 1000:7.1f}  (with what it imports {cumulative / 1000:7.1f})  {name}")

if __name__ == "__main__":
    main()
