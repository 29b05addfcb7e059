"""Project statistics: documents, annotators, spans per label and annotator."""

from __future__ import annotations

import argparse

from annotator.cli.output import format_counts, print_json, print_table, say
from annotator.store import Project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")


def run(args: argparse.Namespace) -> int:
    with Project.open(args.project, create=False) as project:
        stats = project.documents.stats()
    if args.json:
        print_json(stats)
        return 0
    say(f"documents:  {stats['documents']} ({stats['characters']} characters)")
    say(f"annotators: {', '.join(stats['annotators']) or '-'}")
    say(f"done:       {format_counts(stats['done'])}")
    say(f"spans:      {stats['span_total']}")
    if stats["spans"]:
        say()
        print_table(["label", "spans per annotator"],
                    [[label, format_counts(counts)] for label, counts in stats["spans"].items()])
    return 0
