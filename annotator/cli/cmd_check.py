"""Check a project's labels for consistency: the same text labelled differently, and left
unlabelled where it was labelled elsewhere (``annotator.review.consistency``).

The annotators' layers are pooled (or one annotator's with --annotator, or gold with --layer
gold); the same text is token-aligned, white space matching any white space, case counting
unless --ignore-case. Unlabelled places are looked for in the documents the layer annotated
(a span there, or marked done), for texts of up to eight tokens. The table names the first
places of each text as doc:start; --json lists every place.
"""

from __future__ import annotations

import argparse

from annotator.cli.output import print_json, print_table, say
from annotator.review.consistency import MAX_TOKENS, check
from annotator.store import Project

PLACES_SHOWN = 3  # places named per text in the table; --json lists them all


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL")
    parser.add_argument("--layer", default="annotation", choices=("annotation", "gold"),
                        help="the annotators' layers pooled (default) or the gold layer")
    parser.add_argument("--annotator", action="append", default=None,
                        help="with --layer annotation: only this annotator's spans (repeat for several; default all)")
    parser.add_argument("--ignore-case", action="store_true",
                        help="'Nato' is the same text as 'NATO' (default: case counts)")
    parser.add_argument("--json", action="store_true",
                        help="one JSON object: the counts and every finding with all its places")


def run(args: argparse.Namespace) -> int:
    with Project.open(args.project, create=False) as project:
        result = check(project, layer=args.layer, annotators=args.annotator, case_sensitive=not args.ignore_case)
    if args.json:
        print_json(result.as_json())
        return 0
    say(result.summary())
    for title, findings in (("Labelled differently", result.differently),
                            (f"Unlabelled where labelled elsewhere (texts of up to {MAX_TOKENS} tokens)",
                             result.unlabelled)):
        say()
        say(f"{title}: {len(findings)}")
        if findings:
            print_table(["text", "labels", "places", "docs", "where (doc:start)"], [
                [finding.text, finding.labels_text(), finding.count, finding.documents,
                 " ".join(f"{p.document_id}:{p.start}" + (f"={p.label}" if p.label else "")
                          for p in finding.places[:PLACES_SHOWN]) + (" …" if finding.count > PLACES_SHOWN else "")]
                for finding in findings], max_width=48)
    return 0
