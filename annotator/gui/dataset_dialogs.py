"""The export and import dialogs for datasets: choose a format, filters, a split and a target.

The dialogs only collect choices (``ExportChoice``, ``ImportChoice``); running them off the GUI
thread is ``annotator.gui.dataset_runner``'s job, so the forms can be tested and reused without a
window. Formats are listed tolerantly (``available_formats``): each format module is imported on
its own, and one that cannot be loaded (a missing optional dependency) is named in the dialog
instead of taking every other format down with it.

Problems with the choices (no target, a split that does not add up) are shown under the form and
keep OK disabled, so the analyst learns what to fix before anything runs.

The import dialog offers "auto" first, the choice File ▸ Import documents… always makes: each
file is read as what it is (``annotator.formats.detect``), so the same files give the same result
from either menu item; a format chosen by name reads every file in that format.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import Errors, UserError
from annotator.formats.base import EXPORT_LAYERS, FORMATS, Format
from annotator.formats.inception_layers import LabelMap
from annotator.importing import AUTO

#: Titles of the core's export layers (``annotator.formats.base.EXPORT_LAYERS``), in its order.
LAYER_TITLES = {"annotation": "Annotation", "gold": "Gold", "gold-else-annotation": "Gold, else annotation",
                "suggestion": "Suggestions (not yet accepted)", "all": "All layers"}
IMPORT_LAYERS = (("annotation", "Annotation"), ("gold", "Gold"))
#: The formats whose layers a label mapping names (INCEpTION's); "auto" may meet a WebAnno .tsv.
LABEL_MAP_FORMATS = (AUTO, "xmi", "webanno-tsv")
DEFAULT_SPLIT = (0.8, 0.1, 0.1)
SPLIT_NAMES = ("train", "dev", "test")
#: Imported spans are someone else's work (another tool or team): keeping them under their own
#: annotator keeps them apart from the analyst's edits, read-only in the editor, and exportable
#: on their own. Formats that name the annotator per span (canonical JSONL) keep that name.
IMPORT_ANNOTATOR = "imported"
AUTO_TITLE = ("auto — each file as what it is: documents (.txt, .md, .csv, .jsonl) or annotations "
              "(canonical, doccano or Prodigy .jsonl, brat .ann, CoNLL .conll, spaCy .spacy or v2 .json, "
              "Label Studio .json, WebAnno .tsv)")


def available_formats() -> tuple[dict[str, Format], dict[str, str]]:
    """Every format that loads, by name, and why each module that does not load failed.

    ``annotator.formats.formats()`` imports all modules at once and fails with the first that
    cannot be imported; the dialogs must work with whatever formats are installed.
    """
    from annotator.formats import FORMAT_MODULES

    problems: dict[str, str] = {}
    for module in FORMAT_MODULES:
        try:
            importlib.import_module(f"annotator.formats.{module}")
        except Exception as error:  # noqa: BLE001 - any broken module is reported, not fatal
            problems[module] = f"{type(error).__name__}: {error}"
    return dict(FORMATS), problems


@dataclass(frozen=True)
class ExportChoice:
    """What the export dialog asks for; ``labels``/``documents`` None mean all of them."""

    format_name: str
    out: Path
    annotators: tuple[str, ...]
    layer: str
    labels: tuple[str, ...] | None
    done_only: bool
    documents: tuple[int, ...] | None
    split: tuple[float, ...] | None  # train, dev[, test]: a test part of 0 is left out
    seed: int


@dataclass(frozen=True)
class ImportChoice:
    """What the import dialog asks for: files in a format (or ``AUTO``), and whose layer their spans go to."""

    format_name: str
    paths: tuple[Path, ...]
    annotator: str
    layer: str
    label_map: tuple[tuple[str, str], ...] = ()  # LAYER[.FEATURE] → LABEL for INCEpTION's files


def check_list(names: Sequence[str], checked: set[str], tip: str = "") -> QListWidget:
    """Names to tick (those in ``checked`` ticked), each with ``tip`` as its tooltip."""
    widget = QListWidget()
    for name in names:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if name in checked else Qt.CheckState.Unchecked)
        item.setToolTip(tip)
        widget.addItem(item)
    widget.setMaximumHeight(110)
    return widget


def checked_names(widget: QListWidget) -> list[str]:
    return [widget.item(row).text() for row in range(widget.count())
            if widget.item(row).checkState() == Qt.CheckState.Checked]


def set_checked(widget: QListWidget, names: set[str]) -> None:
    """Tick exactly ``names`` (tests and "select all" use it)."""
    for row in range(widget.count()):
        item = widget.item(row)
        item.setCheckState(Qt.CheckState.Checked if item.text() in names else Qt.CheckState.Unchecked)


def _format_combo(formats: list[Format]) -> QComboBox:
    """The formats, the app's own lossless canonical JSONL first (the default), then as registered."""
    combo = QComboBox()
    for fmt in sorted(formats, key=lambda fmt: fmt.name != "jsonl"):
        combo.addItem(f"{fmt.name} — {fmt.description}", fmt.name)
    return combo


def _paths_hint(fmt: Format | None) -> str:
    """What the import reads, for the line under the path: auto takes anything."""
    if fmt is None:
        return "files or folders (separate several with ;)"
    if fmt.target == "folder":
        return "a folder"
    return f"one or more {fmt.suffix} files" if fmt.suffix else "one or more files"


class _DatasetDialog(QDialog):
    """The shared frame: a form, a line naming formats that failed to load, a problem line, OK/Cancel."""

    def __init__(self, parent: QWidget | None, title: str, problems: dict[str, str]) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._load_problems = problems
        self.form = QFormLayout()
        self.unavailable = QLabel(
            "Unavailable formats: " + "; ".join(f"{name} ({why})" for name, why in sorted(problems.items())))
        self.unavailable.setWordWrap(True)
        self.unavailable.setVisible(bool(problems))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.unavailable)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _show_problem(self, problem: str | None) -> None:
        self.problem.setText(problem or "")
        self.problem.setVisible(bool(problem))
        self.ok_button.setEnabled(problem is None)

    def _no_formats(self) -> str:
        return Errors.E537.format(problems="; ".join(
            f"{name}: {why}" for name, why in sorted(self._load_problems.items())) or "none registered")

    def _path_row(self, browse: QPushButton) -> tuple[QLineEdit, QWidget]:
        edit = QLineEdit()
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(edit, 1)
        row_layout.addWidget(browse)
        return edit, row


class ExportDialog(_DatasetDialog):
    """Format, filters, split and target of an export; ``choice()`` once accepted."""

    def __init__(self, parent: QWidget | None, *, annotators: list[str], current_annotator: str,
                 labels: list[str], current_document: int | None) -> None:
        available, problems = available_formats()
        super().__init__(parent, "Export dataset", problems)
        self._formats = {name: fmt for name, fmt in available.items() if fmt.export is not None}
        self._current_document = current_document
        self.format_combo = _format_combo(list(self._formats.values()))
        self.target_edit, target_row = self._path_row(browse := QPushButton("Browse…"))
        browse.clicked.connect(self._browse)
        self.target_hint = QLabel()
        # Only annotators the project knows (the core refuses others); the analyst's own work by
        # default, everyone's if she has none yet.
        self.annotator_list = check_list(annotators, {current_annotator} if current_annotator in annotators
                                          else set(annotators))
        self.layer_combo = QComboBox()
        for value in EXPORT_LAYERS:
            self.layer_combo.addItem(LAYER_TITLES.get(value, value), value)
        self.label_list = check_list(labels, set(labels))
        self.done_only = QCheckBox("Only documents marked done")
        self.all_documents = QRadioButton("All documents")
        self.current_document = QRadioButton("Current document")
        self.current_document.setEnabled(current_document is not None)
        self.all_documents.setChecked(True)
        self._documents_group = QButtonGroup(self)
        documents_row = QWidget()
        documents_layout = QHBoxLayout(documents_row)
        documents_layout.setContentsMargins(0, 0, 0, 0)
        for button in (self.all_documents, self.current_document):
            self._documents_group.addButton(button)
            documents_layout.addWidget(button)
        documents_layout.addStretch(1)
        self.split_check = QCheckBox("Split into train / dev / test files")
        self.split_spins = [self._fraction(value) for value in DEFAULT_SPLIT]
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        split_row = QWidget()
        split_layout = QHBoxLayout(split_row)
        split_layout.setContentsMargins(0, 0, 0, 0)
        for name, spin in zip(SPLIT_NAMES, self.split_spins, strict=True):
            split_layout.addWidget(QLabel(name))
            split_layout.addWidget(spin)
        split_layout.addWidget(QLabel("seed"))
        split_layout.addWidget(self.seed_spin)
        self._split_row = split_row

        self.form.addRow("Format", self.format_combo)
        self.form.addRow("Write to", target_row)
        self.form.addRow("", self.target_hint)
        self.form.addRow("Annotators", self.annotator_list)
        self.form.addRow("Layer", self.layer_combo)
        self.form.addRow("Labels", self.label_list)
        self.form.addRow("Documents", documents_row)
        self.form.addRow("", self.done_only)
        self.form.addRow("", self.split_check)
        self.form.addRow("", split_row)

        for signal in (self.format_combo.currentIndexChanged, self.split_check.toggled, self.target_edit.textChanged,
                       self.annotator_list.itemChanged, self.label_list.itemChanged,
                       self._documents_group.buttonToggled):
            signal.connect(self._update)
        for spin in self.split_spins:
            spin.valueChanged.connect(self._update)
        self._update()
        self.resize(620, 560)
        self.target_edit.setFocus()  # the one field without a default: the keys type the path at once

    @staticmethod
    def _fraction(value: float) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(0.0, 1.0)
        spin.setSingleStep(0.05)
        spin.setDecimals(2)
        spin.setValue(value)
        return spin

    def format(self) -> Format | None:
        return self._formats.get(self.format_combo.currentData())

    def set_format(self, name: str) -> None:
        self.format_combo.setCurrentIndex(self.format_combo.findData(name))

    def target_is_folder(self) -> bool:
        """A split writes one file per part, so it needs a folder whatever the format."""
        fmt = self.format()
        return self.split_check.isChecked() or (fmt is not None and fmt.target == "folder")

    def _update(self, *_args: object) -> None:
        split_on = self.split_check.isChecked()
        self._split_row.setEnabled(split_on)
        fmt = self.format()
        if self.target_is_folder():
            self.target_hint.setText("a folder" + (f" (one {'train/dev/test ' if split_on else ''}"
                                                   f"{fmt.suffix} file each)" if fmt and fmt.suffix else ""))
        else:
            self.target_hint.setText(f"a {fmt.suffix} file" if fmt and fmt.suffix else "a file")
        self._show_problem(self._problem())

    def _problem(self) -> str | None:
        if not self._formats:
            return self._no_formats()
        if not checked_names(self.annotator_list):
            return Errors.E534
        if not checked_names(self.label_list) and self.label_list.count():
            return Errors.E535
        if self.current_document.isChecked() and self._current_document is None:
            return Errors.E539
        if self.split_check.isChecked():
            total = sum(spin.value() for spin in self.split_spins)
            if abs(total - 1.0) > 0.001:
                return Errors.E533.format(total=round(total, 2))
        if not self.target_edit.text().strip():  # last: typically the last thing chosen
            return Errors.E532.format(what="folder" if self.target_is_folder() else "file")
        return None

    def _browse(self) -> None:
        fmt = self.format()
        start = self.target_edit.text().strip() or str(Path.home())
        if self.target_is_folder():
            path = QFileDialog.getExistingDirectory(self, "Export to folder", start)
        else:
            suffix = fmt.suffix if fmt else ""
            pattern = f"{fmt.name} (*{suffix});;All files (*)" if suffix and fmt else "All files (*)"
            # the export asks itself, once for all files it would replace (with its side files)
            path, _filter = QFileDialog.getSaveFileName(self, "Export to file", start, pattern,
                                                        options=QFileDialog.Option.DontConfirmOverwrite)
            if path and suffix and not path.endswith(suffix):
                path += suffix
        if path:
            self.target_edit.setText(path)

    def choice(self) -> ExportChoice:
        """The export as chosen; call after OK (the problem check guarantees it is complete)."""
        fmt = self.format()
        assert fmt is not None
        labels = checked_names(self.label_list)
        all_labels = len(labels) == self.label_list.count()
        documents = (self._current_document,) if self.current_document.isChecked() and self._current_document else None
        split: tuple[float, ...] | None = None
        if self.split_check.isChecked():
            split = tuple(spin.value() for spin in self.split_spins)
            if split[-1] == 0:
                split = split[:-1]  # train and dev only, as `spacy train` needs
        return ExportChoice(
            format_name=fmt.name, out=Path(self.target_edit.text().strip()).expanduser(),
            annotators=tuple(checked_names(self.annotator_list)), layer=self.layer_combo.currentData(),
            labels=None if all_labels else tuple(labels),  # None: also labels added since, by imports
            done_only=self.done_only.isChecked(), documents=documents,
            split=split,
            seed=self.seed_spin.value())


class ImportDialog(_DatasetDialog):
    """Format, files and destination layer of an import; ``choice()`` once accepted."""

    def __init__(self, parent: QWidget | None, *, annotators: list[str], current_annotator: str) -> None:
        available, problems = available_formats()
        super().__init__(parent, "Import dataset", problems)
        self._formats = {name: fmt for name, fmt in available.items() if fmt.read is not None}
        self._paths: list[Path] = []
        self.format_combo = _format_combo(list(self._formats.values()))
        self.format_combo.insertItem(0, AUTO_TITLE, AUTO)
        self.format_combo.setCurrentIndex(0)
        self.paths_edit, paths_row = self._path_row(browse := QPushButton("Browse…"))
        browse.clicked.connect(self._browse)
        self.paths_hint = QLabel()
        self.annotator_combo = QComboBox()
        self.annotator_combo.setEditable(True)
        names = [IMPORT_ANNOTATOR] + [name for name in [current_annotator, *annotators] if name != IMPORT_ANNOTATOR]
        self.annotator_combo.addItems(list(dict.fromkeys(names)))
        self.annotator_combo.setToolTip(
            "Whose layer the imported spans go to when the file does not name an annotator. "
            "'imported' keeps them apart from your own annotations (shown read-only); choose your "
            "own name to edit them as yours.")
        self.layer_combo = QComboBox()
        for value, title in IMPORT_LAYERS:
            self.layer_combo.addItem(title, value)
        self.form.addRow("Format", self.format_combo)
        self.form.addRow("Read", paths_row)
        self.form.addRow("", self.paths_hint)
        self.form.addRow("Annotator", self.annotator_combo)
        annotator_hint = QLabel("for spans whose file names no annotator; “imported” keeps them apart "
                                "from your own annotations")
        annotator_hint.setWordWrap(True)
        self.form.addRow("", annotator_hint)
        self.form.addRow("Layer", self.layer_combo)
        self.map_edit = QLineEdit()
        self.map_edit.setPlaceholderText("e.g. NamedEntity.value=ACTOR; webanno.custom.Sentiment=SENTIMENT")
        self.map_edit.setToolTip("INCEpTION's layers (XMI, WebAnno TSV): LAYER.FEATURE=LABEL labels the layer's "
                                 "annotations that have a value in FEATURE, LAYER=LABEL all of them; separate several "
                                 "with ;. Without a mapping the label is the feature's value, else the layer's name.")
        self.form.addRow("Label mapping", self.map_edit)
        self.map_edit.textChanged.connect(self._update)
        self.format_combo.currentIndexChanged.connect(self._update)
        self.paths_edit.textEdited.connect(self._paths_typed)
        self.annotator_combo.editTextChanged.connect(self._update)
        self._update()
        self.resize(560, 290)

    def format(self) -> Format | None:
        """The format chosen by name; None for auto."""
        return self._formats.get(self.format_combo.currentData())

    def set_format(self, name: str) -> None:
        """Choose a format by name, or ``AUTO``."""
        self.format_combo.setCurrentIndex(self.format_combo.findData(name))

    def set_paths(self, paths: list[Path]) -> None:
        self._paths = [Path(path) for path in paths]
        self.paths_edit.setText("; ".join(str(path) for path in self._paths))
        self._update()

    def _paths_typed(self, text: str) -> None:
        self._paths = [Path(part.strip()).expanduser() for part in text.split(";") if part.strip()]
        self._update()

    def _update(self, *_args: object) -> None:
        fmt = self.format()
        folder = fmt is not None and fmt.target == "folder"
        self.paths_hint.setText(_paths_hint(fmt))
        self.map_edit.setEnabled(self.format_combo.currentData() in LABEL_MAP_FORMATS)
        if not self._formats:
            problem: str | None = self._no_formats()
        elif not self._paths:
            problem = Errors.E536.format(what="folder" if folder else "files")
        elif not self.annotator_combo.currentText().strip():
            problem = Errors.E538
        else:
            problem = self._map_problem()
        self._show_problem(problem)

    def _label_map(self) -> tuple[tuple[str, str], ...]:
        if not self.map_edit.isEnabled():
            return ()
        return LabelMap.parse(part for part in self.map_edit.text().split(";") if part.strip())

    def _map_problem(self) -> str | None:
        try:
            self._label_map()
        except UserError as error:
            return str(error)
        return None

    def _browse(self) -> None:
        fmt = self.format()
        start = str(self._paths[0].parent) if self._paths else str(Path.home())
        if fmt is not None and fmt.target == "folder":
            folder = QFileDialog.getExistingDirectory(self, "Import a folder", start)
            if folder:
                self.set_paths([Path(folder)])
        else:
            pattern = f"{fmt.name} (*{fmt.suffix});;All files (*)" if fmt and fmt.suffix else "All files (*)"
            paths, _filter = QFileDialog.getOpenFileNames(self, "Import files", start, pattern)
            if paths:
                self.set_paths([Path(path) for path in paths])

    def choice(self) -> ImportChoice:
        return ImportChoice(format_name=self.format_combo.currentData(), paths=tuple(self._paths),
                            annotator=self.annotator_combo.currentText().strip(),
                            layer=self.layer_combo.currentData(), label_map=self._label_map())
