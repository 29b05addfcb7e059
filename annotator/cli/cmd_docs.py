"""List a project's documents: id, name, title, characters, spans per annotator, status."""

from __future__ import annotations

import argparse

from annotator.cli.output import format_counts, print_json, print_table
from annotator.store import Project

HELP = "list documents with span counts and status per annotator"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")


def run(args: argparse.Namespace) -> int:
    with Project.open(args.project, create=False) as project:
        rows = project.documents.overview()
    if args.json:
        for row in rows:
            print_json(row)
        return 0
    print_table(
        ["id", "name", "title", "chars", "spans", "status"],
        [[r["id"], r["name"], r["title"], r["characters"], format_counts(r["spans"]), format_counts(r["status"])]
         for r in rows],
        max_width=48,
    )
    return 0
