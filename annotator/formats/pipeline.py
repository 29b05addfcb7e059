"""Export and import as the CLI and the GUI run them: formats, selection, splits and ingestion together.

``export_project`` selects documents (``select``), optionally splits them (``split``) and hands
each part to a format's writer, which writes through one ``OutputSet`` (``annotator.output_files``:
never onto the project or its backups, existing files replaced only with ``force``, every file
published together at the end). ``import_input`` reads one input with a format's reader and
ingests it in one transaction (``ingest``); ``annotator.importing`` decides the inputs of an
import and runs it once per input. Both take a ``TaskControl`` for progress and cancelling.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.corpus.file_checks import (
    check_storable_name,
    display_name,
    has_storable_name,
    regular_file_stat,
    special_kind,
)
from annotator.errors import Errors, UserError
from annotator.formats.base import (
    FORMATS,
    ExportOptions,
    Format,
    LossReport,
    ReadOptions,
)
from annotator.formats.canonical import ActorRecord, CanonicalDoc
from annotator.formats.ingest import IngestReport, ingest_documents
from annotator.formats.review_loss import REVIEW, counting_review
from annotator.formats.select import select_document_ids, select_documents
from annotator.formats.split import PART_NAMES, assign_splits, parse_split
from annotator.limits import ImportLimits
from annotator.output_files import OutputSet, ProtectedPaths
from annotator.tasks import Cancelled, TaskControl

if TYPE_CHECKING:
    from annotator.store.project import Project

PROGRESS_EVERY = 100  # documents between progress reports and cancel checks


@dataclass
class ExportResult:
    """What an export wrote. ``parts`` is documents per split part ({} without a split)."""

    documents: int = 0
    spans: int = 0
    relations: int = 0
    files: list[Path] = field(default_factory=list)
    loss: LossReport = field(default_factory=LossReport)
    parts: dict[str, int] = field(default_factory=dict)
    cancelled: bool = False


def available_formats() -> tuple[dict[str, Format], dict[str, str]]:
    """Registered formats by name, and modules that failed to import (module → reason).

    One format's missing optional dependency (spaCy, dkpro-cassis) must not take the others
    down, so modules are imported one by one rather than through ``formats()``.
    """
    from annotator.formats import FORMAT_MODULES

    problems: dict[str, str] = {}
    for module in FORMAT_MODULES:
        try:
            importlib.import_module(f"annotator.formats.{module}")
        except ImportError as exc:
            problems[module] = str(exc)
    return dict(FORMATS), problems


def get_format(name: str) -> Format:
    known, _problems = available_formats()
    if name not in known:
        raise UserError(Errors.E801.format(name=name, known=", ".join(sorted(known))))
    return known[name]


# --- export ----------------------------------------------------------------------------------


def export_project(project: Project, out: Path, format_name: str, options: ExportOptions, *,
                   split: str | Sequence[float] | None = None, seed: int = 0,
                   control: TaskControl | None = None, force: bool = False) -> ExportResult:
    """Write the selected documents to ``out`` in one format; with ``split``, ``out`` is a folder
    holding ``train``/``dev``(/``test``) files (``train.jsonl``…) or subfolders (folder formats).

    No file is written onto the project or its backups, and an existing file is replaced only
    with ``force``: the names known beforehand (the files of a file format and the files beside
    them) are checked before any document is read, the rest when the files are published, and
    the refusal (``ReplaceRefused``) names them all. Files are published together once all are
    written: a failure or a cancel (the result says ``cancelled``) leaves no file behind.
    """
    fmt = get_format(format_name)
    if options.format_options:  # refused before any file is looked at, as a bad filter is
        if fmt.with_options is None:
            given = {name for name, _ in options.format_options}
            takers = sorted(name for name, other in available_formats()[0].items() if given & set(other.option_names))
            raise UserError(Errors.E1121.format(options=", ".join(name for name, _ in options.format_options),
                                                formats=" or ".join(takers), format=fmt.name))
        fmt = fmt.with_options(dict(options.format_options))
    if fmt.export is None:
        raise UserError(Errors.E802.format(name=fmt.name, can="imported", cannot="exported"))
    control = control or TaskControl()
    result = ExportResult()
    out = Path(out)
    outputs = OutputSet(ProtectedPaths.of(project.location), force=force, create_folders=True)
    outputs.protected.check(out)  # also the folder of a split
    if split is not None:
        names = PART_NAMES[len(parse_split(split))]
        targets = {name: out / (name if fmt.target == "folder" else name + fmt.suffix) for name in names}
    else:
        targets = {"": out}
    for target in targets.values():
        _check_target(target, fmt, outputs)
    if fmt.target == "file":
        outputs.check([*targets.values(), *(side for target in targets.values() for side in fmt.side_files(target))])
    ids = select_document_ids(project, options)
    if not ids:
        raise UserError(Errors.E807.format(location=project.location, filters=_describe(options)))
    if split is not None:
        parts = assign_splits(ids, parse_split(split), seed)
        result.parts = {name: len(part) for name, part in parts.items()}
    else:
        parts = {"": ids}
    done = [0]
    try:
        with outputs:
            for name, part_ids in parts.items():
                # closed at once when the export fails: a half-read selection holds a connection
                with closing(select_documents(project, options, doc_ids=part_ids)) as docs:
                    counted = _counted(docs, result, control, done, len(ids))
                    if fmt.carries_review != REVIEW:
                        counted = counting_review(counted, result.loss, fmt.carries_review)
                    fmt.export(counted, targets[name], result.loss, outputs)
                result.files.append(targets[name])
                if fmt.name == "jsonl":
                    result.files.append(_write_actor_registry(project, targets[name], outputs))
    except Cancelled:
        result.files = []
        result.cancelled = True
        return result
    control.report(len(ids), len(ids), "")
    return result


def _check_target(target: Path, fmt: Format, outputs: OutputSet) -> None:
    """Refuse a target that is protected, or a file where a folder belongs and the other way round."""
    outputs.protected.check(target)
    if fmt.target == "folder" and target.exists() and not target.is_dir():
        raise UserError(Errors.E848.format(path=target))
    if fmt.target == "file" and target.is_dir():
        raise UserError(Errors.E813.format(
            path=target, reason=f"it is a folder; the {fmt.name} format writes one file, e.g. data{fmt.suffix}"))


def _counted(docs: Iterable[CanonicalDoc], result: ExportResult, control: TaskControl, done: list[int],
             total: int) -> Iterator[CanonicalDoc]:
    """Pass documents through, counting them, reporting progress and honouring cancel."""
    for doc in docs:
        result.documents += 1
        result.spans += len(doc["spans"])
        result.relations += len(doc["relations"])
        done[0] += 1
        if done[0] % PROGRESS_EVERY == 0:
            control.raise_if_cancelled()
            control.report(done[0], total, "")
        yield doc


def _write_actor_registry(project: Project, target: Path, outputs: OutputSet) -> Path:
    from annotator.formats.jsonl import actors_path, write_actors

    path = actors_path(target)
    write_actors(({"name": actor.name, "type": actor.type, "country": actor.country, "aliases": list(actor.aliases)}
                  for actor in project.actors.all()), path, outputs)
    return path


def _describe(options: ExportOptions) -> str:
    parts = [f"layer {options.layer}"]
    if options.annotators is not None:
        parts.append("annotators " + ", ".join(options.annotators))
    if options.labels is not None:
        parts.append("labels " + ", ".join(options.labels))
    if options.done_only:
        parts.append("done only")
    if options.documents is not None:
        parts.append(f"{len(options.documents)} named documents")
    return "; ".join(parts)


# --- import ----------------------------------------------------------------------------------


def import_input(project: Project, source: Path, files: Sequence[Path], fmt: Format, options: ReadOptions,
                 control: TaskControl) -> tuple[IngestReport, LossReport]:
    """Read one input of an import with ``fmt``'s reader and write it in one transaction, each
    document as the reader hands it over (canonical JSONL parses a line at a time).

    ``files`` are what the reader is given: one file, a folder of a folder format, or the brat
    pairs of one folder; ``source`` names the input in messages. ``annotator.importing`` decides
    the inputs and calls this once for each. Any problem is a ``UserError`` and nothing of the
    input is written: a file that is not a regular file or whose name is not UTF-8 is refused
    unopened (E341, E340; for a folder format, any such file in the folder, E882), one over the
    size limit unread (E330), a malformed one as its reader finds it, one whose offsets, span
    texts or relation ends do not fit by ``ingest``'s checks. For canonical JSONL,
    ``X.actors.jsonl`` beside ``X.jsonl`` is read too and its actors added to the registry.
    """
    if fmt.read is None:
        raise UserError(Errors.E802.format(name=fmt.name, can="exported", cannot="imported"))
    for path in files:
        if path.is_dir():
            _check_folder(path, fmt)
        else:
            regular_file_stat(path)
            check_storable_name(path)
        _check_sizes(path, fmt, options.limits)
    loss = LossReport()
    actors = [actor for path in files for actor in _actors_beside(path, fmt)]
    docs = fmt.read(files, options, loss)  # taken as ingestion writes them: a reader that streams is never held whole
    ingested = ingest_documents(project, docs, control=control, source=str(source), options=options, actors=actors)
    loss.add("duplicate spans (same annotator, layer, label and offsets: stored once)", ingested.duplicate_spans)
    loss.add("duplicate relations (same ends, label, annotator and layer: stored once)", ingested.duplicate_relations)
    return ingested, loss


def _check_folder(folder: Path, fmt: Format) -> None:
    """Refuse a folder-format input holding a file that is not a regular file or whose name is
    not UTF-8: its reader takes the folder whole and may open (or store) any file in it, hidden
    ones included."""
    for file in folder.rglob("*"):
        problem = None if file.is_dir() else _folder_file_problem(file)
        if problem:
            raise UserError(Errors.E882.format(format=fmt.name, folder=display_name(folder),
                                               path=display_name(file), problem=problem))


def _folder_file_problem(file: Path) -> str | None:
    if not has_storable_name(file):
        return "whose name is not valid UTF-8 (its undecodable bytes are shown as \\xNN)"
    try:
        kind = special_kind(os.stat(file).st_mode)
    except OSError as exc:
        return f"which cannot be read ({exc.strerror or exc})"
    return f"which is {kind}, not a regular file" if kind else None


def _check_sizes(path: Path, fmt: Format, limits: ImportLimits) -> None:
    """Refuse an input holding a file over the size limit before any reader loads one."""
    files = [path] if path.is_file() else (file for file in path.rglob("*") if file.is_file())
    for file in files:
        limits.check_file(file)
    if fmt.name == "jsonl":
        from annotator.formats.jsonl import actors_path

        limits.check_file(actors_path(path))


def _actors_beside(path: Path, fmt: Format) -> list[ActorRecord]:
    if fmt.name != "jsonl":
        return []
    from annotator.formats.jsonl import actors_path, read_actors

    registry = actors_path(path)
    return read_actors(registry) if registry.is_file() else []
