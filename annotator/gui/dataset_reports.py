"""What a dataset export or import did, for the analyst: a status-bar sentence and a report dialog.

What a format could not carry (``LossReport`` lines such as "left out 12 overlapping spans …")
is shown first and in bold, above the counts: a training set silently missing spans is the
mistake these reports exist to prevent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from annotator.gui.dialogs import _CloseDialog

if TYPE_CHECKING:  # the pipeline pulls in the format machinery; the window imports this module early
    from annotator.formats.pipeline import ExportResult, ImportResult


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def export_summary(result: ExportResult) -> str:
    """One status-bar sentence about a finished (or cancelled) export."""
    text = (f"Exported {_plural(result.documents, 'document')}, {_plural(result.spans, 'span')} and "
            f"{_plural(result.relations, 'relation')} to {_plural(len(result.files), 'file')}")
    if result.parts:
        text += " (" + ", ".join(f"{name} {count}" for name, count in result.parts.items()) + ")"
    if result.cancelled:
        text = "Export cancelled. " + text + "; the file being written when you cancelled was removed"
    lost = sum(result.loss.counts.values())
    return text + (f"; {lost} item{'' if lost == 1 else 's'} left out (see the report)." if lost else ".")


def import_result_summary(result: ImportResult) -> str:
    """One status-bar sentence about a finished (or cancelled) dataset import."""
    text = (f"Imported {_plural(result.documents_added, 'new document')} and added to "
            f"{_plural(result.documents_updated, 'existing document')}: {_plural(result.spans, 'span')}, "
            f"{_plural(result.relations, 'relation')}, {_plural(result.doc_labels, 'document label')}")
    if result.already_present:
        text += f"; {result.already_present} already there, not added twice"
    if result.refused:
        text += f"; {_plural(len(result.refused), 'file')} in the folders refused (see the report)"
    if result.cancelled:
        text = "Import cancelled. " + text + "; files imported before cancelling were kept"
    lost = sum(result.loss.counts.values())
    return text + (f"; {lost} item{'' if lost == 1 else 's'} left out (see the report)." if lost else ".")


def _losses(lines: list[str]) -> QLabel:
    label = QLabel("<b>Not carried by this format:</b><br>" + "<br>".join(f"<b>• {line}</b>" for line in lines)
                   if lines else "Nothing was left out.")
    label.setWordWrap(True)
    if lines:
        label.setStyleSheet("color: #b00020;")
    return label


def _content(summary: str, lines: list[str]) -> tuple[QWidget, QVBoxLayout, QLabel, QLabel, QTreeWidget]:
    content = QWidget()
    layout = QVBoxLayout(content)
    layout.setContentsMargins(0, 0, 0, 0)
    losses = _losses(lines)
    summary_label = QLabel(summary)
    summary_label.setWordWrap(True)
    details = QTreeWidget()
    details.setHeaderLabels(["File", "Details"])
    details.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    for widget in (losses, summary_label, details):
        layout.addWidget(widget)
    return content, layout, summary_label, losses, details


class ExportReportDialog(_CloseDialog):
    """Files written with their counts, and what the format left out."""

    def __init__(self, parent: QWidget | None, result: ExportResult) -> None:
        content, _layout, self.summary, self.losses, self.details = _content(
            export_summary(result), result.loss.lines())
        written = QTreeWidgetItem(self.details, [f"Files written ({len(result.files)})", ""])
        for path in result.files:
            item = QTreeWidgetItem(written, [path.name, str(path)])
            item.setToolTip(1, str(path))
        written.setExpanded(True)
        super().__init__(parent, "Export finished", content, (720, 420))


class ImportResultDialog(_CloseDialog):
    """Documents added or updated, spans and relations, labels and annotators new to the project,
    and what the format could not bring in."""

    def __init__(self, parent: QWidget | None, result: ImportResult) -> None:
        content, _layout, self.summary, self.losses, self.details = _content(
            import_result_summary(result), result.loss.lines())
        read = QTreeWidgetItem(self.details, [f"Files imported ({len(result.files)})", ""])
        for path in result.files:
            item = QTreeWidgetItem(read, [path.name, str(path)])
            item.setToolTip(1, str(path))
        read.setExpanded(True)
        if result.refused:  # files in the chosen folders that are no files, or whose names cannot be stored
            refused = QTreeWidgetItem(self.details, [f"Files refused ({len(result.refused)})", ""])
            for message in result.refused:
                item = QTreeWidgetItem(refused, ["", message])
                item.setToolTip(1, message)
            refused.setExpanded(True)
        for title, names in (("New labels", result.new_labels), ("New annotators", result.new_annotators),
                             ("New actors in the registry", result.new_actors)):
            if names:
                group = QTreeWidgetItem(self.details, [f"{title} ({len(names)})", ", ".join(names)])
                group.setToolTip(1, ", ".join(names))
        super().__init__(parent, "Import finished", content, (720, 420))
