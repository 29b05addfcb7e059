"""Training speed and quality: 200 annotated articles (~600k characters), the efficiency config
with ner + spancat on the CPU, and suggesting with the trained model against bare ``nlp.pipe``.

Run on demand (not part of the suite):  python tests/benchmarks/bench_train.py [--docs 200] [--steps 600] [--threads 2]
(a quick check: --docs 40 --steps 200)

The articles are generated from the sample corpus: each is ~3,000 characters of the samples'
paragraphs, drawn with a fixed seed and in a random order, so every article is a different text
(import keeps each once) made of real news prose. Its annotations are the English pipeline's
suggestions (entities, reported speech, threat cues) accepted by one annotator, as an analyst
accepting everything would make them. Paragraphs recur across articles, so the held-out F1 is
optimistic (a held-out article shares paragraphs with training ones); it shows that the model
learns the annotations, not how it would do on new text. Targets: training <= 5 minutes on 2
cores; suggesting with the trained model within 1.3x of bare ``nlp.pipe`` of the same model
(the trained source adds ner's beam decoding for scores and the threshold filtering).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from annotator.corpus.importer import import_paths
from annotator.formats.base import ExportOptions
from annotator.formats.select import select_documents
from annotator.nlp.pipelines import default_pipeline_name, load_pipeline
from annotator.nlp.suggest import groups, pieces, suggest
from annotator.nlp.trained_source import load_version
from annotator.store import Project
from annotator.store.model_versions import ModelVersions
from annotator.training.config import MAX_CANDIDATE_TOKENS
from annotator.training.data import plan_labels
from annotator.training.suggesters import clause_edge_spans
from annotator.training.trainer import DEFAULT_LAYER, DEFAULT_MAX_STEPS, TrainOptions, train


def make_corpus(folder: Path, count: int, chars: int = 3_900, seed: int = 0) -> int:
    """Write ``count`` articles of at most ``chars`` characters (about 3,000 on average); returns the characters written."""
    paragraphs = [paragraph.strip() for path in sorted((ROOT / "sample_corpus").glob("*.txt"))
                  for paragraph in path.read_text(encoding="utf-8").split("\n\n") if len(paragraph.strip()) > 40]
    rng = random.Random(seed)
    total = 0
    for index in range(count):
        chosen = [rng.choice(paragraphs)]
        while sum(len(paragraph) + 2 for paragraph in chosen) + len(candidate := rng.choice(paragraphs)) <= chars:
            chosen.append(candidate)
        text = "\n\n".join(chosen) + "\n"
        (folder / f"article_{index:05d}.txt").write_text(text, encoding="utf-8")
        total += len(text)
    return total


def print_coverage(project: Project) -> None:
    """The share of the gold spans spancat will learn (every label but the entity-like ones) that
    are among the clause-edge suggester's candidates, and how many candidates a token has: spancat
    can only ever find a span its suggester proposes."""
    import spacy

    docs = list(select_documents(project, ExportOptions(layer=DEFAULT_LAYER)))
    plan = plan_labels(project.schema, docs)
    nlp = spacy.blank("en")
    covered, total = Counter[str](), Counter[str]()
    candidates = tokens = 0
    for canonical in docs:
        doc = nlp.make_doc(canonical["text"])
        found = clause_edge_spans(doc, MAX_CANDIDATE_TOKENS)
        candidates, tokens = candidates + len(found), tokens + len(doc)
        for span in canonical["spans"]:
            aligned = doc.char_span(span["start"], span["end"], alignment_mode="expand")
            if span["label"] in plan.spancat and aligned is not None:
                total[span["label"]] += 1
                covered[span["label"]] += (aligned.start, aligned.end) in found
    shares = ", ".join(f"{label} {covered[label]}/{total[label]} ({covered[label] / total[label]:.0%})"
                       for label in sorted(total))
    print(f"spancat candidates cover {shares}; {candidates / max(1, tokens):.1f} candidates per token")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--steps", type=int, default=DEFAULT_MAX_STEPS)
    parser.add_argument("--threads", type=int, default=2, help="BLAS/OpenMP threads (the target is 2 cores)")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus"
        corpus.mkdir()
        characters = make_corpus(corpus, args.docs)
        project = Project.open(Path(folder) / "bench.db")
        import_paths(project, [corpus])
        english = load_pipeline(default_pipeline_name())
        started = time.perf_counter()
        suggest(project, pipeline=english)
        for doc_id in project.documents.ids():
            project.suggestions.accept_all(doc_id, "anna")
        print(f"{args.docs} articles, {characters:,} characters; annotated (suggestions accepted) in "
              f"{time.perf_counter() - started:.0f} s")

        print_coverage(project)

        started = time.perf_counter()
        report = train(project, TrainOptions(max_steps=args.steps))
        wall = time.perf_counter() - started
        print(f"training: {wall:.0f} s wall ({report.steps} steps, {len(report.trained_documents)} training and "
              f"{len(report.held_out_documents)} held-out documents; target <= 300 s)")
        print(f"components: {report.plan.as_json()}")
        for label, score in report.scores.labels.items():
            print(f"  {label:10} P {score.precision:.2f}  R {score.recall:.2f}  F1 {score.f1:.2f}  ({score.support})")
        if report.scores.overall is not None:
            overall = report.scores.overall
            print(f"  {'overall':10} P {overall.precision:.2f}  R {overall.recall:.2f}  F1 {overall.f1:.2f}")

        assert report.version_id is not None
        source = load_version(project, report.version_id)
        ids = project.documents.ids()
        texts = project.documents.texts(ids)
        work = [(piece, (doc_id, offset)) for doc_id in ids for offset, piece in pieces(texts[doc_id])]
        batches = list(groups(work, 32))
        list(source.nlp.pipe([text for text, _where in batches[0]]))  # warm-up
        started = time.perf_counter()
        for group in batches:
            list(source.nlp.pipe([text for text, _where in group], batch_size=len(group)))
        bare = time.perf_counter() - started
        started = time.perf_counter()
        proposed = sum(len(spans) for group in batches for _doc, spans in source.suggest(group))
        trained = time.perf_counter() - started
        print(f"suggesting: bare nlp.pipe {bare:.1f} s, trained source {trained:.1f} s ({proposed:,} spans at the "
              f"default thresholds), ratio {trained / bare:.2f} (target <= 1.3)")
        ModelVersions(project).delete(report.version_id)
        project.close()


if __name__ == "__main__":
    main()
