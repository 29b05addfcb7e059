"""What an import did, file by file: the one report the CLI and both window dialogs show.

Each input gets a ``FileReport``: documents added, plain documents skipped as duplicates,
annotated documents whose text the project had (their annotations go onto it), what came in
(spans, relations, document labels, document notes, span notes, statuses: the rows written), what
its format could not carry, or the catalogue message it was refused with. ``ImportReport`` adds them up and keeps what the project
had to learn (labels, annotators, actors). The sentences here are the ones every front end
prints, so the same import reads the same in a terminal and in the window.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.corpus.importer import ImportedDocument, SkippedDuplicate
from annotator.formats.base import LossReport

#: The items of an annotated file, in the order reports name them.
#: A span's note (brat's AnnotatorNotes, a Label Studio region's textarea) is stored on the span, not as a
#: document note, so it is counted apart: counting only document notes said "0 notes" for a brat corpus
#: whose every entity had one.
ITEMS = (("spans", "span"), ("relations", "relation"), ("doc_labels", "document label"),
         ("notes", "document note"), ("span_notes", "span note"), ("span_comments", "reviewer comment"),
         ("statuses", "status"))


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 'es' if word.endswith('s') else 's'}"


@dataclass
class FileReport:
    """What became of one input: a file, or a folder read whole by a folder format (brat, XMI)."""

    path: str  # printable: odd bytes of a file name shown as \xNN
    format: str | None  # the dataset format it was read as; None: plain documents (.txt, .md, .csv, .jsonl)
    added: list[ImportedDocument] = field(default_factory=list)
    duplicates: list[SkippedDuplicate] = field(default_factory=list)  # plain texts the project had: skipped
    matched: int = 0  # annotated documents whose text the project had: their annotations were added to it
    spans: int = 0
    relations: int = 0
    doc_labels: int = 0
    notes: int = 0  # document notes
    span_notes: int = 0  # spans stored with a note
    span_comments: int = 0  # reviewers' comments on spans (canonical JSONL)
    statuses: int = 0
    already_present: int = 0  # items a matched document had already, not added twice
    loss: LossReport = field(default_factory=LossReport)
    refused: str | None = None  # the catalogue message; nothing of the input was written

    def describe(self) -> str:
        """One line for the report's list of files: what came in, or why nothing did."""
        if self.refused is not None:
            return self.refused
        parts = [plural(len(self.added), "document") + " added"]
        if self.duplicates:
            parts.append(plural(len(self.duplicates), "duplicate") + " skipped")
        if self.format is not None:
            if self.matched:
                parts.append(f"annotations for {plural(self.matched, 'document')} already in the project")
            parts += [plural(getattr(self, name), word) for name, word in ITEMS if getattr(self, name)]
            if self.already_present:
                parts.append(f"{self.already_present} already present")
        parts += self.loss.lines()
        return ", ".join(parts)

    @property
    def kind(self) -> str:
        """What the input was read as: a format's name, or plain documents."""
        return self.format or "plain documents"


@dataclass
class ImportReport:
    """An import's files, in the order they were read, and what the project gained."""

    files: list[FileReport] = field(default_factory=list)
    new_labels: list[str] = field(default_factory=list)  # "NAME (kind label)"
    new_annotators: list[str] = field(default_factory=list)
    new_actors: list[str] = field(default_factory=list)
    cancelled: bool = False  # the inputs after the one being read when the analyst cancelled were left

    @property
    def imported(self) -> list[ImportedDocument]:
        return [document for entry in self.files for document in entry.added]

    @property
    def duplicates(self) -> list[SkippedDuplicate]:
        return [duplicate for entry in self.files for duplicate in entry.duplicates]

    @property
    def refused(self) -> list[tuple[str, str]]:
        """(input, catalogue message) for each input refused."""
        return [(entry.path, entry.refused) for entry in self.files if entry.refused is not None]

    @property
    def annotated(self) -> list[FileReport]:
        """The inputs read as an annotation format and imported."""
        return [entry for entry in self.files if entry.format is not None and entry.refused is None]

    @property
    def loss(self) -> LossReport:
        total = LossReport()
        for entry in self.files:
            total.merge(entry.loss)
        return total

    def count(self, name: str) -> int:
        """The total of one of the files' counts ("spans", "matched", "already_present"…)."""
        return sum(getattr(entry, name) for entry in self.files)


def annotations_sentence(report: ImportReport) -> str | None:
    """What the annotated files brought, or None when every input was plain documents."""
    annotated = report.annotated
    if not annotated:
        return None
    # Only canonical JSONL brings reviewer comments, so every other import would say "0" of them.
    items = [plural(report.count(name), word) for name, word in ITEMS
             if name != "span_comments" or report.count(name)]
    added = sum(len(entry.added) for entry in annotated)
    text = (f"Annotations: {', '.join(items[:-1])} and {items[-1]}, on {plural(added, 'new document')} and "
            f"{plural(report.count('matched'), 'document')} already in the project")
    already = report.count("already_present")
    return text + (f" ({already} already present, not added twice)." if already else ".")


def summary(report: ImportReport) -> str:
    """The report in a few sentences, for the status bar and the top of the report dialog."""
    text = (f"Imported {plural(len(report.imported), 'document')}, skipped {plural(len(report.duplicates), 'duplicate')}, "
            f"refused {plural(len(report.refused), 'file')}.")
    annotations = annotations_sentence(report)
    if annotations:
        text += " " + annotations
    lost = sum(report.loss.counts.values())
    if lost:
        text += f" {plural(lost, 'item')} left out (see the report)."
    if report.cancelled:
        text = "Import cancelled. " + text + " Documents read before cancelling were kept."
    return text
