"""Import .txt, .md, .jsonl and .csv files and folders into a project (created if missing).

Each file is read completely before anything is written: a bad file is reported with the reason
and skipped, the others are imported. Documents whose text is already in the project are
skipped and reported. Exits 1 when any file was refused.

A .jsonl file whose records carry "spans" is canonical JSONL (what 'annotator export --format
jsonl' writes) and is imported with its annotations; ``--format NAME`` reads files of a dataset
format (brat, conll, spacy, xmi, doccano, prodigy, jsonl) instead. Those imports are refused
whole on the first malformed file, and report the labels and annotators they added.

A file or document over the project's size limits ('annotator limits') is refused with the
rest of the bad files; ``--max-file-mb`` / ``--max-document-mb`` raise the limits for this run.

Skipped duplicates and refused files are counted, and the first few are shown (a rerun of a
large import skips every document); ``--verbose`` lists every one of them.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from annotator.cli.output import ProgressBar, note, say
from annotator.corpus.importer import import_paths
from annotator.corpus.readers import collect_files
from annotator.formats.base import ReadOptions
from annotator.formats.pipeline import ImportResult, import_files, split_canonical_jsonl
from annotator.limits import project_limits, with_overrides
from annotator.schema import load_schema
from annotator.store import Project

HELP = "import documents from files and folders"
#: Skipped duplicates and refused files listed without --verbose; the rest are counted.
SHOWN = 5


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL (created if missing)")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to import")
    parser.add_argument("--text-column", default="text", help="CSV column holding the text (default: text)")
    parser.add_argument("--schema", help="label schema YAML to install when creating the project")
    parser.add_argument("--format", dest="format_name", metavar="NAME",
                        help="a dataset format: jsonl, spacy, brat, conll, xmi, doccano or prodigy")
    parser.add_argument("--annotator", default="imported",
                        help="whose layer annotations go to when the files do not say (default: imported)")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help=f"list every skipped duplicate and refused file (by default the first {SHOWN} of each)")
    add_limit_arguments(parser)


def add_limit_arguments(parser: argparse.ArgumentParser) -> None:
    """The size-limit options, shared with 'annotator limits'."""
    parser.add_argument("--max-file-mb", type=float, metavar="N",
                        help="refuse files larger than N megabytes (default: the project's limit, 512)")
    parser.add_argument("--max-document-mb", type=float, metavar="N",
                        help="refuse documents longer than N million characters (default: the project's limit, 64)")


def run(args: argparse.Namespace) -> int:
    schema = load_schema(args.schema) if args.schema else None
    read_options = ReadOptions(annotator=args.annotator)
    with Project.open(args.project) as project:
        if schema is not None:
            project.install_schema(schema)
        limits = with_overrides(project_limits(project), max_file_mb=args.max_file_mb,
                                max_document_mb=args.max_document_mb)
        if args.format_name:
            with ProgressBar("Importing") as control:
                result = import_files(project, args.paths, args.format_name, read_options, control=control,
                                      limits=limits)
            _print_dataset(result, args.verbose)
            return 1 if result.refused else 0
        canonical, plain = split_canonical_jsonl(collect_files(args.paths), limits)
        if canonical:
            with ProgressBar("Importing annotations") as control:
                result = import_files(project, canonical, "jsonl", read_options, control=control, limits=limits)
            _print_dataset(result, args.verbose)
            if not plain:
                return 1 if result.refused else 0
        with ProgressBar("Importing") as control:
            report = import_paths(project, plain, text_column=args.text_column, control=control, limits=limits)
    _print_some("skipped duplicate", [
        f"{duplicate.source} has the same text as "
        + (f"document {duplicate.existing_id}" if duplicate.existing_id else "another file of this import")
        for duplicate in report.duplicates], "duplicates skipped", args.verbose)
    _print_some("refused", [message for _path, message in report.failures], "files refused", args.verbose)
    summary = f"Imported {len(report.imported)} documents into {args.project}"
    extras = []
    if report.duplicates:
        extras.append(f"{len(report.duplicates)} duplicates skipped")
    if report.failures:
        extras.append(f"{len(report.failures)} files refused")
    if report.cancelled:
        extras.append("stopped early")
    say(summary + (f" ({', '.join(extras)})." if extras else "."))
    return 1 if report.failures else 0


def _print_some(prefix: str, lines: Sequence[str], more: str, verbose: bool) -> None:
    """The first ``SHOWN`` lines (all with ``verbose``) on stderr, then how many were not shown."""
    shown = lines if verbose else lines[:SHOWN]
    for line in shown:
        note(f"{prefix}: {line}")
    if len(lines) > len(shown):
        note(f"… and {len(lines) - len(shown):,} more {more}; add --verbose to list them all.")


def _print_dataset(result: ImportResult, verbose: bool) -> None:
    """The report of a dataset import: what came in, what was refused, and what the project had to
    learn for it."""
    _print_some("refused", result.refused, "files refused", verbose)
    for line in result.loss.lines():
        note(line)
    for title, names in (("new labels", result.new_labels), ("new annotators", result.new_annotators),
                         ("new actors", result.new_actors)):
        if names:
            say(f"Added {title}: {', '.join(names)}")
    say(f"Imported {result.documents_added} new documents and annotations for {result.documents_updated} "
        f"documents already in the project: {result.spans} spans, {result.relations} relations, "
        f"{result.doc_labels} document labels, {result.notes} notes, {result.statuses} statuses"
        + (f" ({result.already_present} already present, not added twice)." if result.already_present else "."))
