"""What every dataset format is: a converter between files and canonical documents.

A canonical document (``canonical.CanonicalDoc``) is what ``select.document_json``
returns and a line of canonical JSONL holds, offsets in code points. Formats never touch the
database: selection (``select.py``) turns a project into canonical documents, ingestion
(``ingest.py``) writes them into a project, so a format is one module of pure conversion,
registered in ``FORMATS`` the way spaCy registers components.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from annotator.formats.canonical import CanonicalDoc
from annotator.limits import DEFAULT_LIMITS, ImportLimits
from annotator.output_files import OutputSet

__all__ = ["EXPORT_LAYERS", "FORMATS", "CanonicalDoc", "DatasetFormat", "ExportOptions", "Format", "LossReport",
           "ReadOptions", "register"]


@dataclass
class LossReport:
    """What a format could not carry, counted, so nothing is dropped silently.

    Keys are short sentences an analyst understands ("overlapping spans (CoNLL has one label per
    token)"); values are how many items were left out.
    """

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, what: str, count: int = 1) -> None:
        if count:
            self.counts[what] += count

    def merge(self, other: LossReport) -> None:
        """Add another report's counts (one import's files into its total)."""
        self.counts.update(other.counts)

    def lines(self) -> list[str]:
        return [f"left out {count} {what}" for what, count in sorted(self.counts.items())]


@dataclass(frozen=True)
class ReadOptions:
    """How to read foreign files: whose layer their spans go to when the file does not say, and
    how big a file or document may be (``pipeline.import_files`` puts the project's limits here).
    ``label_map`` holds ``(LAYER[.FEATURE], LABEL)`` pairs for INCEpTION's layers (XMI, WebAnno
    TSV; see ``inception_layers``)."""

    annotator: str = "imported"
    layer: str = "annotation"
    limits: ImportLimits = DEFAULT_LIMITS
    label_map: tuple[tuple[str, str], ...] = ()
    tag_column: str | None = None  # CoNLL: the tag column's number (from 1) or header name; None: the last


class DatasetFormat(Protocol):
    """One format. ``export``/``read`` are None where the format cannot go that way.

    ``export(docs, out, report, outputs)`` writes every file through ``outputs`` (see
    ``annotator.output_files``), which publishes them together once the whole export is written;
    ``side_files(out)`` names the files it writes beside a file ``out``, checked before any work.
    """

    name: str
    description: str
    target: Literal["file", "folder"]  # what OUT (export) or PATH (import) is
    suffix: str  # the file suffix of one export file (".jsonl", ".spacy"…), "" for folders
    export: Callable[[Iterable[CanonicalDoc], Path, LossReport, OutputSet], None] | None
    read: Callable[[Sequence[Path], ReadOptions, LossReport], Iterator[CanonicalDoc]] | None
    side_files: Callable[[Path], list[Path]]


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    target: Literal["file", "folder"]
    suffix: str
    export: Callable[[Iterable[CanonicalDoc], Path, LossReport, OutputSet], None] | None = None
    read: Callable[[Sequence[Path], ReadOptions, LossReport], Iterator[CanonicalDoc]] | None = None
    side_files: Callable[[Path], list[Path]] = lambda _out: []
    #: The format writing with ``ExportOptions.format_options`` (doccano's label column); None
    #: where the format takes none, and an export giving it some is refused.
    with_options: Callable[[Mapping[str, str]], Format] | None = None
    #: The names of the options ``with_options`` takes, so a refusal can say which format takes one.
    option_names: tuple[str, ...] = ()
    #: What of review the format's files keep: ``"provenance"`` (a gold item's origin annotator
    #: and adjudicator) and/or ``"comments"`` (reviewers' comments on spans). The export counts
    #: the rest as left out (``review_loss``).
    carries_review: frozenset[str] = frozenset()


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add a format to the table the CLI and the GUI list; returns it for module-level use."""
    FORMATS[fmt.name] = fmt
    return fmt


EXPORT_LAYERS = ("annotation", "gold", "gold-else-annotation", "suggestion", "all")


@dataclass(frozen=True)
class ExportOptions:
    """Which part of a project goes into an export (``select.select_documents`` applies it).

    - ``annotators``: whose annotation/suggestion layers, notes and statuses; None is everyone.
      The gold layer is the project's one adjudicated truth, so it is kept whoever adjudicated it.
    - ``layer``: ``annotation``, ``gold``, ``suggestion``, ``all``, or ``gold-else-annotation``
      (per document: its gold layer if it has any gold span, else the annotation layer).
    - ``labels``: span and document labels to keep, None for all; a relation is kept when both
      its ends are kept.
    - ``done_only``: only documents at least one of ``annotators`` (anyone, if None) marked done.
    - ``documents``: document ids or names, None for all.
    - ``format_options``: ``(NAME, VALUE)`` pairs for the format's writer (``Format.with_options``),
      e.g. ``("label_column", "cats")`` for doccano.
    """

    annotators: tuple[str, ...] | None = None
    layer: str = "annotation"
    labels: tuple[str, ...] | None = None
    done_only: bool = False
    documents: tuple[str | int, ...] | None = None
    format_options: tuple[tuple[str, str], ...] = ()
