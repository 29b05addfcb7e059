"""Small dialogs: who is annotating, what an import did, the shortcuts and the guidelines.

The import report is one dialog for File ▸ Import documents… and Import dataset… alike, showing
``annotator.importing``'s report, so the same files read the same whichever way they came in.
The shortcut list is generated from the window's menus, so it can never disagree with the keys
that actually work; the guidelines come from the schema's descriptions for the same reason.
"""

from __future__ import annotations

import getpass
from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QMenuBar,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.importing import ImportReport, summary


def present(window: QWidget) -> None:
    """Show a window in front and ask for activation. Without a window manager (kiosk sessions,
    Xvfb) a window is never made active otherwise, and Qt then ignores every shortcut in it."""
    window.show()
    window.raise_()
    window.activateWindow()


def ask_annotator_name(parent: QWidget | None, current: str | None, known: list[str]) -> str | None:
    """Ask who is annotating; None if the analyst cancels. Known names are offered, new ones typed."""
    default = current or _login_name()
    names = [default] + [name for name in known if name != default]
    name, accepted = QInputDialog.getItem(
        parent, "Who is annotating?",
        "Your name as annotator (your annotations are kept apart from everyone else's):",
        names, 0, True,
    )
    name = name.strip()
    return name if accepted and name else None


def _login_name() -> str:
    try:
        return getpass.getuser()
    except OSError:  # no login name in this environment (some containers)
        return ""


class _CloseDialog(QDialog):
    """A dialog with one Close button under its content."""

    def __init__(self, parent: QWidget | None, title: str, content: QWidget, size: tuple[int, int]) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(content)
        layout.addWidget(buttons)
        self.resize(*size)


def report_widgets(summary_text: str, lost: list[str]) -> tuple[QWidget, QLabel, QLabel, QTreeWidget]:
    """The body of a report dialog: what was left out (first, in bold: a training set silently
    missing spans is the mistake these reports exist to prevent), the summary, a tree of details.
    Returns the body, the summary and losses labels, and the tree."""
    content = QWidget()
    layout = QVBoxLayout(content)
    layout.setContentsMargins(0, 0, 0, 0)
    losses = QLabel("<b>Not carried by this format:</b><br>" + "<br>".join(f"<b>• {line}</b>" for line in lost)
                    if lost else "Nothing was left out.")
    losses.setWordWrap(True)
    if lost:
        losses.setStyleSheet("color: #b00020;")
    summary_label = QLabel(summary_text)
    summary_label.setWordWrap(True)
    details = QTreeWidget()
    details.setHeaderLabels(["File", "Details"])
    details.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    for widget in (losses, summary_label, details):
        layout.addWidget(widget)
    return content, summary_label, losses, details


class ImportReportDialog(_CloseDialog):
    """What an import did: what was left out, the counts, then each file with what it brought,
    the refused files with their reasons, the duplicates, and what the project had to learn."""

    def __init__(self, parent: QWidget | None, report: ImportReport) -> None:
        content, self.summary, self.losses, self.details = report_widgets(import_summary(report), report.loss.lines())
        imported = [entry for entry in report.files if entry.refused is None]
        read = QTreeWidgetItem(self.details, [f"Files imported ({len(imported)})", ""])
        for entry in imported:
            self._row(read, entry.path, f"{entry.kind}: {entry.describe()}")
        read.setExpanded(True)
        if report.refused:
            refused = QTreeWidgetItem(self.details, [f"Files refused ({len(report.refused)})", ""])
            for path, message in report.refused:
                self._row(refused, path, message)
            refused.setExpanded(True)
        if report.duplicates:
            duplicates = QTreeWidgetItem(self.details, [f"Duplicates skipped ({len(report.duplicates)})", ""])
            for duplicate in report.duplicates:
                twin = f"same text as document {duplicate.existing_id}" if duplicate.existing_id else \
                    "same text as another document in this import"
                self._row(duplicates, duplicate.source, f"{duplicate.title}: {twin}")
        for title, names in (("New labels", report.new_labels), ("New annotators", report.new_annotators),
                             ("New actors in the registry", report.new_actors)):
            if names:
                group = QTreeWidgetItem(self.details, [f"{title} ({len(names)})", ", ".join(names)])
                group.setToolTip(1, ", ".join(names))
        super().__init__(parent, "Import finished", content, (720, 420))

    @staticmethod
    def _row(group: QTreeWidgetItem, path: str, details: str) -> None:
        item = QTreeWidgetItem(group, [Path(path).name, details])
        item.setToolTip(0, path)
        item.setToolTip(1, details)


def import_summary(report: ImportReport) -> str:
    """The status-bar sentence and the dialog's summary (``annotator.importing.summary``)."""
    return summary(report)


def menu_shortcuts(menu_bar: QMenuBar) -> list[tuple[str, str, str]]:
    """(menu path, action, keys) for every action in the menus that is not a submenu."""
    rows: list[tuple[str, str, str]] = []

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            if action.isSeparator():
                continue
            name = action.text().replace("&", "")
            if action.menu() is not None:
                walk(action.menu(), f"{path} ▸ {name}")
                continue
            keys = ", ".join(key.toString(QKeySequence.SequenceFormat.NativeText) for key in action.shortcuts())
            rows.append((path, name, keys))

    for top in menu_bar.actions():
        if top.menu() is not None:
            walk(top.menu(), top.text().replace("&", ""))
    return rows


class ShortcutsDialog(_CloseDialog):
    def __init__(self, parent: QWidget | None, rows: list[tuple[str, str, str]]) -> None:
        table = QTableWidget(len(rows), 3)
        table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                table.setItem(row, column, QTableWidgetItem(value))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        super().__init__(parent, "Keyboard shortcuts", table, (640, 560))
        self.table = table


class GuidelinesDialog(_CloseDialog):
    def __init__(self, parent: QWidget | None, markdown: str) -> None:
        browser = QTextBrowser()
        browser.setOpenExternalLinks(True)
        browser.setMarkdown(markdown)
        super().__init__(parent, "Annotation guidelines", browser, (760, 680))
        self.browser = browser

