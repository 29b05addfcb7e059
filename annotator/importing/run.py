"""``import_files``: the one entry point every import goes through.

``annotator import``, File ▸ Import documents… (and Import folder…) and File ▸ Import dataset…
all call it, so a file gives the same documents, the same annotations and the same report
whichever way it came in. It routes each input (``routes``): plain corpus files go to the corpus
writer, several files per transaction as before; an annotation file (or folder) is read with its
format's reader and written in one transaction (``formats.pipeline.import_input``). A file that
cannot be imported is refused with its catalogue message and the others go on; nothing of a
refused file is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.corpus.corrections import Correction
from annotator.corpus.file_checks import display_name
from annotator.corpus.importer import CorpusWriter
from annotator.errors import Errors, UserError
from annotator.formats.base import Format, ReadOptions
from annotator.importing.report import FileReport, ImportReport
from annotator.importing.routes import AUTO, Input, plan_inputs
from annotator.limits import ImportLimits, project_limits
from annotator.tasks import Cancelled, TaskControl

if TYPE_CHECKING:
    from annotator.store.project import Project


@dataclass(frozen=True)
class ImportOptions:
    """How to import: every choice the CLI and the dialogs offer.

    - ``format``: ``auto`` routes each file by what it is (``formats.detect``); a dataset format's
      name reads every input in that format.
    - ``annotator``/``layer``: whose layer annotations go to when a file does not say (brat,
      CoNLL and most tools never do; canonical JSONL names its annotators).
    - ``text_column``: the column of a plain CSV holding the document text.
    - ``limits``: the largest file and document accepted; None is the project's own.
    - ``label_map``: ``(LAYER[.FEATURE], LABEL)`` pairs for INCEpTION's layers (XMI, WebAnno TSV).
    - ``tag_column``: CoNLL's tag column, a number from 1 (the token's) or a header name; None: the last.
    """

    format: str = AUTO
    annotator: str = "imported"
    layer: str = "annotation"
    text_column: str = "text"
    limits: ImportLimits | None = None
    label_map: tuple[tuple[str, str], ...] = ()
    tag_column: str | None = None
    corrections: Mapping[str, Correction] = field(default_factory=dict)  # by file path: the import dialog's


def import_files(project: Project, paths: Sequence[str | Path], options: ImportOptions = ImportOptions(), *,
                 control: TaskControl | None = None) -> ImportReport:
    """Import files and folders into ``project`` and report on each input.

    Raised before anything is read (``UserError``): an unknown format or one that cannot be
    imported, a path that does not exist, a file named explicitly that no reader takes. Every
    other problem refuses one input, reported with its message. Progress is reported once per
    input (done, total, path); cancelling stops after the input being read, and what was read
    until then is kept.
    """
    control = control or TaskControl()
    limits = options.limits or project_limits(project)
    fmt = _format(options.format)
    inputs = plan_inputs(paths, fmt, limits)
    read_options = ReadOptions(annotator=options.annotator, layer=options.layer, limits=limits,
                               label_map=options.label_map, tag_column=options.tag_column)
    report = ImportReport()
    corpus = CorpusWriter(project, text_column=options.text_column, limits=limits, corrections=options.corrections)
    plain: dict[str, FileReport] = {}  # by the path the corpus readers give as a document's source
    for index, item in enumerate(inputs):
        if control.cancelled:
            report.cancelled = True
            break
        entry = FileReport(display_name(item.path), item.format)
        try:
            if item.format is None:
                corpus.add_file(item.path)
                plain[str(item.path)] = entry
            else:
                _import_annotated(project, item, read_options, control, entry, report)
        except UserError as error:
            entry.refused = str(error)
        except Cancelled:  # while validating, before writing: nothing of this input was written
            report.cancelled = True
            break
        report.files.append(entry)
        control.report(index + 1, len(inputs), str(item.path))
    corpus.flush()
    for document in corpus.report.imported:
        plain[document.source].added.append(document)
    for duplicate in corpus.report.duplicates:
        plain[duplicate.source].duplicates.append(duplicate)
    return report


def _format(name: str) -> Format | None:
    """The chosen dataset format, None for auto; refused when it cannot be imported."""
    if name == AUTO:
        return None
    from annotator.formats.pipeline import get_format

    fmt = get_format(name)
    if fmt.read is None:
        raise UserError(Errors.E802.format(name=fmt.name, can="exported", cannot="imported"))
    return fmt


def _import_annotated(project: Project, item: Input, options: ReadOptions, control: TaskControl,
                      entry: FileReport, report: ImportReport) -> None:
    """One input of an annotation format, in its own transaction; its counts go to ``entry``."""
    from annotator.formats.pipeline import (  # spaCy and cassis load with the formats
        get_format,
        import_input,
    )

    assert item.format is not None
    ingested, entry.loss = import_input(project, item.path, item.files, get_format(item.format), options, control)
    entry.added = ingested.added
    entry.matched = ingested.documents_matched
    for name in ("spans", "relations", "doc_labels", "notes", "span_notes", "span_comments", "statuses",
                 "already_present"):
        setattr(entry, name, getattr(ingested, name))
    report.new_labels += [f"{name} ({kind} label)" for kind, name in ingested.new_labels]
    report.new_annotators += ingested.new_annotators
    report.new_actors += ingested.new_actors
