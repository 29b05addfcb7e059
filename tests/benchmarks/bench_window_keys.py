"""Benchmark of the analyst's keys in the real main window: run on demand, not by pytest.

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_window_keys.py [--seed N] [--only NAME]
        [--profile KEY]

Builds real projects in a temporary folder (user folders and ``GuiSettings`` redirected there,
``ANNOTATOR_CONFIG_DIR`` as the GUI tests do) and opens a real ``MainWindow`` on each (offscreen,
1440×900, shown and active, spaCy's tokenizer and the suggestion pipeline loaded first so no
worker competes for the CPU). Three scenarios:
- ``suggestions``: the 1 MB generated document of ``bench_editor`` with about 20,000 pending
  suggestions (``bench_editor.make_spans``' offsets and labels, duplicates merged) and 1,000
  suggested relations between neighbours, of types the schema allows, written by
  ``project.suggestions.replace_pending`` as a pipeline run writes them, and a sample article as
  a second document;
- ``own``: the same document with about 20,000 of the analyst's own spans and 2,000 relations
  (written in bulk, as ``bench_editor`` does) and 300 pending suggestions for the keys that need
  some;
- ``sample``: the sample corpus with the real pipeline's suggestions (``nlp.suggest``), keys on
  its first article.

Keys are real key events sent to the focused text view with ``QTest.keyClick`` (shortcut
override, the window's shortcut map, the action, as an analyst's key press goes), working in
the middle of the document: a label key (A) on a selected word, Y accept, X reject, ] next
suggestion, Tab, Ctrl+Z undo and Ctrl+Shift+Z redo of every step made before (label, accept and
reject steps), and opening the next document and the previous one again with the keys of
Document ▸ Next document and Previous document (read from the window's actions).
Before each key the event loop is idle and the screen painted. Three times per key:
- ``commit``: from sending the key to ``keyClick`` returning: the shortcut ran, its operation is
  committed in the project (one transaction) and the view's model and the panels are updated;
  the repaint is only requested;
- ``paint``: the time spent in ``DocumentView.paintEvent`` (the text and everything drawn over
  it) for the paints that follow the key;
- ``total``: from sending the key until the event loop has delivered what the key posted and
  the window's repaint holding the view's paint has ended: the committed row on screen
  (offscreen backing store; a real display adds the copy to the screen). A poll of the change
  feed or another timer that falls into this window counts, as the analyst would wait for it
  too; what runs after that repaint (an idle slice reading the rest of a document just opened)
  does not: the screen already shows the key's result.
- ``cpu``: the process's CPU time (``time.process_time``, all its threads) over the same span as
  ``total``. On a shared machine the wall-clock times grow with other processes' load; the CPU
  time is what the key itself costs, and is the figure to compare runs by.
Printed per key: median, 90th percentile and worst of ``total``, medians of ``commit`` and
``paint``, median and worst of ``cpu``, beside the target of issue 14: at most 16 ms median, at
most 50 ms worst. For the keys that open a document, the split of the opening too: when its text
was in the view (Qt's ``setPlainText`` of 1 MB alone is about 17 ms here; a long text's first
and last screens, ``textview.text_fill``), when the text with the first screen's spans was
painted (``total``), and when every span was read and the whole text was in by the idle slices
(``document_load``; the run waits for that before the next key). Nothing is
asserted about time; a key that did not do its job (no span added, no suggestion accepted…)
stops the run, so no figure times a key that did nothing.

``--profile KEY`` (one of the key names printed) runs that key's repetitions under cProfile and
prints the functions with the most time of their own and the most time including callees.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from PySide6.QtCore import QEvent, QPoint, Qt, QThreadPool  # noqa: E402
from PySide6.QtGui import QAction, QPaintEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.corpus.importer import import_paths  # noqa: E402
from annotator.gui.mainwindow import MainWindow  # noqa: E402
from annotator.gui.offsets import OffsetMap  # noqa: E402
from annotator.gui.settings import GuiSettings  # noqa: E402
from annotator.gui.suggest_runner import cached_pipeline  # noqa: E402
from annotator.gui.textview import DocumentView  # noqa: E402
from annotator.nlp.pipelines import default_pipeline_name  # noqa: E402
from annotator.nlp.suggest import suggest  # noqa: E402
from annotator.store import Project  # noqa: E402
from annotator.store.models import REL, SPAN, utcnow  # noqa: E402
from annotator.store.suggestions import DocumentCandidates, RelationCandidate, SpanCandidate  # noqa: E402
from annotator.store.tables import LABEL  # noqa: E402
from tests.benchmarks.bench_editor import make_spans, make_text  # noqa: E402

ANALYST = "analyst"
MODEL = "en_core_web_sm"
TARGET_MEDIAN_MS = 16.0
TARGET_WORST_MS = 50.0
REPEAT = 30
WALK = 40  # ] and Tab: cheap to repeat, so a few more
SUGGESTED_RELATIONS = 1_000
OWN_RELATIONS = 2_000  # as bench_editor
WINDOW_SIZE = (1440, 900)
KEY = Qt.Key
NO = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
SAMPLES = sorted((ROOT / "sample_corpus").glob("*.txt"))


# --- timing the view's paints ---------------------------------------------------------------

class PaintClock:
    """Wraps ``DocumentView.paintEvent`` (the class, before any window exists) to count the
    view's paints and the time spent in them, and ``MainWindow.event`` to see when the window's
    repaint that holds the view's paint (every widget painted, the backing store flushed) ends."""

    def __init__(self) -> None:
        self.paints = 0
        self.seconds = 0.0
        self.painted = (0.0, 0.0)  # wall and CPU clocks when the last paint ended
        original = DocumentView.paintEvent
        clock = self

        def timed_paint(view: DocumentView, event: QPaintEvent) -> None:
            start = time.perf_counter()
            original(view, event)
            end = time.perf_counter()
            clock.seconds += end - start
            clock.paints += 1
            clock.painted = (end, time.process_time())

        DocumentView.paintEvent = timed_paint  # type: ignore[method-assign]
        window_event = MainWindow.event

        def timed_window_event(window: MainWindow, event: QEvent) -> bool:
            handled = window_event(window, event)
            if event.type() == QEvent.Type.UpdateRequest and clock.paints:
                clock.painted = (time.perf_counter(), time.process_time())
            return handled

        MainWindow.event = timed_window_event  # type: ignore[method-assign]
        self.text_shown = (0.0, 0.0)  # wall and CPU clocks when the view last took a new text
        load_text = DocumentView._load_text

        def timed_load_text(view: DocumentView, first: int | None = None) -> None:
            load_text(view, first)
            clock.text_shown = (time.perf_counter(), time.process_time())

        DocumentView._load_text = timed_load_text  # type: ignore[method-assign]

    def reset(self) -> None:
        self.paints = 0
        self.seconds = 0.0
        self.painted = (0.0, 0.0)


@dataclass
class Figures:
    commit: list[float] = field(default_factory=list)
    paint: list[float] = field(default_factory=list)
    total: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    unpainted: int = 0
    # opening a document: when its text was in the view, and when every span was read
    text: list[tuple[float, float]] = field(default_factory=list)  # (wall, CPU) from the key
    built: list[tuple[float, float]] = field(default_factory=list)
    slices: list[int] = field(default_factory=list)
    longest_slice: list[float] = field(default_factory=list)  # CPU of the GUI thread


@dataclass
class Bench:
    app: QApplication
    window: MainWindow
    clock: PaintClock
    profile: str | None
    results: dict[str, Figures] = field(default_factory=dict)
    profiler: cProfile.Profile | None = None

    @property
    def view(self) -> DocumentView:
        return self.window.view

    def settle(self) -> None:
        """Let the event loop finish what earlier keys posted (paints included)."""
        for _ in range(3):
            self.app.processEvents()

    def key(self, name: str, key: Qt.Key, modifiers: Qt.KeyboardModifier = NO, *, opening: bool = False) -> None:
        """One timed key press on the text view; see the module doc for what is measured
        (``opening``: also the split of a document's opening)."""
        figures = self.results.setdefault(name, Figures())
        self.settle()
        self.view.setFocus()
        self.clock.reset()
        profiling = self.profile == name
        if profiling:
            self.profiler = self.profiler or cProfile.Profile()
            self.profiler.enable()
        start, cpu_start = time.perf_counter(), time.process_time()
        QTest.keyClick(self.view, key, modifiers)
        committed = time.perf_counter()
        for _ in range(20):
            self.app.processEvents()
            if self.clock.paints:
                break
        end, cpu_end = time.perf_counter(), time.process_time()
        if self.clock.paints:  # on screen when the window's repaint ends, not when what runs after it does
            end, cpu_end = self.clock.painted
        if profiling:
            assert self.profiler is not None
            self.profiler.disable()
        figures.commit.append((committed - start) * 1000)
        figures.total.append((end - start) * 1000)
        figures.paint.append(self.clock.seconds * 1000)
        figures.cpu.append((cpu_end - cpu_start) * 1000)
        figures.unpainted += self.clock.paints == 0
        if opening:
            wall, cpu = self.clock.text_shown
            figures.text.append(((wall - start) * 1000, (cpu - cpu_start) * 1000))
            deadline = time.monotonic() + 60
            while self.view.loading and time.monotonic() < deadline:
                self.app.processEvents()
            figures.built.append(((time.perf_counter() - start) * 1000, (time.process_time() - cpu_start) * 1000))
            load = self.window.editor.load
            figures.slices.append(load.slices if load is not None else 0)
            figures.longest_slice.append(load.longest_slice_ms if load is not None else 0.0)


# --- building the projects --------------------------------------------------------------------

def open_project(folder: Path, text: str | None, samples: list[Path]) -> tuple[Project, list[int]]:
    """A project with the generated document (when ``text`` is given) and ``samples``, imported
    in that order."""
    sources = []
    if text is not None:
        big = folder / "long_article.txt"
        big.write_text(text, encoding="utf-8")
        sources.append(big)
    project = Project.open(folder / "bench.db")
    report = import_paths(project, sources + samples)
    return project, [document.id for document in report.imported]


def generated_spans(text: str, rng: random.Random) -> list[tuple[int, int, str]]:
    """``bench_editor``'s spans as (start, end, label), one per label and offsets."""
    return list(dict.fromkeys((start, end, label) for start, end, label, _who, _layer in make_spans(text, rng)))


def related(project: Project, spans: list[tuple[int, int, str]], rng: random.Random,
            count: int) -> list[tuple[int, int, str]]:
    """``count`` relations (head index, tail index, type) between spans a few apart in text
    order, of types the schema allows between their labels."""
    schema = project.schema
    ordered = sorted(range(len(spans)), key=lambda index: spans[index][:2])
    found: dict[tuple[int, int], str] = {}
    while len(found) < count:
        at = rng.randrange(len(ordered) - 6)
        head, tail = ordered[at], ordered[at + rng.randint(1, 5)]
        types = [kind.name for kind in schema.relation_types
                 if spans[head][2] in kind.head and spans[tail][2] in kind.tail]
        if types:
            found[head, tail] = rng.choice(types)
    return [(head, tail, kind) for (head, tail), kind in found.items()]


def write_suggestions(project: Project, doc_id: int, spans: list[tuple[int, int, str]],
                      rng: random.Random, relations: int) -> tuple[int, int]:
    """Pending suggestions and suggested relations, as a pipeline run writes them."""
    candidates = [SpanCandidate(start, end, label, "ner") for start, end, label in spans]
    links = [RelationCandidate(candidates[head].key, candidates[tail].key, kind)
             for head, tail, kind in related(project, spans, rng, relations)]
    written = project.suggestions.replace_pending(MODEL, [DocumentCandidates(doc_id, candidates, links)])
    return sum(written.spans.values()), written.relations


def write_own_spans(project: Project, doc_id: int, spans: list[tuple[int, int, str]],
                    rng: random.Random, relations: int) -> tuple[int, int]:
    """The analyst's spans and relations, written in bulk (as ``bench_editor`` does)."""
    now = utcnow()
    with project.transaction() as connection:
        annotator_id = project.annotator_id(ANALYST, connection=connection)
        rows = []
        for start, end, label in spans:
            label_id = project.label_id("span", label, connection=connection)
            rows.append(dict(document_id=doc_id, annotator_id=annotator_id, layer="annotation", label_id=label_id,
                             start_offset=start, end_offset=end, attrs={}, note="", created_at=now, updated_at=now))
        connection.execute(sa.insert(SPAN), rows)
        table = SPAN
        ids = {(start, end, label): span_id for start, end, label, span_id in connection.execute(
            sa.select(table.c.start_offset, table.c.end_offset, LABEL.c.name, table.c.id)
            .join(LABEL, LABEL.c.id == table.c.label_id)
            .where(table.c.document_id == doc_id, table.c.layer == "annotation"))}
        links = [dict(document_id=doc_id, annotator_id=annotator_id, layer="annotation",
                      label_id=project.label_id("relation", kind, connection=connection),
                      head_id=ids[spans[head]], tail_id=ids[spans[tail]], attrs={}, created_at=now)
                 for head, tail, kind in related(project, spans, rng, relations)]
        connection.execute(sa.insert(REL), links)
    return len(rows), len(links)


@contextmanager
def main_window(app: QApplication, project: Project, folder: Path) -> Iterator[MainWindow]:
    """The window as an analyst gets it: shown, active, tokenizer and pipeline loaded."""
    window = MainWindow(project, ANALYST, GuiSettings())
    window.show()
    window.resize(*WINDOW_SIZE)
    window.activateWindow()
    deadline = time.monotonic() + 300
    while not (window.isActiveWindow() and window.editor.spacy_ready and window.suggest_runner.chosen()
               and QThreadPool.globalInstance().activeThreadCount() == 0):
        app.processEvents()
        time.sleep(0.02)
        if time.monotonic() > deadline:
            raise RuntimeError("the window did not become ready in 5 minutes")
    window.view.setFocus()
    try:
        yield window
    finally:
        window.close()
        app.processEvents()


# --- what is on screen ------------------------------------------------------------------------

def visible_range(bench: Bench) -> tuple[int, int]:
    """Code points shown in the view, first to last."""
    view = bench.view
    offsets = OffsetMap(bench.window.editor.document.text)
    first = view.cursorForPosition(QPoint(0, 0)).position()
    last = view.cursorForPosition(QPoint(view.viewport().width() - 1, view.viewport().height() - 1)).position()
    return offsets.from_qt(first), offsets.from_qt(last)


def on_screen(bench: Bench, wanted: Callable[[int], bool]) -> list[int]:
    """Ids of shown spans starting on screen that ``wanted`` accepts, in reading order; scrolls
    on by a page (outside any timing) while there are none."""
    view = bench.view
    for _ in range(50):
        first, last = visible_range(bench)
        found = [span_id for span_id in view.span_ids_in_order()
                 if first <= view.span(span_id).start < last and wanted(span_id)]  # type: ignore[union-attr]
        if found:
            return found
        bar = view.verticalScrollBar()
        bar.setValue(min(bar.maximum(), bar.value() + bar.pageStep()))
        bench.settle()
    raise RuntimeError("nothing wanted on screen")


def scroll_to_middle(bench: Bench) -> None:
    bar = bench.view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    bench.settle()


# --- the keys ---------------------------------------------------------------------------------

def is_pending_suggestion(bench: Bench) -> Callable[[int], bool]:
    def wanted(span_id: int) -> bool:
        span = bench.view.span(span_id)
        return span is not None and span.layer == "suggestion"
    return wanted


def own_spans(bench: Bench) -> int:
    """How many of the analyst's spans the view shows (a suggestion like a new one hides)."""
    view = bench.view
    return sum(1 for span_id in view.span_ids_in_order()
               if (span := view.span(span_id)) is not None and span.layer == "annotation")


def press_label(bench: Bench, repeat: int) -> int:
    """A (ACTOR) on a selected word on screen, ``repeat`` times; returns the steps made."""
    editor = bench.window.editor
    text = editor.document.text  # type: ignore[union-attr]
    history = editor.history
    done = 0
    while done < repeat:
        first, last = visible_range(bench)
        words = [m for m in re.finditer(r"\w{4,}", text[first:last])]
        chosen = words[(done * 7) % len(words)]
        start, end = first + chosen.start(), first + chosen.end()
        bench.view.select_range(start, end)
        before = own_spans(bench)
        bench.key("label key (A) on a selection", KEY.Key_A)
        current = editor.current_span()
        if current is None or current.label != "ACTOR" or history.undo_label != "Add ACTOR" \
                or own_spans(bench) != before + 1:
            raise RuntimeError("the label key added no span")
        done += 1
    return done


def press_decisions(bench: Bench, repeat: int, name: str, key: Qt.Key) -> int:
    """Y or X on a pending suggestion on screen made current (as a click does), ``repeat``
    times at most (fewer when the document has fewer); returns the steps made."""
    editor = bench.window.editor
    done = 0
    while done < repeat:
        try:
            target = on_screen(bench, is_pending_suggestion(bench))[0]
        except RuntimeError:
            break  # a short article runs out of suggestions
        editor.select_span(target)
        bench.key(name, key)
        shown = bench.view.span(target)
        if shown is not None:
            raise RuntimeError(f"{name} left the suggestion pending")
        if key == KEY.Key_Y and (editor.current_span() is None or editor.current_span().layer != "annotation"):
            raise RuntimeError("Y made no own span current")
        done += 1
    return done


def press_walk(bench: Bench, repeat: int, name: str, key: Qt.Key, layer: str) -> None:
    editor = bench.window.editor
    for _ in range(repeat):
        before = editor.current_span()
        bench.key(name, key)
        current = editor.current_span()
        if current is None or current.layer != layer or (before is not None and current.id == before.id):
            raise RuntimeError(f"{name} did not move to another {layer} span")


def press_history(bench: Bench, steps: int) -> None:
    history = bench.window.editor.history
    for _ in range(steps):
        label = history.undo_label
        bench.key("Ctrl+Z undo", KEY.Key_Z, CTRL)
        if history.redo_label != label:
            raise RuntimeError("Ctrl+Z undid nothing")
    for _ in range(steps):
        label = history.redo_label
        bench.key("Ctrl+Shift+Z redo", KEY.Key_Z, CTRL | SHIFT)
        if history.undo_label != label:
            raise RuntimeError("Ctrl+Shift+Z redid nothing")


def shortcut(window: MainWindow, text: str) -> tuple[Qt.Key, Qt.KeyboardModifier, str]:
    """The first key of the window's action named ``text`` (as the menu shows it, without &)."""
    for action in window.findChildren(QAction):
        if action.text().replace("&", "") == text and action.shortcuts():
            combination = action.shortcuts()[0][0]
            return combination.key(), combination.keyboardModifiers(), action.shortcuts()[0].toString()
    raise RuntimeError(f"no action {text!r} with a key")


def press_open(bench: Bench, repeat: int, names: tuple[str, str]) -> None:
    """The keys of Document ▸ Next document and Previous document, ``repeat`` times each: to the
    next document in the list and back."""
    editor = bench.window.editor
    ids = bench.window.doc_model.ids
    first = editor.document.id  # type: ignore[union-attr]
    second = ids[ids.index(first) + 1]
    steps = [(shortcut(bench.window, "Next document"), names[0], second),
             (shortcut(bench.window, "Previous document"), names[1], first)]
    for _ in range(repeat):
        for (key, modifiers, keys), name, expected in steps:
            bench.key(f"{keys}: {name}", key, modifiers, opening=True)
            if editor.document.id != expected:  # type: ignore[union-attr]
                raise RuntimeError(f"{keys} opened document {editor.document.id}, not {expected}")  # type: ignore[union-attr]


def run_keys(bench: Bench, open_names: tuple[str, str], repeat: int = REPEAT) -> dict[str, int]:
    scroll_to_middle(bench)
    steps = press_label(bench, repeat)
    accepted = press_decisions(bench, repeat, "Y accept suggestion", KEY.Key_Y)
    rejected = press_decisions(bench, repeat, "X reject suggestion", KEY.Key_X)
    press_walk(bench, repeat + WALK - REPEAT, "] next suggestion", KEY.Key_BracketRight, "suggestion")
    press_walk(bench, repeat + WALK - REPEAT, "Tab next own span", KEY.Key_Tab, "annotation")
    press_history(bench, steps + accepted + rejected)
    press_open(bench, repeat, open_names)
    return {"label": steps, "accepted": accepted, "rejected": rejected}


# --- the report -------------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(title: str, results: dict[str, Figures]) -> None:
    print(f"\n{title}")
    names = list(results)
    width = max(len(name) for name in names)
    print(f"  {'key':<{width}}  {'n':>3}  {'median':>7}  {'p90':>7}  {'worst':>7}  {'commit':>7}  {'paint':>6}"
          f"  {'cpu':>6}  {'cpu max':>7}   target: median <= {TARGET_MEDIAN_MS:.0f} ms, worst <= {TARGET_WORST_MS:.0f} ms")
    for name in names:
        figures = results[name]
        total = figures.total
        median, worst = statistics.median(total), max(total)
        verdict = "ok" if median <= TARGET_MEDIAN_MS and worst <= TARGET_WORST_MS else (
            "median over" if median > TARGET_MEDIAN_MS else "worst over")
        unpainted = f" ({figures.unpainted} without a view paint)" if figures.unpainted else ""
        print(f"  {name:<{width}}  {len(total):>3}  {median:>7.1f}  {percentile(total, 0.9):>7.1f}  {worst:>7.1f}"
              f"  {statistics.median(figures.commit):>7.1f}  {statistics.median(figures.paint):>6.1f}"
              f"  {statistics.median(figures.cpu):>6.1f}  {max(figures.cpu):>7.1f}   {verdict}{unpainted}")
    for name in names:
        figures = results[name]
        if figures.text:
            def split(pairs: list[tuple[float, float]]) -> str:
                walls, cpus = [pair[0] for pair in pairs], [pair[1] for pair in pairs]
                return (f"{statistics.median(walls):.1f} ({max(walls):.1f}), CPU {statistics.median(cpus):.1f} "
                        f"({max(cpus):.1f})")
            print(f"  {name}, median (worst) from the key: text in the view {split(figures.text)}; text and the "
                  f"first screen's spans painted {split(list(zip(figures.total, figures.cpu, strict=True)))}; "
                  f"every span read {split(figures.built)}, in {statistics.median(figures.slices):.0f} idle slices "
                  f"of at most {max(figures.longest_slice):.1f} ms CPU")


def reference_ms() -> float:
    """A fixed piece of pure Python, to tell a slow or busy machine from a slow program."""
    times = []
    for _ in range(5):
        start = time.perf_counter()
        sum(range(10**6))
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def print_profile(profiler: cProfile.Profile, key: str) -> None:
    print(f"\nProfile of {key!r} (all its repetitions):")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(45)


# --- scenarios --------------------------------------------------------------------------------

def scenario_suggestions(app: QApplication, folder: Path, rng: random.Random, clock: PaintClock,
                         profile: str | None, repeat: int) -> None:
    text = make_text(rng)
    project, (big, _article) = open_project(folder, text, SAMPLES[:1])
    stored = project.documents.get(big).text
    count, links = write_suggestions(project, big, generated_spans(stored, rng), rng, SUGGESTED_RELATIONS)
    keys_on_the_big_document(app, project, folder, big, clock, profile, repeat,
                             f"1 MB document ({len(stored):,} characters), {count:,} pending suggestions and "
                             f"{links:,} suggested relations, no own spans before the run")


def keys_on_the_big_document(app: QApplication, project: Project, folder: Path, big: int, clock: PaintClock,
                             profile: str | None, repeat: int, what: str) -> None:
    """Every key on the 1 MB document in a main window, opening the other document and back
    among them, and the figures under ``what``."""
    with main_window(app, project, folder) as window:
        bench = Bench(app, window, clock, profile)
        window.open_document(big)
        counts = run_keys(bench, ("open the sample article", "open the 1 MB document"), repeat)
        report(f"{what}; {counts}", bench.results)
        finish(bench)


def scenario_own_spans(app: QApplication, folder: Path, rng: random.Random, clock: PaintClock,
                       profile: str | None, repeat: int) -> None:
    text = make_text(rng)
    project, (big, _article) = open_project(folder, text, SAMPLES[:1])
    stored = project.documents.get(big).text
    own, links = write_own_spans(project, big, generated_spans(stored, rng), rng, OWN_RELATIONS)
    suggested, _none = write_suggestions(project, big, [(start, end, label) for start, end, label in
                                                        generated_spans(stored, rng) if label != "CLAIM"][::60], rng, 0)
    keys_on_the_big_document(app, project, folder, big, clock, profile, repeat,
                             f"1 MB document ({len(stored):,} characters), {own:,} own spans and {links:,} own "
                             f"relations, {suggested} pending suggestions")


def scenario_sample(app: QApplication, folder: Path, rng: random.Random, clock: PaintClock,
                    profile: str | None, repeat: int) -> None:
    del rng
    project, ids = open_project(folder, None, SAMPLES)
    result = suggest(project, ids, pipeline=cached_pipeline(default_pipeline_name()))
    first = ids[0]
    pending = len(project.suggestions.spans(first))
    with main_window(app, project, folder) as window:
        bench = Bench(app, window, clock, profile)
        window.open_document(first)
        bench.view.verticalScrollBar().setValue(0)
        counts = run_keys(bench, ("open the second article", "open the first article"), repeat)
        article = window.editor.document
        assert article is not None
        report(f"sample article {SAMPLES[0].name} ({len(article.text):,} characters), {pending} pending "
               f"suggestions of {result.pipeline}; {counts}", bench.results)
        finish(bench)


def finish(bench: Bench) -> None:
    if bench.profiler is not None and bench.profile is not None:
        print_profile(bench.profiler, bench.profile)


SCENARIOS = {"suggestions": scenario_suggestions, "own": scenario_own_spans, "sample": scenario_sample}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", choices=list(SCENARIOS), action="append",
                        help="run only this scenario (repeatable)")
    parser.add_argument("--profile", metavar="KEY", help="profile this key (its name as printed)")
    parser.add_argument("--repeat", type=int, default=REPEAT, help="repetitions of each key (a quick look)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        for variable, name in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                               ("XDG_STATE_HOME", "state"), ("ANNOTATOR_CONFIG_DIR", "annotator-config")):
            os.environ[variable] = str(home / name)
        app = QApplication.instance() or QApplication([])
        clock = PaintClock()
        print(f"Qt platform {app.platformName()}, window {WINDOW_SIZE[0]}×{WINDOW_SIZE[1]}, load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs, sum(range(10**6)) in {reference_ms():.0f} ms "
              f"(about 15 ms on an idle core of a recent laptop); times in ms")
        for name in args.only or list(SCENARIOS):
            folder = home / name
            folder.mkdir()
            SCENARIOS[name](app, folder, random.Random(args.seed), clock, args.profile, args.repeat)


if __name__ == "__main__":
    main()
