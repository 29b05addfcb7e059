"""How long agreement takes on real sizes (issue 16: ≤ 2 s of compute plus start-up for
``annotator agreement --json`` on 1,000 documents × 3 annotators, 2.5 M characters and about
140,000 spans; ≤ 10 s with bootstrap intervals), and on one document of a million characters.

Run: ``PYTHONPATH=. python tests/benchmarks/bench_agreement.py``. It prints, without judging:

- the command as a user runs it, in a subprocess: ``annotator --help`` (start-up alone),
  ``annotator agreement --json`` and ``annotator agreement --json --ci`` (1,000 resamples),
  wall-clock, with the difference to start-up;
- in this process: reading the corpus from the project, computing, and computing with intervals.

Each as wall-clock and CPU time: on a machine whose cores are shared the wall-clock time is
mostly waiting, and the CPU time is what the work costs.
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from annotator.formats.ingest import ingest_documents
from annotator.review.agreement import Resampling, compute
from annotator.review.corpus import AgreementOptions, load_corpus
from annotator.store import Project

LABELS = ("PER", "ORG", "LOC", "EVENT", "GPE")
WORDS = ["the", "minister", "said", "talks", "in", "geneva", "would", "resume", "after", "a", "ceasefire", "was",
         "agreed", "by", "both", "sides", "while", "officials", "from", "nato", "met", "in", "brussels", "to",
         "discuss", "air", "defence"]
ANNOTATORS = ("ann", "bob", "cat")


def _text(rng: random.Random, length: int) -> str:
    words, size = [], 0
    while size < length:
        word = rng.choice(WORDS)
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:length]


def _document(rng: random.Random, name: str, length: int) -> dict[str, Any]:
    """One hidden truth of spans every 5-60 characters, copied by each annotator with noise:
    8% left out, 6% relabelled, 8% with a moved start."""
    text = _text(rng, length)
    truth, position = [], 0
    while True:
        position += rng.randint(5, 60)
        end = position + rng.randint(3, 30)
        if end >= length:
            break
        truth.append((position, end, rng.choice(LABELS)))
        position = end
    spans = []
    for who in ANNOTATORS:
        for start, end, label in truth:
            roll = rng.random()
            if roll < 0.08:
                continue
            if roll < 0.14:
                label = rng.choice(LABELS)
            elif roll < 0.22:
                start = min(start + rng.randint(1, 3), end - 1)
            spans.append({"start": start, "end": end, "label": label, "annotator": who})
    return {"id": name, "text": text, "spans": spans, "status": {who: "done" for who in ANNOTATORS}}


def _run(*args: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds of ``annotator ARGS`` in a subprocess (the CPU time tells the
    work apart from waiting for a core on a busy machine)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "annotator", *args], check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _bench(title: str, docs: list[dict[str, Any]], command: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        with Project.open(path) as project:
            ingest_documents(project, docs)
            n_spans = sum(len(doc["spans"]) for doc in docs)
            n_chars = sum(len(doc["text"]) for doc in docs)
            clock = [(time.perf_counter(), time.process_time())]
            corpus = load_corpus(project, AgreementOptions())
            clock.append((time.perf_counter(), time.process_time()))
            report = compute(corpus.docs, chosen=corpus.chosen, selection=corpus.selection,
                             attributes=corpus.attributes)
            clock.append((time.perf_counter(), time.process_time()))
            with_intervals = compute(corpus.docs, chosen=corpus.chosen, selection=corpus.selection,
                                     attributes=corpus.attributes, resampling=Resampling())
            clock.append((time.perf_counter(), time.process_time()))
        spent = [(b[0] - a[0], b[1] - a[1]) for a, b in zip(clock, clock[1:], strict=False)]
        print(f"{title}: {n_chars:,} characters, {n_spans:,} spans")
        print("  in process (wall / CPU): " + ", ".join(
            f"{name} {wall:.2f} / {cpu:.2f} s" for name, (wall, cpu) in
            zip(("load", "compute", "compute with 1,000 resamples"), spent, strict=True)))
        print(f"  αu {report.alpha_u.text()} {with_intervals.alpha_u.interval_text()}, "
              f"Fleiss' κ {report.fleiss_kappa.text()} {with_intervals.fleiss_kappa.interval_text()}, "
              f"token α {report.token_alpha.text()}, AC1 {report.ac1.text()}")
        if command:
            start_up = _run("--help")
            for name, args in (("agreement --json", ()), ("agreement --json --ci", ("--ci",))):
                wall, cpu = _run("agreement", str(path), "--json", *args)
                print(f"  {name}: wall {wall:.2f} s = start-up {start_up[0]:.2f} + {wall - start_up[0]:.2f} s; "
                      f"CPU {cpu:.2f} s = start-up {start_up[1]:.2f} + {cpu - start_up[1]:.2f} s")
    sys.stdout.flush()


def main() -> None:
    rng = random.Random(42)
    _bench("1,000 documents × 3 annotators (2,500 characters each)",
           [_document(rng, f"d{i}", 2500) for i in range(1000)], command=True)
    _bench("1 document of 1,000,000 characters × 3 annotators", [_document(rng, "big", 1_000_000)], command=False)


if __name__ == "__main__":
    main()
