"""Russian suggestion speed: the whole routed run against natasha's NER alone on the same texts.

Run on demand (not part of the suite):  python tests/benchmarks/bench_suggest_ru.py [--docs 200]

The sample's three Russian statements are repeated (each copy made unique, as import skips
duplicate texts) into a project of N documents. With the same loaded models it times:
1. natasha's NER alone: ``NewsNERTagger.map(texts)`` (razdel's tokens and slovnet's NER), the floor
   any Russian suggestion run pays;
2. the app: ``suggest_by_language(project)``, i.e. reading the languages and texts from the
   database, razdel's tokens and sentences, the NER, the name keys, patterns, aliases and reported
   speech, and writing the suggestions (one transaction per batch).
Each is run once to warm up and then ``--repeat`` times; the best run is reported, with the ratio
app / NER alone (target <= 1.3). Other developers share this machine's two cores: the figures
move with their load, so compare runs made close together.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from annotator.corpus.importer import import_paths
from annotator.corpus.sample import russian_sample_dir
from annotator.nlp.language_route import suggest_by_language
from annotator.nlp.russian import load_russian_pipeline, ner_tagger
from annotator.store import Project


def make_corpus(folder: Path, count: int) -> list[str]:
    """Write ``count`` statements (the samples, repeated, each made unique) and return their texts."""
    samples = [p.read_text(encoding="utf-8") for p in sorted(russian_sample_dir().glob("*.txt"))]
    texts = []
    for index in range(count):
        text = samples[index % len(samples)] + f"\n(копия {index})\n"
        (folder / f"statement_{index:05d}.txt").write_text(text, encoding="utf-8")
        texts.append(text)
    return texts


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, object]:
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
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; the best is reported")
    args = parser.parse_args()
    started = time.perf_counter()
    russian = load_russian_pipeline()
    print(f"loading natasha (embeddings, NER) and the pipeline: {time.perf_counter() - started:.1f} s")
    ner = ner_tagger()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        texts = make_corpus(folder, args.docs)
        characters = sum(len(text) for text in texts)
        with Project.open(Path(tmp) / "bench.db") as project:
            import_paths(project, [folder])
            bare, _ = best_of(args.repeat, lambda: list(ner.map(texts)))
            app, result = best_of(args.repeat, lambda: suggest_by_language(project, russian=russian))
    spans = sum(result.spans.values()) if result is not None else 0  # type: ignore[attr-defined]
    print(f"{args.docs} documents, {characters:,} characters; load average {os.getloadavg()[0]:.1f} "
          "(two cores shared with other developers)")
    print(f"natasha NER alone:   {bare:6.2f} s  ({args.docs / bare:6.1f} documents/s)")
    print(f"Russian suggestions: {app:6.2f} s  ({args.docs / app:6.1f} documents/s, {spans:,} suggestions, "
          f"{result.pipelines_text()})")  # type: ignore[attr-defined]
    print(f"ratio suggestions / NER alone: {app / bare:.2f} (target <= 1.3)")


if __name__ == "__main__":
    main()
