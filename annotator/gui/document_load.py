"""Opening a document in two steps: the spans on screen in the key, the rest while the window is idle.

Reading the 20,000 spans of a 1 MB document and indexing them takes a few hundred milliseconds
on the shared machine (most of it making the records), far more than the frame a key may take.
Opening therefore reads only the spans that start in the first few screens of text (the view
opens a document at its top; ``DocumentView.screen_chars`` estimates a screen generously), shows
the text with them and paints; the rest is read one stretch of text after another
(``annotator.store.span_ranges``) in idle slices of about ``SLICE_MS`` each (a zero-interval
timer: a key pressed meanwhile waits for one slice at most), each stretch sized from the last
one's time. The first slice waits for the view's first paint of the document
(``DocumentView.when_painted``): started at once, it ran before Qt's repaint, inside the key.

Every key stays correct while this runs: the view asks for the rest (``finish``: read at once,
in one go) before anything that needs every span (Tab, ] and [, any edit, a span looked up by
id that is not there yet; ``DocumentView.begin_loading``). Painting and clicking need only the
spans on screen; a stretch that arrives drops the scenes of the lines it covers, so lines
scrolled to before their spans arrived are drawn again with them.

A stretch reads the shown spans starting in it and the relations with an end among them (a
relation whose other end is further on is read again, whole, with that end's stretch); in the
analyst's own layer also the pending suggestions starting there that the analyst does not
already have, with the suggested relations between shown suggestions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from annotator.store.records import RelationRecord, SpanRecord
from annotator.store.span_ranges import pending_suggestions_starting_in, spans_starting_in

if TYPE_CHECKING:
    from annotator.gui.editor import DocumentEditor

SLICE_MS = 8.0  # the aim of one idle slice, in CPU time of the GUI thread
FIRST_STRETCH = 20_000  # code points read by the first idle slice; later ones follow the time taken
# A slice runs a few statements whatever its length (about 2 ms of the shared machine's CPU):
# below the lower bound that fixed part would be most of the work.
STRETCH_BOUNDS = (10_000, 400_000)
_TOUCHING_CHUNK = 500  # span ids per "relations touching" read, well under every backend's parameter limit

Annotations = tuple[list[SpanRecord], list[RelationRecord]]
_Reader = Callable[[list[int]], list[RelationRecord]]  # relations with an end among these span ids


class DocumentLoad(QObject):
    """The spans of one open document still to be read, and the idle slices that read them."""

    def __init__(self, editor: DocumentEditor, doc_id: int, length: int) -> None:
        super().__init__(editor)
        self._editor = editor
        self._doc_id = doc_id
        self._length = length
        self._next = 0  # every shown span starting before this is read
        self._stretch = FIRST_STRETCH
        self._suggested: set[int] = set()  # ids of the suggestions shown so far (their relations' ends)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._slice)
        self._stopped = False
        self.slices = 0  # for tests and the benchmark
        self.longest_slice_ms = 0.0

    @property
    def done(self) -> bool:
        return self._next > self._length

    def first(self, stop: int) -> Annotations:
        """The annotations starting before ``stop`` (the first screens): read in the key. A
        document that ends before ``stop`` is read whole (its relations in one statement each,
        not by their ends)."""
        if stop > self._length:
            return self._read(self._length + 1, whole=True)
        return self._read(stop)

    def start(self) -> None:
        """Read the rest in idle slices once the view has painted (not inside the key that
        opened the document); until then the view asks for it when it needs it all."""
        if not self.done:
            self._editor.view.begin_loading(self.finish)
            self._editor.view.when_painted(self._go_on)

    def _go_on(self) -> None:
        if not self._stopped and not self.done:
            self._timer.start()

    def stop(self) -> None:
        """Another document or the whole annotations again: read nothing more."""
        self._stopped = True
        self._timer.stop()
        self._editor.view.end_loading(self.finish)

    def finish(self) -> None:
        """Read everything not read yet, now, in one go."""
        self._timer.stop()
        if not self.done:
            first = self._next
            spans, relations = self._read(self._length + 1, whole=True)
            self._show(spans, relations, first)
        self._editor.view.end_loading(self.finish)

    def _slice(self) -> None:
        started = time.thread_time()  # not the wall clock: on a busy machine it counts other processes' turns
        first = self._next
        spans, relations = self._read(min(first + self._stretch, self._length + 1))
        self._show(spans, relations, first)
        elapsed = (time.thread_time() - started) * 1000
        self.slices += 1
        self.longest_slice_ms = max(self.longest_slice_ms, elapsed)
        low, high = STRETCH_BOUNDS
        # at most twice as long as the last: a stretch of bare text says little about the next
        self._stretch = max(low, min(high, int(self._stretch * min(2.0, SLICE_MS / max(elapsed, 0.5)))))
        if self.done:
            self._editor.view.end_loading(self.finish)
        else:
            self._timer.start()

    def _show(self, spans: list[SpanRecord], relations: list[RelationRecord], first: int) -> None:
        self._editor.view.add_loaded(spans, relations, first, min(self._next, self._length))

    def _read(self, stop: int, *, whole: bool = False) -> Annotations:
        """The shown annotations starting in ``[self._next, stop)``; moves ``_next`` on. With
        ``whole`` (the rest at once), every relation of the document, read in one statement
        rather than by their ends."""
        first, self._next = self._next, stop
        editor = self._editor
        project = editor.project
        annotators, layers, suggestions = editor.shown_layers()
        spans = spans_starting_in(project, self._doc_id, first, stop, annotators=annotators, layers=layers)
        if whole:
            relations = project.annotations.relations(self._doc_id, annotators=annotators, layers=layers)
        else:
            relations = self._touching([span.id for span in spans],
                                       lambda ids: project.annotations.relations(
                                           self._doc_id, annotators=annotators, layers=layers, touching=ids))
        if suggestions:
            own = {(span.label, span.start, span.end) for span in spans if span.annotator == editor.annotator}
            suggested = [span for span in pending_suggestions_starting_in(project, self._doc_id, first, stop)
                         if (span.label, span.start, span.end) not in own]
            self._suggested.update(span.id for span in suggested)
            spans += suggested
            shown = self._suggested
            if whole:
                candidates = project.suggestions.relations(self._doc_id)
            else:
                candidates = self._touching([span.id for span in suggested], lambda ids: project.suggestions.relations(
                    self._doc_id, touching=ids))
            relations += [relation for relation in candidates
                          if relation.head_id in shown and relation.tail_id in shown]
        return spans, relations

    @staticmethod
    def _touching(ids: Sequence[int], read: _Reader) -> list[RelationRecord]:
        found: dict[int, RelationRecord] = {}
        for at in range(0, len(ids), _TOUCHING_CHUNK):
            found.update((relation.id, relation) for relation in read(list(ids[at:at + _TOUCHING_CHUNK])))
        return list(found.values())
