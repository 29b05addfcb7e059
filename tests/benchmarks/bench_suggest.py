"""Suggestion speed: ``annotator.nlp.suggest`` against bare ``nlp.pipe`` on the same texts.

Run on demand (not part of the suite):  python tests/benchmarks/bench_suggest.py [--docs 200]

The sample articles are repeated (each copy made unique, as import skips duplicate texts) into a
project of N documents. With the same loaded pipeline and batch size it times:
1. bare spaCy: ``list(nlp.pipe(texts, batch_size=B))``, the floor any suggestion run pays;
2. the app: ``suggest(project)``, i.e. reading the texts from the database, ``nlp.pipe``, entity,
   speech, pattern and alias extraction, and writing the suggestions (one transaction per batch).
Each is run once to warm up and then ``--repeat`` times; the best run is reported. Prints
documents and suggestions per second and the ratio app / bare (the app's overhead; target <= 1.3).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from annotator.corpus.importer import import_paths  # noqa: E402
from annotator.nlp.pipelines import default_pipeline_name, load_pipeline  # noqa: E402
from annotator.nlp.suggest import suggest  # noqa: E402
from annotator.store import Project  # noqa: E402


def make_corpus(folder: Path, count: int) -> list[str]:
    """Write ``count`` articles (the samples, repeated, each made unique) and return their texts."""
    samples = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "sample_corpus").glob("*.txt"))]
    texts = []
    for index in range(count):
        text = samples[index % len(samples)] + f"\n(copy {index})\n"
        (folder / f"article_{index:05d}.txt").write_text(text, encoding="utf-8")
        texts.append(text)
    return texts


def best_of(repeat: int, run) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    run()  # warm-up
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = run()
        best = min(best, time.perf_counter() - start)
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; the best is reported")
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: the best installed)")
    args = parser.parse_args()
    loaded = load_pipeline(args.model or default_pipeline_name())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        texts = make_corpus(folder, args.docs)
        with Project.open(Path(tmp) / "bench.db") as project:
            import_paths(project, [folder])
            bare, _ = best_of(args.repeat, lambda: list(loaded.nlp.pipe(texts, batch_size=args.batch_size)))
            app, result = best_of(args.repeat, lambda: suggest(project, pipeline=loaded, batch_size=args.batch_size))
    n_suggestions = sum(result.spans.values())  # type: ignore[attr-defined]
    chars = sum(len(t) for t in texts)
    print(f"pipeline: {loaded.name}; corpus: {args.docs} articles, {chars / 1e6:.2f} M characters; "
          f"batch size {args.batch_size}")
    print(f"bare nlp.pipe:     {bare:6.2f} s  ({args.docs / bare:6.1f} docs/s)")
    print(f"annotator suggest: {app:6.2f} s  ({args.docs / app:6.1f} docs/s, {n_suggestions / app:,.0f} suggestions/s, "
          f"{n_suggestions} suggestions and {result.relations} relations per run)")  # type: ignore[attr-defined]
    print(f"ratio: {app / bare:.2f}  (target <= 1.3)")


if __name__ == "__main__":
    main()
