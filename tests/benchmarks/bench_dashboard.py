"""How long the dashboard takes on a sizeable project: 2,000 dated documents × 2 annotators, each
with actors linked to a registry of 40, threats and claims, and the relations that make the
actor network (240,000 spans and about 152,000 relations in all; 3,200 links between the actors,
a worst case for the network chart, which draws the 150 heaviest).

Run: ``PYTHONPATH=. python tests/benchmarks/bench_dashboard.py``. Prints the time of
``build_dashboard`` (all queries, agreement per week and the network layout), of drawing the five
figures, and of writing the HTML and PDF reports.
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from annotator.dashboard.charts import CHARTS, figure_for
from annotator.dashboard.compute import build_dashboard
from annotator.dashboard.filters import DashboardFilters
from annotator.dashboard.report import write_html, write_pdf
from annotator.formats.ingest import ingest_documents
from annotator.store import Project

ACTORS = [f"Actor {n:02d}" for n in range(40)]
THREAT_TYPES = ("military", "nuclear", "economic", "information", "repression")
ANNOTATORS = ("alice", "bob")


def _document(rng: random.Random, index: int) -> dict[str, Any]:
    """Ten sentences "A threatens B with harm. C says something about D." and their links."""
    parts: list[str] = []
    spans: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []

    for _sentence in range(10):
        a, b, c, d = (rng.choice(ACTORS) for _ in range(4))
        threat_type = rng.choice(THREAT_TYPES)
        words: list[tuple[str, str | None, dict[str, Any]]] = [
            (a, "ACTOR", {"actor": a}), (" threatens ", None, {}), (b, "ACTOR", {"actor": b}),
            (" with ", None, {}), (f"{threat_type} harm", "THREAT", {"attrs": {"threat_type": threat_type}}),
            (". ", None, {}), (c, "ACTOR", {"actor": c}), (" says ", None, {}),
            (f"something about {d}", "CLAIM", {"attrs": {"claim_type": "assertion"}}), (". ", None, {}),
        ]
        offset = sum(len(p) for p in parts)
        for who in ANNOTATORS:  # both annotate the same sentence; bob leaves out a tenth of the links
            keys: dict[int, str] = {}
            position = offset
            for number, (text, label, extra) in enumerate(words):
                if label is not None:
                    key = f"{who}-{len(spans)}"
                    spans.append({"id": key, "start": position, "end": position + len(text), "label": label,
                                  "annotator": who, **extra})
                    keys[number] = key
                position += len(text)
            about_start = offset + sum(len(t) for t, _l, _e in words[:8]) + len("something about ")
            about = f"{who}-{len(spans)}"
            spans.append({"id": about, "start": about_start, "end": about_start + len(d), "label": "ACTOR",
                          "annotator": who, "actor": d})
            if who == "alice" or rng.random() > 0.1:
                relations += [
                    {"head": keys[0], "tail": keys[4], "label": "source_of", "annotator": who},
                    {"head": keys[4], "tail": keys[2], "label": "targets", "annotator": who},
                    {"head": keys[6], "tail": keys[8], "label": "speaker_of", "annotator": who},
                    {"head": keys[8], "tail": about, "label": "about", "annotator": who},
                ]
        parts.extend(text for text, _label, _extra in words)
    published = date(2020, 1, 1) + timedelta(days=index % 1500)
    return {"id": f"d{index}", "text": "".join(parts) + f"[{index}]", "spans": spans, "relations": relations,
            "meta": {"published": published.isoformat()}, "status": dict.fromkeys(ANNOTATORS, "done")}


def main() -> None:
    rng = random.Random(7)
    docs = [_document(rng, index) for index in range(2000)]
    with tempfile.TemporaryDirectory() as folder, Project.open(Path(folder) / "bench.db") as project:
        ingest_documents(project, docs, actors=[{"name": name, "type": "state"} for name in ACTORS])
        n_spans = sum(len(doc["spans"]) for doc in docs)
        n_relations = sum(len(doc["relations"]) for doc in docs)
        started = time.perf_counter()
        dashboard = build_dashboard(project, DashboardFilters())
        built = time.perf_counter()
        for name in CHARTS:
            figure_for(name, dashboard).savefig(Path(folder) / f"{name}.png")
        drawn = time.perf_counter()
        write_html(dashboard, Path(folder) / "report.html")
        html_done = time.perf_counter()
        write_pdf(dashboard, Path(folder) / "report.pdf")
        pdf_done = time.perf_counter()
    network = dashboard.network
    print(f"2,000 documents × 2 annotators: {n_spans} spans, {n_relations} relations; "
          f"{len(network.nodes)} actors, {len(network.edges)} links, {len(dashboard.trend.points)} weeks of agreement")
    print(f"build_dashboard {built - started:.2f} s; five PNG charts {drawn - built:.2f} s; "
          f"HTML report {html_done - drawn:.2f} s; PDF report {pdf_done - html_done:.2f} s")


if __name__ == "__main__":
    main()
