"""Import files and folders into a project (created if missing): plain documents and annotations.

Files are imported exactly as the window's Import does, so a file gives the same result here and
there. Without ``--format`` each file is routed by what it is: .txt, .md, .csv and plain .jsonl
are documents; canonical JSONL (what 'annotator export --format jsonl' writes), doccano and
Prodigy .jsonl, brat .ann (with its .txt), CoNLL .conll and spaCy .spacy come in with their
annotations, and so does a .tsv in WebAnno TSV 3 (INCEpTION).
``--format NAME`` reads every input in one dataset format instead (XMI is only read that way);
``--map LAYER[.FEATURE]=LABEL`` names the labels INCEpTION's layers become.

Each file is read completely before anything of it is written: a bad file is refused with the
reason (and nothing of it written), the others are imported. Documents whose text is already in
the project are skipped (an annotated file's annotations are added to them). Exits 1 when any
file was refused.

A file or document over the project's size limits ('annotator limits') is refused with the
rest of the bad files; ``--max-file-mb`` / ``--max-document-mb`` raise the limits for this run.

Skipped duplicates and refused files are counted, and the first few are shown (a rerun of a
large import skips every document); ``--verbose`` lists every one of them, and what each file
brought.

Once the documents are committed, they are added to the search index and their languages are
detected, in bulk, in a transaction of its own ("indexing N documents for search…"); stopped
there, nothing is lost: the next search, import or window does it. ``--no-index`` leaves it to
them (a script importing many files one after another).
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence

from annotator.cli.cmd_limits import add_limit_arguments
from annotator.cli.output import ProgressBar, note, say
from annotator.formats.inception_layers import LabelMap
from annotator.importing import (
    AUTO,
    ImportOptions,
    ImportReport,
    annotations_sentence,
    import_files,
)
from annotator.importing.report import plural
from annotator.limits import project_limits, with_overrides
from annotator.store import Project
from annotator.store.pending import catch_up, pending_counts

#: Skipped duplicates and refused files listed without --verbose; the rest are counted.
SHOWN = 5


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL (created if missing)")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to import")
    parser.add_argument("--text-column", default="text", help="CSV column holding the text (default: text)")
    parser.add_argument("--schema", help="label schema YAML to install when creating the project")
    parser.add_argument("--format", dest="format_name", metavar="NAME", default=AUTO,
                        help="read every input as one dataset format: jsonl, spacy, spacy-v2, brat, conll, xmi, "
                             "webanno-tsv, doccano, prodigy or label-studio (default: auto, each file by what it is)")
    parser.add_argument("--annotator", default="imported",
                        help="whose layer annotations go to when the files do not say (default: imported)")
    parser.add_argument("--map", dest="label_map", action="append", default=[], metavar="LAYER[.FEATURE]=LABEL",
                        help="INCEpTION's layers (xmi, webanno-tsv) as labels: LAYER.FEATURE=LABEL labels LAYER's "
                             "annotations that have a value in FEATURE, LAYER=LABEL all of them; LAYER is a full or "
                             "short type name; repeatable (default: the label feature's value, else the layer's name)")
    parser.add_argument("--tag-column", metavar="N|NAME",
                        help="CoNLL: the column holding the tags, by number (the token is 1, -1 the last) or by "
                             "the name in the file's header line (default: the last column)")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help=f"list every skipped duplicate and refused file (by default the first {SHOWN} of each) "
                             "and what each file brought")
    parser.add_argument("--no-index", action="store_true",
                        help="only commit the documents: leave the search index and language detection to the next "
                             "search, import or window")
    add_limit_arguments(parser)


def run(args: argparse.Namespace) -> int:
    # What is loaded by now (SQLAlchemy's objects above all) lives to the end: out of the cyclic
    # collector's sight, so the collections an import's allocations set off no longer walk it
    # each time (0.16 s of importing 10,000 articles spent collecting before, 0.08 s after).
    gc.freeze()
    schema = None
    if args.schema:
        from annotator.schema import load_schema  # pydantic: only a run that installs a schema pays

        schema = load_schema(args.schema)
    label_map = LabelMap.parse(args.label_map)  # a malformed entry is refused before the project is opened
    with Project.open(args.project) as project:
        if schema is not None:
            project.install_schema(schema)
        limits = with_overrides(project_limits(project), max_file_mb=args.max_file_mb,
                                max_document_mb=args.max_document_mb)
        options = ImportOptions(format=args.format_name, annotator=args.annotator, text_column=args.text_column,
                                limits=limits, label_map=label_map, tag_column=args.tag_column)
        with ProgressBar("Importing") as control:
            report = import_files(project, args.paths, options, control=control)
        _print_report(report, args.project, args.verbose)
        if not args.no_index:
            _catch_up(project)
    return 1 if report.refused else 0


def _catch_up(project: Project) -> None:
    """Index the new documents and detect their languages, saying so on a terminal."""
    pending = pending_counts(project)
    if not pending:
        return
    if sys.stderr.isatty():
        note(f"indexing {pending.documents:,} documents for search…")
    with ProgressBar("Indexing", unit="document") as control:
        catch_up(project, control=control)


def _print_report(report: ImportReport, project: str, verbose: bool) -> None:
    """Problems and losses on stderr, what came in on stdout."""
    if verbose:
        for entry in report.files:
            if entry.refused is None:
                note(f"read {entry.path} ({entry.kind}): {entry.describe()}")
    _print_some("skipped duplicate", [
        f"{duplicate.source} has the same text as "
        + (f"document {duplicate.existing_id}" if duplicate.existing_id else "another file of this import")
        for duplicate in report.duplicates], "duplicates skipped", verbose)
    _print_some("refused", [message for _path, message in report.refused], "files refused", verbose)
    for line in report.loss.lines():
        note(line)
    for title, names in (("new labels", report.new_labels), ("new annotators", report.new_annotators),
                         ("new actors", report.new_actors)):
        if names:
            say(f"Added {title}: {', '.join(names)}")
    extras = []
    if report.duplicates:
        extras.append(f"{len(report.duplicates)} duplicates skipped")
    if report.refused:
        extras.append(f"{len(report.refused)} files refused")
    if report.cancelled:
        extras.append("stopped early")
    say(f"Imported {plural(len(report.imported), 'document')} into {project}" + (f" ({', '.join(extras)})." if extras else "."))
    annotations = annotations_sentence(report)
    if annotations:
        say(annotations)


def _print_some(prefix: str, lines: Sequence[str], more: str, verbose: bool) -> None:
    """The first ``SHOWN`` lines (all with ``verbose``) on stderr, then how many were not shown."""
    shown = lines if verbose else lines[:SHOWN]
    for line in shown:
        note(f"{prefix}: {line}")
    if len(lines) > len(shown):
        note(f"… and {len(lines) - len(shown):,} more {more}; add --verbose to list them all.")
