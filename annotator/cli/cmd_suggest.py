"""Propose annotations with spaCy: actors (named entities and known aliases), claims with their
speakers from reported speech, and threat cues from the pattern files. They go to the suggestion
layer ('annotator show PROJECT DOC --json' lists them with "layer": "suggestion"), where the
analyst accepts or rejects each. Each document goes to the pipeline of its language: Russian
(and Belarusian, Ukrainian) ones to natasha's Russian NER, the others to the spaCy pipeline; the
last line says which ran on how many documents. Decisions are kept: running again replaces only pending
suggestions, and never proposes a rejected or already accepted one again.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.cli.output import ProgressBar, note, print_table, say
from annotator.store import Project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL")
    parser.add_argument("--model", metavar="NAME",
                        help="spaCy pipeline for documents not in Russian (default: the project's, else the best "
                             "installed); Russian documents always use natasha")
    parser.add_argument("--docs", nargs="+", metavar="ID", help="only these documents (ids or names)")
    parser.add_argument("--patterns", nargs="+", metavar="FILE", type=Path,
                        help="pattern files to use instead of the project's (resources/patterns/*.jsonl)")
    parser.add_argument("--batch-size", type=int, default=32, metavar="N", help="documents per batch (default: 32)")


def run(args: argparse.Namespace) -> int:
    from annotator.nlp.language_route import suggest_by_language  # loads spaCy: only this command pays for it

    with Project.open(args.project, create=False) as project:
        doc_ids = [project.documents.resolve(reference) for reference in args.docs] if args.docs else None
        with ProgressBar("Suggesting", unit="char", scaled=True, with_message=True) as control:
            result = suggest_by_language(project, doc_ids, model=args.model, patterns=args.patterns, control=control,
                             batch_size=max(1, args.batch_size))
    for line in result.notes:
        note(f"note: {line}")
    say(f"Suggested with {result.pipeline} in {result.documents} documents: "
        f"{sum(result.spans.values())} spans, {result.relations} relations "
        f"({result.already_decided} already decided were left out).")
    say(f"Pipelines: {result.pipelines_text()}.")
    if result.spans:
        print_table(["label", "suggestions"], [[label, count] for label, count in sorted(result.spans.items())])
    return 0
