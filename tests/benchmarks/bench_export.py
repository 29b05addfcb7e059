"""Export speed: canonical JSONL (and spaCy DocBin) against raw sqlite3 reading the same rows.

Run on demand (not part of the suite):  python tests/benchmarks/bench_export.py [--docs 10000 --spans 200000]

Builds a project of N documents (sample-corpus sentences, about 2 KB each) and M spans spread
over them (two annotators, a few labels, attributes on some), written in bulk through Core, then
times in this process:
1. ``export_project(..., "jsonl")``: selection + canonical shape + JSON lines on disk;
2. ``export_project(..., "spacy")`` when the DocBin format is installed and works;
3. raw sqlite3 fetching every document and every span (joined with label and annotator names);
4. ``import_files`` of the JSONL into an empty project (validation + bulk ingestion), as 'annotator import' runs it.
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from annotator.formats.base import ExportOptions
from annotator.formats.ingest import content_hash
from annotator.formats.pipeline import export_project
from annotator.importing import import_files
from annotator.store import Project
from annotator.store.models import DOC, SPAN, utcnow

RAW_READ = """
SELECT d.id, d.name, d.title, d.meta, d.text FROM document d ORDER BY d.id;
SELECT s.id, s.document_id, s.start_offset, s.end_offset, l.name, a.name, s.layer, s.attrs, s.note
  FROM span s JOIN label l ON l.id = s.label_id JOIN annotator a ON a.id = s.annotator_id
  ORDER BY s.document_id, s.start_offset
"""


def build(project: Project, n_docs: int, n_spans: int, seed: int = 7) -> None:
    sentences = [s.strip() for path in sorted((ROOT / "sample_corpus").glob("*.txt"))
                 for s in re.split(r"(?<=[.!?])\s+", path.read_text(encoding="utf-8")) if len(s.strip()) > 40]
    rng = random.Random(seed)
    now = utcnow()
    docs = []
    for index in range(n_docs):
        text = " ".join(rng.choice(sentences) for _ in range(12)) + f" (ref {index})"
        docs.append({"name": f"doc-{index:05d}", "title": f"Article {index}", "source": "", "content_hash": content_hash(text),
                         "n_chars": len(text), "meta": {}, "text": text, "created_at": now, "updated_at": now})
    labels = [project.label_id("span", name, create=True) for name in ("ACTOR", "THREAT", "CLAIM")]
    annotators = [project.annotator_id(name) for name in ("alice", "bob")]
    with project.transaction() as connection:
        connection.execute(DOC.insert(), docs)
        lengths = connection.execute(sa_select_lengths()).all()
        spans = []
        for number in range(n_spans):
            doc_id, length = lengths[number % len(lengths)]
            start = rng.randrange(0, length - 30)
            spans.append({"document_id": doc_id, "annotator_id": annotators[number % 2], "layer": "annotation",
                              "label_id": labels[number % 3], "start_offset": start, "end_offset": start + rng.randint(3, 30),
                              "attrs": {"confidence": "high"} if number % 5 == 0 else {}, "note": "", "created_at": now,
                              "updated_at": now})
        connection.execute(SPAN.insert(), spans)


def sa_select_lengths():
    import sqlalchemy as sa

    table = DOC
    return sa.select(table.c.id, table.c.n_chars).order_by(table.c.id)


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def raw_read(path: Path) -> None:
    db = sqlite3.connect(path)
    for statement in RAW_READ.strip().split(";"):
        db.execute(statement).fetchall()
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--spans", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bench.db"
        with Project.open(db) as project:
            print(f"building {args.docs} documents and {args.spans} spans … ", end="", flush=True)
            print(f"{timed(lambda: build(project, args.docs, args.spans)):.1f} s")
            raw = min(timed(lambda: raw_read(db)) for _ in range(3))
            out = folder / "out.jsonl"
            jsonl = min(timed(lambda: export_project(project, out, "jsonl", ExportOptions(layer="all")))
                        for _ in range(2))
            print(f"raw sqlite3 SELECT documents + spans:  {raw:6.2f} s")
            print(f"export canonical JSONL:                {jsonl:6.2f} s  ({out.stat().st_size / 1e6:.0f} MB, "
                  f"{jsonl / raw:.1f}x raw)")
            try:
                spacy_time = timed(lambda: export_project(project, folder / "out.spacy", "spacy", ExportOptions()))
            except Exception as exc:  # noqa: BLE001 - a benchmark reports what it could not measure
                print(f"export spaCy DocBin:                   not measured ({type(exc).__name__}: {exc})")
            else:
                print(f"export spaCy DocBin:                   {spacy_time:6.2f} s  ({spacy_time / raw:.1f}x raw)")
        with Project.open(folder / "copy.db") as copy:
            ingest = timed(lambda: import_files(copy, [out]))
        print(f"import canonical JSONL (empty project): {ingest:6.2f} s")


if __name__ == "__main__":
    main()
