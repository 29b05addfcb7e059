"""Import .txt, .md, .jsonl and .csv files and folders into a project (created if missing).

Each file is read completely before anything is written: a bad file is reported with the reason
and skipped, the others are imported. Documents whose text is already in the project are
skipped and reported. Exits 1 when any file was refused.
"""

from __future__ import annotations

import argparse
import sys

from annotator.cli.output import ProgressBar
from annotator.corpus.importer import import_paths
from annotator.schema import load_schema
from annotator.store import Project

HELP = "import documents from files and folders"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL (created if missing)")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to import")
    parser.add_argument("--text-column", default="text", help="CSV column holding the text (default: text)")
    parser.add_argument("--schema", help="label schema YAML to install when creating the project")


def run(args: argparse.Namespace) -> int:
    schema = load_schema(args.schema) if args.schema else None
    with Project.open(args.project) as project:
        if schema is not None:
            project.install_schema(schema)
        with ProgressBar("Importing") as control:
            report = import_paths(project, args.paths, text_column=args.text_column, control=control)
    for duplicate in report.duplicates:
        where = f"document {duplicate.existing_id}" if duplicate.existing_id else "another file of this import"
        sys.stderr.write(f"skipped duplicate: {duplicate.source} has the same text as {where}\n")
    for _path, message in report.failures:
        sys.stderr.write(f"refused: {message}\n")
    summary = f"Imported {len(report.imported)} documents into {args.project}"
    extras = []
    if report.duplicates:
        extras.append(f"{len(report.duplicates)} duplicates skipped")
    if report.failures:
        extras.append(f"{len(report.failures)} files refused")
    if report.cancelled:
        extras.append("stopped early")
    print(summary + (f" ({', '.join(extras)})." if extras else "."))
    return 1 if report.failures else 0
