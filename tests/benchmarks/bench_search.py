"""Search speed on a large corpus: the full-text index plus filters, as ``annotator search`` runs it.

Run on demand (not part of the suite):
    python tests/benchmarks/bench_search.py [--docs 100000 --spans 300000]
    python tests/benchmarks/bench_search.py --location postgresql+psycopg://USER@HOST/EMPTY_DB

Builds a project of N articles (sample-corpus sentences, about 3 KB each, published 2020-2024;
one article in 500 also names "Zaslawye", a rare word) and M spans (ACTOR, THREAT with a
threat_type, CLAIM; two annotators), written in bulk through Core, so the index triggers (SQLite)
or the expression index (PostgreSQL) do their work during the build, which is timed too. Then
times each query as ``search()`` answers it (first 1,000 hits, the CLI's and window's default),
best of three, and prints the hits, documents and seconds.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa

from annotator.corpus.importer import content_hash
from annotator.search import SearchFilters, SearchResult, search
from annotator.store import Project
from annotator.store.models import utcnow
from annotator.store.tables import DOC, SPAN

THREAT_TYPES = ("military", "nuclear", "political_interference", "economic", "information", "repression")
QUERIES: list[tuple[str, str, SearchFilters]] = [
    ("rare word (1 article in 500)", "zaslawye", SearchFilters()),
    ("common word, first 1000 hits", "belarus", SearchFilters()),
    ("two words", "kremlin sovereignty", SearchFilters()),
    ("phrase", '"nuclear arms"', SearchFilters()),
    ("prefix", "lukash*", SearchFilters()),
    ("no match", "qwertyuiop", SearchFilters()),
    ("rare word, published in 2023", "zaslawye", SearchFilters(published_from="2023", published_to="2023")),
    ("THREAT threat_type=nuclear, no words", "", SearchFilters(labels=("THREAT",), attrs=(("threat_type", "nuclear"),))),
    ("nuclear in alice's THREATs of 2023", "nuclear",
     SearchFilters(labels=("THREAT",), annotators=("alice",), published_from="2023", published_to="2023")),
    ("rare word in ACTOR spans", "zaslawye", SearchFilters(labels=("ACTOR",))),
]


def build(project: Project, n_docs: int, n_spans: int, seed: int = 7) -> None:
    sentences = [s.strip() for path in sorted((ROOT / "sample_corpus").glob("*.txt"))
                 for s in re.split(r"(?<=[.!?])\s+", path.read_text(encoding="utf-8")) if len(s.strip()) > 40]
    rng = random.Random(seed)
    now = utcnow()
    labels = [project.label_id("span", name) for name in ("ACTOR", "THREAT", "CLAIM")]
    annotators = [project.annotator_id(name) for name in ("alice", "bob")]
    for batch_start in range(0, n_docs, 10_000):
        docs = []
        for index in range(batch_start, min(n_docs, batch_start + 10_000)):
            body = [rng.choice(sentences) for _ in range(16)]
            if index % 500 == 3:  # published in 2023
                body.insert(rng.randrange(len(body)), "Zaslawye officials said nothing.")
            text = " ".join(body) + f" (ref {index})"
            published = f"{2020 + index % 5}-{1 + index % 12:02d}-{1 + index % 28:02d}"
            docs.append({"name": f"doc-{index:06d}", "title": f"Article {index}", "source": "", "published": published,
                         "content_hash": content_hash(text), "n_chars": len(text), "meta": {}, "text": text,
                         "created_at": now, "updated_at": now})
        with project.transaction() as connection:
            connection.execute(DOC.insert(), docs)
    with project.transaction() as connection:
        lengths = connection.execute(sa.select(DOC.c.id, DOC.c.n_chars).order_by(DOC.c.id)).all()
        spans = []
        for number in range(n_spans):
            doc_id, length = lengths[number % len(lengths)]
            start = rng.randrange(0, length - 40)
            label = labels[number % 3]
            attrs = {"threat_type": rng.choice(THREAT_TYPES)} if label == labels[1] else {}
            spans.append({"document_id": doc_id, "annotator_id": annotators[number % 2], "layer": "annotation",
                          "label_id": label, "start_offset": start, "end_offset": start + rng.randint(5, 40),
                          "attrs": attrs, "note": "", "created_at": now, "updated_at": now})
        connection.execute(SPAN.insert(), spans)


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def run(location: str, n_docs: int, n_spans: int) -> None:
    with Project.open(location) as project:
        print(f"{project.engine.dialect.name}: building {n_docs} documents and {n_spans} spans (index kept up to "
              f"date while inserting) … ", end="", flush=True)
        print(f"{timed(lambda: build(project, n_docs, n_spans)):.1f} s")
        print(f"{'query':<40} {'hits':>6} {'docs':>6} {'best s':>8}")
        for title, query, filters in QUERIES:
            results: list[SearchResult] = []

            def once(query: str = query, filters: SearchFilters = filters, results: list[SearchResult] = results) -> None:
                results.append(search(project, query, filters))

            best = min(timed(once) for _ in range(3))
            result = results[-1]
            more = "+" if result.truncated else " "
            print(f"{title:<40} {len(result.hits):>6}{more}{result.documents:>6} {best:>8.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--spans", type=int, default=300_000)
    parser.add_argument("--location", help="an empty database URL (e.g. PostgreSQL); default a temporary SQLite file")
    args = parser.parse_args()
    if args.location:
        run(args.location, args.docs, args.spans)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(str(Path(tmp) / "bench.db"), args.docs, args.spans)


if __name__ == "__main__":
    main()
