"""View ▸ Layer and the side column's Layer box: which layer the main editor works in.

The choices are the analyst's own layer, gold, and each teammate's layer (the project's human
annotators but the analyst, read afresh each time the menu or the box opens: a merge brings new
ones). The rules of each layer are ``annotator.gui.layers``'; this offers them, tells the editor
(``DocumentEditor.set_layer``), says in the window title and the status bar which one is shown,
and remembers the choice per project (``GuiSettings.layer``), so a restart opens the same layer.

Keys: the menu's (Alt+V, L, then G for Gold, M for My annotations) and Ctrl+Shift+L for the
next layer in the menu's order. No Ctrl+Alt+digit per layer: on Windows, AltGr is Ctrl+Alt, and
AltGr with a digit types a character on many keyboards ({, [, ², …) that the note fields need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMenu, QWidget

from annotator.errors import Errors
from annotator.gui.layers import GOLD_LAYER, OWN_LAYER, Layer

if TYPE_CHECKING:
    from annotator.gui.mainwindow import MainWindow


class LayerCombo(QComboBox):
    """The side column's choice of layer; lists the choices as they are when it opens."""

    def __init__(self, switch: LayerSwitch) -> None:
        super().__init__()
        self._switch = switch
        self.setToolTip("The layer you work in: yours, gold (adjudicated), or a teammate's (read-only). "
                        "View ▸ Layer; Ctrl+Shift+L for the next one.")

    def showPopup(self) -> None:  # noqa: N802 - Qt's name
        self._switch.show_choice()
        super().showPopup()


class LayerSwitch(QObject):
    """Offers the layers, applies the one chosen and remembers it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._menu: QMenu | None = None
        self._group: QActionGroup | None = None
        self._fixed: list[QAction] = []  # the menu's actions that stay (Next layer)
        self.combo = LayerCombo(self)
        self.combo.activated.connect(self._combo_chosen)
        self.box = QWidget()
        row = QHBoxLayout(self.box)
        row.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("&Layer:")
        caption.setBuddy(self.combo)
        row.addWidget(caption)
        row.addWidget(self.combo, 1)

    @property
    def layer(self) -> Layer:
        return self._window.editor.layer

    def choices(self) -> list[Layer]:
        """Own, gold, then each teammate by name."""
        user = self._window.annotator
        teammates = [name for name in self._window.project.annotator_names(humans_only=True) if name != user]
        return [OWN_LAYER, GOLD_LAYER, *(Layer.of_teammate(name) for name in teammates)]

    # --- choosing ------------------------------------------------------------------------------

    def restore(self) -> None:
        """The layer last chosen in this project (at start, after opening a project or switching
        annotator); a teammate who is no longer there, or who is now the analyst, gives own."""
        window = self._window
        layer = Layer.from_key(window.settings.layer(window.project.location))
        if layer.kind == "teammate" and layer not in self.choices():
            if layer.teammate != window.annotator:
                window.show_message(Errors.E1242.format(name=layer.teammate))
            layer = OWN_LAYER
        window.editor.set_layer(layer)
        self.show_choice()

    def choose(self, layer: Layer) -> None:
        """Work in ``layer`` from now on, and remember it for this project."""
        window = self._window
        window.flush_panels()  # a note being typed belongs to the layer it was typed in
        window.editor.set_layer(layer)
        window.settings.set_layer(window.project.location, layer.key)
        window.settings.sync()
        self.show_choice()
        window.show_message(self._announcement(layer))

    def next_layer(self) -> None:
        """Ctrl+Shift+L: the next layer in the menu's order, round to the analyst's own."""
        choices = self.choices()
        current = self.layer
        position = choices.index(current) if current in choices else -1
        self.choose(choices[(position + 1) % len(choices)])

    def _announcement(self, layer: Layer) -> str:
        user = self._window.annotator
        if layer.kind == "gold":
            return (f"Working in gold: label keys, Delete and the inspector change gold; a new gold span "
                    f"records {user} as its origin and adjudicator.")
        if layer.kind == "teammate":
            return f"Showing {layer.teammate}'s layer, read-only. Ctrl+Shift+L for the next layer."
        return f"Working in your own layer ({user})."

    # --- showing the choice --------------------------------------------------------------------

    def show_choice(self) -> None:
        """The box and the title say which layer is shown (the box listing the choices as now)."""
        window = self._window
        current = self.layer
        combo = self.combo
        combo.blockSignals(True)
        combo.clear()
        for layer in self.choices():
            combo.addItem(layer.title(window.annotator), layer.key)
        index = combo.findData(current.key)
        if index < 0:  # a teammate no longer listed: still shown until another is chosen
            combo.addItem(current.title(window.annotator), current.key)
            index = combo.count() - 1
        combo.setCurrentIndex(index)
        combo.blockSignals(False)
        window.show_title()

    def caption(self) -> str:
        """The window title's words for the layer shown ("" for the analyst's own)."""
        return self.layer.caption(self._window.annotator)

    def _combo_chosen(self, index: int) -> None:
        layer = Layer.from_key(self.combo.itemData(index))
        if layer != self.layer:
            self.choose(layer)
        self._window.view.setFocus()

    # --- View ▸ Layer --------------------------------------------------------------------------

    def use_menu(self, menu: QMenu, fixed: list[QAction]) -> None:
        """Fill ``menu`` with one radio action per layer each time it opens, above ``fixed``."""
        self._menu = menu
        self._fixed = fixed
        menu.aboutToShow.connect(self.fill_menu)
        self.fill_menu()

    def fill_menu(self) -> None:
        menu = self._menu
        if menu is None:
            return
        for action in menu.actions():
            if action not in self._fixed:
                menu.removeAction(action)
                if action.parent() is menu:
                    action.deleteLater()
        if self._group is not None:
            self._group.deleteLater()
        group = self._group = QActionGroup(menu)
        user = self._window.annotator
        first = self._fixed[0] if self._fixed else None
        for layer in self.choices():
            action = QAction(_menu_title(layer, user), menu)
            action.setCheckable(True)
            action.setChecked(layer == self.layer)
            action.triggered.connect(lambda _checked=False, chosen=layer: self._menu_chosen(chosen))
            group.addAction(action)
            menu.insertAction(first, action)  # before None: at the end
        if first is not None:
            menu.insertSeparator(first)

    def _menu_chosen(self, layer: Layer) -> None:
        if layer != self.layer:
            self.choose(layer)
        self._window.view.setFocus()


def _menu_title(layer: Layer, user: str) -> str:
    """A layer's menu text: & marks the mnemonic (G for Gold, M for My annotations), so a name's
    own & is doubled."""
    if layer.kind == "gold":
        return "&Gold"
    escaped = layer.title(user).replace("&", "&&")
    return "&" + escaped if layer.kind == "own" else escaped
