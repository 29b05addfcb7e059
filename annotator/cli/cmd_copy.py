"""Copy a whole project into a new file or an empty database: SQLite and PostgreSQL, any direction.

``annotator copy team.db postgresql://user@server/team`` moves a project onto a server;
``annotator copy postgresql://user@server/team offline.db`` takes it back to a file. Everything
comes along with its ids (documents, every layer, relations, notes, actors, decisions on
suggestions, gold provenance, statuses, the label schema and settings). The target must not
hold any tables yet; a failed or interrupted copy leaves it as it was.
"""

from __future__ import annotations

import argparse

from annotator.cli.output import ProgressBar, print_table, say
from annotator.store.copy import copy_project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", help="project file or database URL to copy from")
    parser.add_argument("target", help="new project file, or URL of an empty database (createdb NAME first)")


def run(args: argparse.Namespace) -> int:
    with ProgressBar("Copying", unit="row") as control:
        report = copy_project(args.source, args.target, control)
    if report.source_backup is not None:
        say(f"The source was from an older annotator and was upgraded first; its backup: {report.source_backup}")
    print_table(["table", "rows"], [(name, f"{count:,}") for name, count in report.rows.items()])
    say(f"Copied {report.total_rows:,} rows from {report.source} to {report.target} in {report.seconds:.1f} s.")
    return 0
