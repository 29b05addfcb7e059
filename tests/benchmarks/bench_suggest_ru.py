"""Russian suggestion speed: the whole routed run against natasha's NER alone on the same texts.

Run on demand (not part of the suite):  python tests/benchmarks/bench_suggest_ru.py [--docs 200]

The sample's three Russian statements are repeated (each copy made unique, as import skips
duplicate texts) into a project of N documents. With the same loaded models it times:
1. natasha's NER alone: ``NewsNERTagger.map(texts)`` (razdel's tokens and slovnet's NER), the floor
   any Russian suggestion run pays;
2. the app: ``suggest_by_language(project)``, i.e. reading the languages and texts from the
   database, razdel's tokens and sentences, the NER, the name keys, patterns, aliases and reported
   speech, and writing the suggestions (one transaction per batch);
3. the same without the database: the pipeline and ``Suggester.candidates`` (merged) on the texts,
   which shows what the writing costs.
Each is run once to warm up, then the two take turns ``--repeat`` times (so that a change in the
machine's load falls on both); the best wall time and the best CPU time (``time.process_time``,
all threads of this process: numpy's matrix products may use both cores) of each are reported,
with the ratios app / NER alone (target <= 1.3). Other developers share this machine's two
cores: the figures move with their load, so compare runs made close together. OpenBLAS's threads
spin while they wait, which counts as CPU time of the NER (alone and in the app) and shrinks the
CPU ratio; ``OPENBLAS_NUM_THREADS=1`` gives the work itself, one core, CPU close to wall.
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
from annotator.nlp.language_route import document_languages, suggest_by_language
from annotator.nlp.patterns import load_pattern_files
from annotator.nlp.russian import load_russian_pipeline, ner_tagger
from annotator.nlp.suggest import DEFAULT_BATCH_SIZE, Suggester, merge_candidates, pattern_files
from annotator.store import Project
from annotator.store.languages import set_document_language


def make_corpus(folder: Path, count: int) -> list[str]:
    """Write ``count`` statements (the samples, repeated, each made unique) and return their texts."""
    samples = [p.read_text(encoding="utf-8") for p in sorted(russian_sample_dir().glob("*.txt"))]
    texts = []
    for index in range(count):
        text = samples[index % len(samples)] + f"\n(копия {index})\n"
        (folder / f"statement_{index:05d}.txt").write_text(text, encoding="utf-8")
        texts.append(text)
    return texts


def store_languages(project: Project) -> None:
    """Store each document's detected language where the import left none (the window and
    ``annotator import`` do that in their catch-up after an import), so that the timed runs read
    stored languages as they do in use, rather than judging every text again each time."""
    ids = list(project.documents.ids())
    stored = project.documents.languages(ids)
    for doc_id, language in document_languages(project, ids).items():
        if stored.get(doc_id) is None and language is not None:
            set_document_language(project, doc_id, language, expected=None)


class Timing:
    """The best wall and CPU times of one thing run several times, and its last result."""

    def __init__(self, run: Callable[[], object]) -> None:
        self.run = run
        self.wall = self.cpu = float("inf")
        self.value = run()  # warm-up

    def once(self) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.value = self.run()
        self.wall = min(self.wall, time.perf_counter() - wall)
        self.cpu = min(self.cpu, time.process_time() - cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each; the best is reported")
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
            store_languages(project)
            load = os.getloadavg()[0]
            bare = Timing(lambda: list(ner.map(texts)))
            app = Timing(lambda: suggest_by_language(project, russian=russian))
            suggester = Suggester(russian, project.schema, load_pattern_files(pattern_files(project), project.schema),
                                  project.actors.all())
            unwritten = Timing(lambda: [merge_candidates(suggester.candidates(doc)[0])
                                        for doc in russian.nlp.pipe(texts, batch_size=DEFAULT_BATCH_SIZE)])
            for _ in range(args.repeat):
                bare.once()
                app.once()
                unwritten.once()
            load = max(load, os.getloadavg()[0])
    result = app.value
    spans = sum(result.spans.values())  # type: ignore[attr-defined]
    print(f"{args.docs} documents, {characters:,} characters; best of {args.repeat}; load average up to {load:.1f} "
          "(two cores shared with other developers)")
    print(f"natasha NER alone:   wall {bare.wall:6.2f} s, CPU {bare.cpu:6.2f} s  ({args.docs / bare.wall:6.1f} documents/s)")
    print(f"Russian suggestions: wall {app.wall:6.2f} s, CPU {app.cpu:6.2f} s  ({args.docs / app.wall:6.1f} documents/s, "
          f"{spans:,} suggestions, {result.pipelines_text()})")  # type: ignore[attr-defined]
    print(f"  without the database: wall {unwritten.wall:6.2f} s, CPU {unwritten.cpu:6.2f} s  "
          "(pipeline and candidates on the texts; the rest is reading and writing the project)")
    print(f"ratio suggestions / NER alone: wall {app.wall / bare.wall:.2f}, CPU {app.cpu / bare.cpu:.2f} (target <= 1.3); "
          f"without the database: wall {unwritten.wall / bare.wall:.2f}, CPU {unwritten.cpu / bare.cpu:.2f}")


if __name__ == "__main__":
    main()
