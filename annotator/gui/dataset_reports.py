"""What a dataset export did, for the analyst: a status-bar sentence and a report dialog.

What a format could not carry (``LossReport`` lines such as "left out 12 overlapping spans …")
is shown first and in bold, above the counts (``dialogs.report_widgets``). An import's report is
``dialogs.ImportReportDialog``, the same for every way files come in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTreeWidgetItem, QWidget

from annotator.gui.dialogs import _CloseDialog, report_widgets

if TYPE_CHECKING:  # the pipeline pulls in the format machinery; the window imports this module early
    from annotator.formats.pipeline import ExportResult


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


class ExportReportDialog(_CloseDialog):
    """Files written with their counts, and what the format left out."""

    def __init__(self, parent: QWidget | None, result: ExportResult) -> None:
        content, self.summary, self.losses, self.details = report_widgets(export_summary(result), result.loss.lines())
        written = QTreeWidgetItem(self.details, [f"Files written ({len(result.files)})", ""])
        for path in result.files:
            item = QTreeWidgetItem(written, [path.name, str(path)])
            item.setToolTip(1, str(path))
        written.setExpanded(True)
        super().__init__(parent, "Export finished", content, (720, 420))
