"""Running the ``annotator`` command line inside the test process.

A subprocess costs half a second of interpreter and import start-up, which over hundreds of
runs is minutes of CI. ``run_here`` calls the very function the executable calls
(``annotator.cli.main.main``) with the same arguments, captures what it prints, records the
warnings Python would print on a terminal, and stops a run that hangs. Tests that need what only
a separate process shows (a closed pipe, a kill, two processes on one file) use real processes.
"""

from __future__ import annotations

import contextlib
import io
import signal
import warnings
from dataclasses import dataclass
from pathlib import Path

from annotator.cli.main import main

PER_RUN_SECONDS = 60

# Warning categories Python shows a command-line user by default (the others are for developers).
_SHOWN = (UserWarning, RuntimeWarning, SyntaxWarning, BytesWarning, UnicodeWarning, FutureWarning)


class Hung(Exception):
    """A run took longer than PER_RUN_SECONDS."""


@dataclass
class Outcome:
    """What a run ended with, named as ``subprocess.CompletedProcess`` names it."""

    returncode: int
    stdout: str
    stderr: str
    warnings: list[str]  # what Python would print as "…: UserWarning: …" on the terminal


def run_here(*args: str | Path) -> Outcome:
    """``annotator ARGS`` in this process, output captured, stopped if it hangs."""
    out, err = io.StringIO(), io.StringIO()

    def hung(_signum: int, _frame: object) -> None:
        raise Hung(f"annotator {' '.join(map(str, args))} ran longer than {PER_RUN_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(PER_RUN_SECONDS)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            try:
                code = main([str(arg) for arg in args])
            except SystemExit as exit_:  # argparse: usage errors and --help
                code = exit_.code if isinstance(exit_.code, int) else 2
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    shown = [f"{item.category.__name__}: {item.message}" for item in caught if issubclass(item.category, _SHOWN)]
    return Outcome(code, out.getvalue(), err.getvalue(), shown)


def refused(outcome: Outcome, code: str) -> bool:
    """Whether a run was refused with the catalogue message ``code`` and nothing worse."""
    return outcome.returncode == 1 and f"[{code}]" in outcome.stderr and "Traceback" not in outcome.stderr
