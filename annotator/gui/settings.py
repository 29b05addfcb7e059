"""What the window remembers between launches, in one INI file.

Always INI (not the Windows registry or macOS plists) so the file is one thing a user can find,
back up or delete, and so tests can redirect it: ``ANNOTATOR_CONFIG_DIR`` names the folder to
use instead of the platform's config folder. Per-project values are keyed by a hash of the
project location, because QSettings treats '/' in keys as group separators.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

CONFIG_DIR_VARIABLE = "ANNOTATOR_CONFIG_DIR"
ORGANIZATION = "annotator"
APPLICATION = "annotator"
MAX_RECENT_PROJECTS = 8


def open_qsettings() -> QSettings:
    """The settings file: under ``$ANNOTATOR_CONFIG_DIR`` if set, else the user's config folder."""
    folder = os.environ.get(CONFIG_DIR_VARIABLE)
    if folder:
        return QSettings(str(Path(folder) / f"{APPLICATION}.ini"), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def _project_key(location: str) -> str:
    return hashlib.sha1(location.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class ReadingPlace:
    """Where the analyst was in a document: the first character on screen and the caret (code
    points, so a place outlasts another window width or font), the current span's id, and the
    pixel row the top line was drawn at (a line can sit a pixel higher or lower)."""

    document: int
    top: int
    caret: int
    span: int | None = None
    top_y: int = 0


class GuiSettings:
    """Typed access to the remembered values; every setter writes through at once."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._qs = qsettings or open_qsettings()

    @property
    def file_name(self) -> str:
        return self._qs.fileName()

    def sync(self) -> None:
        """Write to disk now, so a killed app still reopens where the analyst was."""
        self._qs.sync()

    def _text(self, key: str) -> str | None:
        value = self._qs.value(key)
        return str(value) if value not in (None, "") else None

    # --- identity and projects -------------------------------------------------------------

    @property
    def annotator(self) -> str | None:
        return self._text("annotator/name")

    @annotator.setter
    def annotator(self, name: str) -> None:
        self._qs.setValue("annotator/name", name)

    @property
    def last_project(self) -> str | None:
        return self._text("projects/last")

    def recent_projects(self) -> list[str]:
        value = self._qs.value("projects/recent", [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [str(item) for item in items if item]

    def remember_project(self, location: str) -> None:
        """Make ``location`` the last project and put it first in the recent list."""
        recent = [location] + [item for item in self.recent_projects() if item != location]
        self._qs.setValue("projects/recent", recent[:MAX_RECENT_PROJECTS])
        self._qs.setValue("projects/last", location)

    def forget_project(self, location: str) -> None:
        """Drop a project that can no longer be opened from the recent list."""
        self._qs.setValue("projects/recent", [item for item in self.recent_projects() if item != location])

    def last_document(self, project_location: str) -> int | None:
        value = self._qs.value(f"documents/{_project_key(project_location)}")
        return int(value) if value not in (None, "") else None

    def set_last_document(self, project_location: str, doc_id: int) -> None:
        self._qs.setValue(f"documents/{_project_key(project_location)}", doc_id)

    def reading_place(self, project_location: str) -> ReadingPlace | None:
        """Where the analyst was in the project's last document; None if nothing (usable) is kept."""
        value = self._text(f"reading/{_project_key(project_location)}")
        try:
            document, top, caret, span, top_y = (value or "").split()
            return ReadingPlace(int(document), int(top), int(caret), None if span == "-" else int(span), int(top_y))
        except ValueError:  # nothing kept, or a hand-edited file: start at the top
            return None

    def set_reading_place(self, project_location: str, place: ReadingPlace) -> None:
        span = "-" if place.span is None else str(place.span)
        self._qs.setValue(f"reading/{_project_key(project_location)}",
                          f"{place.document} {place.top} {place.caret} {span} {place.top_y}")

    def layer(self, project_location: str) -> str | None:
        """The layer the analyst last worked in in this project (View ▸ Layer): ``own``, ``gold``
        or ``teammate:NAME`` (``annotator.gui.layers.Layer.key``); None if none was chosen."""
        return self._text(f"layers/{_project_key(project_location)}")

    def set_layer(self, project_location: str, key: str) -> None:
        self._qs.setValue(f"layers/{_project_key(project_location)}", key)

    # --- appearance and editing --------------------------------------------------------------

    @property
    def theme(self) -> str:
        return self._text("view/theme") or "system"

    @theme.setter
    def theme(self, name: str) -> None:
        self._qs.setValue("view/theme", name)

    @property
    def font_size(self) -> float | None:
        """The document font size the analyst chose; None keeps the view's own default."""
        value = self._qs.value("view/font_size")
        return float(value) if value not in (None, "") else None

    @font_size.setter
    def font_size(self, size: float) -> None:
        self._qs.setValue("view/font_size", size)

    @property
    def show_other_annotators(self) -> bool:
        return self._qs.value("view/show_others", False, type=bool)

    @show_other_annotators.setter
    def show_other_annotators(self, shown: bool) -> None:
        self._qs.setValue("view/show_others", shown)

    @property
    def show_suggestions(self) -> bool:
        return self._qs.value("view/show_suggestions", True, type=bool)

    @show_suggestions.setter
    def show_suggestions(self, shown: bool) -> None:
        self._qs.setValue("view/show_suggestions", shown)

    @property
    def quiet_suggestions(self) -> bool:
        """Suggestions without chips and with a light underline until hovered or current."""
        return self._qs.value("view/quiet_suggestions", True, type=bool)

    @quiet_suggestions.setter
    def quiet_suggestions(self, quiet: bool) -> None:
        self._qs.setValue("view/quiet_suggestions", quiet)

    @property
    def document_order(self) -> str | None:
        """View ▸ Document order: an active order's kind (``review.ordering``), None for the list's own."""
        return self._text("view/document_order")

    @document_order.setter
    def document_order(self, kind: str | None) -> None:
        self._qs.setValue("view/document_order", kind or "")

    @property
    def snapping(self) -> bool:
        return self._qs.value("edit/snapping", True, type=bool)

    @snapping.setter
    def snapping(self, enabled: bool) -> None:
        self._qs.setValue("edit/snapping", enabled)

    # --- window layout ---------------------------------------------------------------------

    def window_geometry(self) -> QByteArray | None:
        value = self._qs.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def window_state(self) -> QByteArray | None:
        value = self._qs.value("window/state")
        return value if isinstance(value, QByteArray) else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self._qs.setValue("window/geometry", geometry)
        self._qs.setValue("window/state", state)

    def splitter_sizes(self, name: str) -> list[int]:
        value = self._qs.value(f"window/splitter_{name}", [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [int(item) for item in items]

    def set_splitter_sizes(self, name: str, sizes: list[int]) -> None:
        self._qs.setValue(f"window/splitter_{name}", sizes)
