"""Progress and cancellation for long work, without any GUI or terminal dependency.

Import, pre-annotation, export and agreement take a ``TaskControl``; the CLI hands in one that
draws a tqdm bar, the GUI one that emits a Qt signal from its worker thread and whose cancel
button sets the flag. The work itself checks ``raise_if_cancelled`` between units, at points
where stopping leaves the database consistent (between transactions).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

ProgressCallback = Callable[[int, int, str], None]


class Cancelled(Exception):
    """The user asked to stop; work already committed stays committed."""


@dataclass
class TaskControl:
    """What a long-running function needs from its caller: where to report, whether to stop."""

    on_progress: ProgressCallback | None = None
    _cancel: threading.Event = field(default_factory=threading.Event)

    def report(self, done: int, total: int, message: str = "") -> None:
        if self.on_progress is not None:
            self.on_progress(done, total, message)

    def cancel(self) -> None:
        """Ask the work to stop at its next safe point (thread-safe)."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def raise_if_cancelled(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()
