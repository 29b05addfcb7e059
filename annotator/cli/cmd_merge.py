"""Merge teammates' project files or canonical JSONL exports into this project.

Documents are matched by their text; the teammate's layers arrive under their annotator names;
nothing of this project is overwritten; merging the same file again adds nothing. A document
whose id is used here for a different text is kept as a separate document and reported.
"""

from __future__ import annotations

import argparse

from annotator.cli.output import say
from annotator.review.merge import merge
from annotator.store import Project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL to merge into")
    parser.add_argument("other", nargs="+", help="project files, database URLs or .jsonl exports to merge")


def run(args: argparse.Namespace) -> int:
    with Project.open(args.project, create=False) as project:
        for other in args.other:
            report = merge(project, other)
            for line in report.lines():
                say(line)
    return 0
