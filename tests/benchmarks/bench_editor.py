"""Benchmark of the document view on a large document: run on demand, not by pytest.

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_editor.py [--seed N]

Builds a real project in a temporary folder: a generated 1 MB news-like document imported with
``import_paths``, 20,000 overlapping spans in four layers and 2,000 relations written in bulk,
then read back through ``project.annotations`` as the main window does. Measures, on a real
(offscreen) ``DocumentView``:
- open: ``set_document`` plus the first paint of the viewport;
- repaint: median full repaint of the viewport at several scroll positions, and a wheel step
  (scroll by three lines and paint what scrolled in);
- add span: ``project.annotations.add_span`` (one committed transaction), ``view.add_span``, and
  the repaint of the lines it touches, as one edit costs an analyst. Reported apart too: the
  adds after which a line needs more room (a new chip row or underline level), so that its
  block is laid out again and the whole view repainted.
Targets: open < 100 ms, repaint < 4 ms, add span (view part) < 5 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import sqlalchemy as sa  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.corpus.importer import import_paths  # noqa: E402
from annotator.gui.textview import DocumentView  # noqa: E402
from annotator.gui.textview.layout import GappedLayout  # noqa: E402
from annotator.store import Project  # noqa: E402
from annotator.store.models import REL, SPAN, utcnow  # noqa: E402

TARGET_CHARS = 1_000_000
N_SPANS = 20_000
N_RELATIONS = 2_000
OWNER = "analyst"

SUBJECTS = ["The Belarusian Foreign Ministry", "Maria Zakharova", "The Kremlin", "Official Minsk",
            "The United Transitional Cabinet", "NATO", "The Russian Foreign Intelligence Service",
            "Alexander Lukashenko", "The European Union", "Опозиция в изгнании", "Sviatlana Tsikhanouskaya"]
VERBS = ["said on Tuesday that", "warned that", "claimed that", "denied reports that", "announced that",
         "told reporters that", "insisted that", "accused the West of claiming that"]
CLAUSES = ["military drills near the border threaten the sovereignty of Belarus",
           "the Union State guarantees the security of both countries",
           "sanctions imposed by Brussels amount to economic warfare",
           "foreign agents are preparing provocations in Grodno and Brest",
           "the deployment of tactical nuclear weapons is a response to NATO expansion",
           "independent media outlets are spreading disinformation",
           "the referendum of 2022 strengthened the constitutional order",
           "refugees on the Polish border are being used as a hybrid weapon"]
TAILS = [".", ", according to state news agency BelTA.", ", a claim analysts dismissed as propaganda.",
         " — a statement echoed by Moscow.", ", citing “reliable sources” 📰."]


def make_text(rng: random.Random) -> str:
    paragraphs: list[str] = []
    size = 0
    while size < TARGET_CHARS:
        sentences = [f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(CLAUSES)}{rng.choice(TAILS)}"
                     for _ in range(rng.randint(3, 6))]
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def make_spans(text: str, rng: random.Random) -> list[tuple[int, int, str, str, str]]:
    """(start, end, label, annotator, layer) on word boundaries: names, nested phrases, clauses."""
    starts = [i for i in range(len(text)) if text[i].isalnum() and (i == 0 or not text[i - 1].isalnum())]
    ends = [i for i in range(1, len(text) + 1) if text[i - 1].isalnum() and (i == len(text) or not text[i].isalnum())]
    spans = []
    for _ in range(N_SPANS):
        first = rng.randrange(len(starts) - 40)
        words = rng.choice([1, 1, 2, 2, 3, 4, 6, 12, 25])
        start = starts[first]
        end = ends[min(first + words - 1, len(ends) - 1)]
        while end <= start:
            end = ends[ends.index(end) + 1]
        label = "CLAIM" if words >= 12 else rng.choice(["ACTOR", "ACTOR", "THREAT", "TARGET", "EVENT", "LOCATION"])
        roll = rng.random()
        annotator, layer = ((OWNER, "annotation") if roll < 0.85 else ("colleague", "annotation") if roll < 0.93
                            else ("en_core_web_sm", "suggestion") if roll < 0.98 else ("adjudicator", "gold"))
        spans.append((start, end, label, annotator, layer))
    return spans


def build_project(folder: Path, rng: random.Random) -> tuple[Project, int, str]:
    text = make_text(rng)
    source = folder / "long_article.txt"
    source.write_text(text, encoding="utf-8")
    project = Project.open(folder / "bench.db")
    report = import_paths(project, [source])
    doc_id = report.imported[0].id
    text = project.documents.get(doc_id).text  # offsets must index the text as stored
    now = utcnow()
    rows = []
    with project.transaction() as connection:
        for start, end, label, annotator, layer in make_spans(text, rng):
            kind = "model" if layer == "suggestion" else "human"
            annotator_id = project.annotator_id(annotator, kind=kind, connection=connection)
            label_id = project.label_id("span", label, connection=connection)
            rows.append(dict(document_id=doc_id, annotator_id=annotator_id, layer=layer, label_id=label_id,
                             start_offset=start, end_offset=end, attrs={}, note="", created_at=now, updated_at=now))
        connection.execute(sa.insert(SPAN), rows)
        ids = connection.execute(sa.select(SPAN.c.id, SPAN.c.start_offset, SPAN.c.layer,
                                           SPAN.c.annotator_id)
                                 .where(SPAN.c.document_id == doc_id)
                                 .order_by(SPAN.c.start_offset)).all()
        relation_rows = []
        label_id = project.label_id("relation", "about", create=True, connection=connection)
        while len(relation_rows) < N_RELATIONS:
            index = rng.randrange(len(ids) - 6)
            head, tail = ids[index], ids[index + rng.randint(1, 5)]
            if (head.layer, head.annotator_id) != (tail.layer, tail.annotator_id):
                continue  # the store links spans of one layer and annotator only
            relation_rows.append(dict(document_id=doc_id, annotator_id=head.annotator_id, layer=head.layer,
                                      label_id=label_id, head_id=head.id, tail_id=tail.id, attrs={}, created_at=now))
        connection.execute(sa.insert(REL), relation_rows)
    return project, doc_id, text


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        project, doc_id, text = build_project(Path(tmp), rng)
        with project:
            start = time.perf_counter()
            spans = project.annotations.spans(doc_id)
            relations = project.annotations.relations(doc_id)
            load_ms = (time.perf_counter() - start) * 1000
            colors = project.label_colors() | {r.name: r.color for r in project.schema.relation_types}

            view = DocumentView()
            view.resize(1100, 900)
            view.show()
            app.processEvents()
            open_ms = timed(lambda: (view.set_document(text, spans, relations, colors, owner=OWNER),
                                     view.viewport().repaint()))
            grab_ms = timed(view.grab)

            bar = view.verticalScrollBar()
            repaints = []
            for fraction in [i / 12 for i in range(1, 12)]:
                bar.setValue(int(bar.maximum() * fraction))
                app.processEvents()
                repaints.extend(timed(view.viewport().repaint) for _ in range(3))

            steps = []
            bar.setValue(bar.maximum() // 4)
            app.processEvents()
            for _ in range(40):
                steps.append(timed(lambda: (bar.setValue(bar.value() + 3), app.processEvents())))

            bar.setValue(bar.maximum() // 2)
            app.processEvents()
            first = view.firstVisibleBlock().position()
            words = [i for i in range(first, first + 1500) if text[i].isalpha() and not text[i - 1].isalpha()]
            layout = view.document().documentLayout()
            assert isinstance(layout, GappedLayout)
            db_times, view_times, growing = [], [], []
            for start_cp in words[:40]:
                end_cp = start_cp + 5
                placements = layout.placements
                t0 = time.perf_counter()
                record = project.annotations.add_span(doc_id, start_cp, end_cp, "ACTOR", OWNER)
                t1 = time.perf_counter()
                view.add_span(record)
                app.processEvents()  # paints the region add_span invalidated
                t2 = time.perf_counter()
                db_times.append((t1 - t0) * 1000)
                view_times.append((t2 - t1) * 1000)
                if layout.placements != placements:  # the line grew: laid out again
                    growing.append((t2 - t1) * 1000)

            rows = [
                ("document", f"{len(text):,} chars, {len(spans):,} spans, {len(relations):,} relations", ""),
                ("read spans+relations from SQLite", f"{load_ms:.1f} ms", "(for reference)"),
                ("set_document + first paint", f"{open_ms:.1f} ms", "target < 100 ms"),
                ("grab() of the whole widget", f"{grab_ms:.1f} ms", ""),
                ("repaint while scrolling (median)", f"{statistics.median(repaints):.2f} ms",
                 f"target < 4 ms; max {max(repaints):.2f} ms"),
                ("scroll 3 lines + paint, as a wheel step (median)", f"{statistics.median(steps):.2f} ms",
                 f"max {max(steps):.2f} ms"),
                ("add span: view.add_span + repaint (median)", f"{statistics.median(view_times):.2f} ms",
                 f"target < 5 ms; max {max(view_times):.2f} ms"),
                ("  of which a line grew: relayout + full repaint (median)",
                 f"{statistics.median(growing):.2f} ms" if growing else "-",
                 f"{len(growing)} of {len(view_times)}" + (f"; max {max(growing):.2f} ms" if growing else "")),
                ("add span: store add_span, committed (median)", f"{statistics.median(db_times):.2f} ms", ""),
                ("add span: total (median)",
                 f"{statistics.median(a + b for a, b in zip(db_times, view_times, strict=True)):.2f} ms", ""),
            ]
            width = max(len(name) for name, _, _ in rows)
            for name, value, note in rows:
                print(f"{name:<{width}}  {value:>12}  {note}")
            view.close()


if __name__ == "__main__":
    main()
