"""Printing for the command line: aligned tables for people, JSON for scripts, errors to stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from annotator.tasks import TaskControl


def print_json(value: Any) -> None:
    """One JSON value on one line, non-ASCII kept readable (Cyrillic stays Cyrillic)."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, default=str) + "\n")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, max_width: int = 60) -> None:
    """A plain aligned table; long cells are cut with an ellipsis so rows stay on one line."""
    def cell(value: Any) -> str:
        text = "" if value is None else str(value).replace("\n", " ")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    sys.stdout.write("\n".join(lines) + "\n")


def error(message: str) -> None:
    sys.stderr.write(f"annotator: {message}\n")


def format_counts(counts: dict[str, Any]) -> str:
    """``{"alice": 3, "bob": 5}`` as ``alice:3 bob:5`` for one table cell."""
    return " ".join(f"{key}:{value}" for key, value in counts.items()) or "-"


class ProgressBar:
    """A tqdm bar on stderr driven by a ``TaskControl``; silent when stderr is not a terminal."""

    def __init__(self, description: str, unit: str = "file") -> None:
        from tqdm import tqdm  # imported on use: most commands draw no bar

        self._bar = tqdm(total=0, desc=description, unit=unit, file=sys.stderr, disable=None, leave=False)
        self.control = TaskControl(on_progress=self._update)

    def _update(self, done: int, total: int, _message: str) -> None:
        if self._bar.total != total:
            self._bar.total = total
        self._bar.n = done
        self._bar.refresh()

    def __enter__(self) -> TaskControl:
        return self.control

    def __exit__(self, *_exc: object) -> None:
        self._bar.close()
