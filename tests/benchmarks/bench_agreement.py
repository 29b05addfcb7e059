"""How long agreement takes on real sizes: 1,000 documents × 3 annotators, and one document of
a million characters × 3 annotators (the issue asks for a few seconds each).

Run: ``PYTHONPATH=. python tests/benchmarks/bench_agreement.py``. Loading from the project
database and computing are timed apart, and ``compute`` alone is timed on the in-memory corpus.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from annotator.formats.ingest import ingest_documents
from annotator.review.agreement import agreement, compute
from annotator.review.corpus import AgreementOptions, load_corpus
from annotator.store import Project

LABELS = ("PER", "ORG", "LOC", "EVENT", "GPE")
WORDS = ["the", "minister", "said", "talks", "in", "geneva", "would", "resume", "after", "a", "ceasefire", "was", "agreed", "by", "both", "sides", "while", "officials", "from", "nato", "met", "in", "brussels", "to", "discuss", "air", "defence"]


def _text(rng: random.Random, length: int) -> str:
    words, size = [], 0
    while size < length:
        word = rng.choice(WORDS)
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:length]


def _document(rng: random.Random, name: str, length: int, annotators: tuple[str, ...]) -> dict[str, Any]:
    text = _text(rng, length)
    truth, position = [], 0
    while True:
        position += rng.randint(10, 80)
        end = position + rng.randint(3, 30)
        if end >= length:
            break
        truth.append((position, end, rng.choice(LABELS)))
        position = end
    spans = []
    for who in annotators:
        for start, end, label in truth:
            roll = rng.random()
            if roll < 0.08:
                continue
            if roll < 0.14:
                label = rng.choice(LABELS)
            elif roll < 0.22:
                start = min(start + rng.randint(1, 3), end - 1)
            spans.append({"start": start, "end": end, "label": label, "annotator": who})
    return {"id": name, "text": text, "spans": spans, "status": {who: "done" for who in annotators}}


def _bench(title: str, docs: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as folder, Project.open(Path(folder) / "bench.db") as project:
            ingest_documents(project, docs)
            n_spans = sum(len(doc["spans"]) for doc in docs)
            started = time.perf_counter()
            corpus, _ = load_corpus(project, AgreementOptions())
            loaded = time.perf_counter()
            report = compute(corpus)
            computed = time.perf_counter()
            agreement(project)
            total = time.perf_counter() - computed
    print(f"{title}: {n_spans} spans; load {loaded - started:.2f} s, compute {computed - loaded:.2f} s, "
          f"agreement() end to end {total:.2f} s; αu={report.alpha_u:.4f} fleiss κ={report.fleiss_kappa:.4f}")
    sys.stdout.flush()


def main() -> None:
    rng = random.Random(42)
    annotators = ("ann", "bob", "cat")
    _bench("1,000 documents × 3 annotators (3,000 chars each)",
           [_document(rng, f"d{i}", 3000, annotators) for i in range(1000)])
    _bench("1 document of 1,000,000 characters × 3 annotators",
           [_document(rng, "big", 1_000_000, annotators)])


if __name__ == "__main__":
    main()
