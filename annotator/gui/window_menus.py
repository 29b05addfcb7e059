"""The main window's menus: every action sits in a menu, which shows its keys and feeds Help ▸
Keyboard shortcuts (``dialogs.menu_shortcuts`` reads the menu bar).

Shortcuts come in two scopes: keys with a modifier (Ctrl+Z, Ctrl+Enter, Ctrl+Shift+E) work
anywhere in the window; bare keys (label keys, R, Tab, Enter, Delete, Esc, and Y, X, ] and [
for suggestions) belong to the text view (``in_text``), so they never steal typing or Tab
navigation from the filter box, the note fields or the inspector's widgets. No key is one a
platform uses to move, select or edit text (X11 binds Ctrl+E to "end of line", macOS Alt+Right
to "next word", X11 Ctrl+Shift+A to "deselect"): ``tests/gui/test_shortcuts.py`` checks them
against Qt's tables for Windows, macOS and Linux, and where a platform binds one anyway the
window's action wins in the text (``textview.keys``). After a window-wide action the keys go
back to the text (undo and redo, a dialog closed, a view toggled), unless the action is there
to take them elsewhere (``keeps_focus``: F2 into the inspector). The menus only
connect keys to what does the work: the window and its editor, ``window_files`` (projects,
imports, merges, exports) and ``secondary_windows``. The Edit menu's Undo and Redo are a view of
the core ``History`` of the current project and annotator.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMenu

from annotator.gui.model_training import ModelTraining
from annotator.gui.theme import THEME_TITLES, THEMES

if TYPE_CHECKING:
    from annotator.gui.consistency_window import ConsistencyCheck
    from annotator.gui.mainwindow import MainWindow


class WindowMenus(QObject):
    """The window's menu bar and the actions tests and the window reach (Undo, toggles, labels)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._history = window.editor.history
        bar = window.menuBar()
        self._build_file_menu(bar.addMenu("&File"))
        self._build_edit_menu(bar.addMenu("&Edit"))
        self._build_view_menu(bar.addMenu("&View"))
        self._build_document_menu(bar.addMenu("&Document"))
        self._build_suggestions_menu(bar.addMenu("&Suggestions"))
        self._build_review_menu(bar.addMenu("Re&view"))
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", window.windows.show_shortcuts, ["Ctrl+/"])
        self._action(help_menu, "Annotation &guidelines", window.windows.show_guidelines,
                     [QKeySequence.StandardKey.HelpContents])
        self._history.add_listener(self.update_undo_actions)
        self.update_undo_actions()
        self._menu_keys = MenuKeys(self)
        for menu in bar.findChildren(QMenu):  # every menu and submenu: each is a child of the one it opens from
            menu.installEventFilter(self._menu_keys)

    def _action(self, menu: QMenu, text: str, slot: Callable[..., object],
                keys: Sequence[str | QKeySequence.StandardKey] = (), *, in_text: bool = False,
                checked: bool | None = None, keeps_focus: bool = False) -> QAction:
        """A menu action; ``in_text`` scopes its keys to the text view (bare keys, see module doc).

        With ``checked`` the action is a toggle starting in that state, calling ``slot(bool)``.
        A window-wide action hands the keys back to the text once its slot has run (a modal
        dialog has closed by then), unless it ``keeps_focus``.
        """
        window = self._window
        action = QAction(text, window)
        sequences = {QKeySequence(key).toString(): QKeySequence(key) for key in keys}  # platform keys may repeat
        action.setShortcuts(list(sequences.values()))
        if checked is not None:
            action.setCheckable(True)
            action.setChecked(checked)
            action.toggled.connect(slot)
        else:
            action.triggered.connect(slot)
        if not (in_text or keeps_focus):  # triggered: by the analyst, after the slot (after toggled)
            action.triggered.connect(lambda *_args: window.view.setFocus())
        if in_text:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            window.view.addAction(action)
        else:
            window.addAction(action)
        menu.addAction(action)
        return action

    def _build_file_menu(self, menu: QMenu) -> None:
        files = self._window.files
        self._action(menu, "&New project…", files.new_project_dialog, [QKeySequence.StandardKey.New])
        self._action(menu, "&Open project…", files.open_project_dialog, [QKeySequence.StandardKey.Open])
        self.recent_menu = menu.addMenu("&Recent projects")
        self.recent_menu.aboutToShow.connect(lambda: files.fill_recent_menu(self.recent_menu))
        menu.addSeparator()
        self._action(menu, "&Import documents…", files.import_files_dialog, ["Ctrl+I"])
        self._action(menu, "Import &folder…", files.import_folder_dialog, ["Ctrl+Shift+I"])
        # Ctrl+Shift+I is taken by Import folder…; D for dataset, next to E for export.
        self._action(menu, "Import &dataset…", files.import_dataset_dialog, ["Ctrl+Shift+D"])
        # Ctrl+E is "end of line" in X11's text bindings; Shift makes it the window's everywhere.
        self._action(menu, "&Export dataset…", files.export_dataset_dialog, ["Ctrl+Shift+E"])
        self._action(menu, "Import &limits…", files.import_limits_dialog)
        menu.addSeparator()
        self._action(menu, "&Switch annotator…", self._window.switch_annotator_dialog, ["Ctrl+Shift+U"])
        menu.addSeparator()
        self._action(menu, "&Quit", self._window.close, [QKeySequence.StandardKey.Quit, "Ctrl+Q"])

    def _build_edit_menu(self, menu: QMenu) -> None:
        window = self._window
        editor = window.editor
        self.undo_action = self._action(menu, "&Undo", window.undo, [QKeySequence.StandardKey.Undo])
        self.redo_action = self._action(menu, "&Redo", window.redo, [QKeySequence.StandardKey.Redo, "Ctrl+Shift+Z"])
        menu.addSeparator()
        self.label_menu = menu.addMenu("Apply &label")
        self.build_label_actions()
        self._action(menu, "&Delete span", editor.delete_current_span, ["Delete", "Backspace"], in_text=True)
        self._action(menu, "&Clear selection / cancel", editor.cancel, ["Esc"], in_text=True)
        self._action(menu, "Edit attri&butes (Esc: back to the text)", editor.edit_attributes, ["F2"],
                     keeps_focus=True)
        # Ctrl+Shift+A is "deselect" in X11's text bindings; H as in "here and everywhere".
        self._action(menu, "Annotate all &occurrences…", self._annotate_all_occurrences, ["Ctrl+Shift+H"],
                     keeps_focus=True)
        menu.addSeparator()
        self.snapping_action = self._action(menu, "Snap to &tokens", window.set_snapping, ["Ctrl+T"],
                                            checked=editor.snapping)
        menu.addSeparator()
        # Ctrl+Shift+A is "deselect" in X11's text bindings (the filter box, the actor field).
        self._action(menu, "&Actor registry…", window.windows.show_actor_registry, ["Ctrl+Shift+K"])
        self._action(menu, "&Find in corpus…", window.windows.show_search, ["Ctrl+Shift+F"])

    def _build_view_menu(self, menu: QMenu) -> None:
        window = self._window
        self._action(menu, "&Bigger text", lambda: window.change_font_size(+1),
                     [QKeySequence.StandardKey.ZoomIn, "Ctrl+="])
        self._action(menu, "&Smaller text", lambda: window.change_font_size(-1), [QKeySequence.StandardKey.ZoomOut])
        theme_menu = menu.addMenu("&Theme")
        self._theme_group = QActionGroup(window)
        self.theme_actions: dict[str, QAction] = {}
        for theme in THEMES:
            action = self._action(theme_menu, THEME_TITLES[theme],
                                  lambda on, chosen=theme: window.set_theme(chosen) if on else None,
                                  checked=theme == window.theme.chosen)
            self._theme_group.addAction(action)
            self.theme_actions[theme] = action
        menu.addSeparator()
        self.layer_menu = menu.addMenu("&Layer")
        # No key per layer (Ctrl+Alt+digit is AltGr+digit on Windows, a character on many keyboards).
        self.next_layer_action = self._action(self.layer_menu, "&Next layer", window.layers.next_layer,
                                              ["Ctrl+Shift+L"])
        window.layers.use_menu(self.layer_menu, [self.next_layer_action])
        window.doc_order.use_menu(menu.addMenu("Docu&ment order"))
        self.show_others_action = self._action(menu, "Show &other annotators (read-only)", window.set_show_others,
                                               ["Ctrl+Shift+O"], checked=window.settings.show_other_annotators)
        self.show_suggestions_action = self._action(menu, "Show s&uggestions", window.set_show_suggestions,
                                                    ["Ctrl+Shift+S"], checked=window.editor.show_suggestions)
        window.view.set_quiet_suggestions(window.settings.quiet_suggestions)  # chips only on hover or when current
        self.quiet_suggestions_action = self._action(menu, "&Quiet suggestions", self._set_quiet_suggestions,
                                                     checked=window.settings.quiet_suggestions)
        self._action(menu, "&Refresh (teammates' changes)", window.changes.refresh, ["F5"])

    def _set_quiet_suggestions(self, quiet: bool) -> None:
        self._window.settings.quiet_suggestions = quiet
        self._window.view.set_quiet_suggestions(quiet)

    def _build_document_menu(self, menu: QMenu) -> None:
        window = self._window
        editor = window.editor
        # Alt+Right/Left are "next/previous word" on macOS; Ctrl+PgDown/PgUp, as for tabs elsewhere.
        self._action(menu, "&Next document", window.next_document, ["N", "Ctrl+PgDown"], in_text=True)
        self._action(menu, "&Previous document", window.previous_document, ["P", "Ctrl+PgUp"], in_text=True)
        self._action(menu, "Mark &done and next", window.mark_done_and_next, ["Ctrl+Return", "Ctrl+Enter"])
        self._action(menu, "Mark &in progress", lambda: editor.set_status("in_progress"), ["Ctrl+Shift+Return"])
        self._action(menu, "Set lan&guage…", window.doc_list.request_language)
        menu.addSeparator()
        self._action(menu, "Start &relation", editor.start_relation, ["R"], in_text=True)
        self._action(menu, "&Link to current span / accept suggestion", editor.confirm, ["Return", "Enter"],
                     in_text=True)
        self._action(menu, "Next &span", lambda: editor.step_span(+1), ["Tab"], in_text=True)
        self._action(menu, "Previous s&pan", lambda: editor.step_span(-1), ["Shift+Tab"], in_text=True)

    def _build_suggestions_menu(self, menu: QMenu) -> None:
        """Deciding on suggestions (keys free of the schema's label keys and the other bare
        keys), then making them."""
        window = self._window
        editor = window.editor
        self._action(menu, "&Accept suggestion", editor.accept_current, ["Y"], in_text=True)
        self._action(menu, "&Reject suggestion", editor.reject_current, ["X", "Shift+Del"], in_text=True)
        self._action(menu, "&Next suggestion", lambda: editor.step_suggestion(+1), ["]"], in_text=True)
        self._action(menu, "&Previous suggestion", lambda: editor.step_suggestion(-1), ["["], in_text=True)
        menu.addSeparator()
        self._action(menu, "Accept all suggestions of this &label", lambda: editor.accept_all(of_current_label=True),
                     ["Shift+Y"], in_text=True)
        self._action(menu, "Reject all suggestions of this la&bel", lambda: editor.reject_all(of_current_label=True),
                     ["Shift+X"], in_text=True)
        self._action(menu, "Accept all in &document", editor.accept_all, ["Ctrl+Shift+Y"])
        self._action(menu, "Reject all in d&ocument", editor.reject_all, ["Ctrl+Shift+X"])
        menu.addSeparator()
        self.suggest_document_action = self._action(menu, "&Suggest for this document", window.suggest_document)
        self.suggest_all_action = self._action(menu, "Suggest for all doc&uments", window.suggest_all)
        window.suggest_runner.use_menu(menu.addMenu("Pi&peline"))
        menu.addSeparator()
        self.model_training = ModelTraining(window)  # the dialogs' modules load when first used
        self._action(menu, "&Train model…", self.model_training.show_train_dialog, keeps_focus=True)
        self._action(menu, "&Models…", self.model_training.show_models_dialog, keeps_focus=True)

    def _build_review_menu(self, menu: QMenu) -> None:
        """Bringing teammates' layers together: agreement over the corpus, then one document's
        comparison and adjudication into gold (windows of their own: ``review_window``,
        ``compare_view``)."""
        windows = self._window.windows
        self._action(menu, "&Agreement…", windows.show_agreement, ["Ctrl+Shift+G"])
        self._action(menu, "&Compare annotators on this document…", windows.compare_current_document,
                     ["Ctrl+Shift+R"])
        menu.addSeparator()
        self._action(menu, "&Merge teammates' work…", self._window.files.merge_dialog, ["Ctrl+Shift+M"])
        self._consistency: ConsistencyCheck | None = None
        self._action(menu, "Consistency c&heck…", lambda: self.consistency.show(), keeps_focus=True)
        menu.addSeparator()
        # Ctrl+Shift+D is Import dataset…; B for (dash)board.
        self._action(menu, "&Dashboard…", windows.show_dashboard, ["Ctrl+Shift+B"])

    @property
    def consistency(self) -> ConsistencyCheck:
        """Review ▸ Consistency check, its module (the check, the search surface) imported when
        first used rather than on the way to the first window."""
        if self._consistency is None:
            from annotator.gui.consistency_window import ConsistencyCheck

            self._consistency = ConsistencyCheck(self._window)
        return self._consistency

    def _annotate_all_occurrences(self) -> None:
        """Edit ▸ Annotate all occurrences; its dialog's module is imported when first used."""
        from annotator.gui.occurrences_dialog import annotate_all_occurrences

        annotate_all_occurrences(self._window)

    def build_label_actions(self) -> None:
        """One action per span label, its key scoped to the text; rebuilt when the schema changes."""
        window = self._window
        for action in self.label_menu.actions():
            window.view.removeAction(action)
            action.deleteLater()
        self.label_menu.clear()
        for label in window.project.schema.span_labels:
            keys = [label.key.upper()] if label.key else []
            self._action(self.label_menu, label.name,
                         lambda _checked=False, name=label.name: window.apply_label(name), keys, in_text=True)
        self.label_menu.addSeparator()  # Shift+key: the selection as a fragment of the current span, or back out
        for label in window.project.schema.span_labels:
            self._action(self.label_menu, f"Add/remove fragment of {label.name}",
                         lambda _checked=False, name=label.name: window.editor.toggle_fragment(name),
                         [f"Shift+{label.key.upper()}"] if label.key else [], in_text=True)

    def update_undo_actions(self) -> None:
        """The Edit menu as a view of the core history: "Undo Add ACTOR", enabled when there is one."""
        for action, title, text in ((self.undo_action, "&Undo", self._history.undo_label),
                                    (self.redo_action, "&Redo", self._history.redo_label)):
            action.setEnabled(text is not None)
            action.setText(f"{title} {text}" if text else title)

    def follow_history(self) -> None:
        """Undo and Redo follow the history of the editor's current project and annotator."""
        self.stop_following()
        self._history = self._window.editor.history
        self._history.add_listener(self.update_undo_actions)
        self.update_undo_actions()

    def stop_following(self) -> None:
        """The window is closing: the core history outlives it and must not call back."""
        self._history.remove_listener(self.update_undo_actions)


class MenuKeys(QObject):
    """An open menu keeps the letters typed into it, for its mnemonics (Alt+V, L, G: View ▸
    Layer ▸ Gold). Qt offers a key to the shortcuts of the focus widget even while a menu pops
    up over it, and the text view's bare keys (label keys, N, R…) are such shortcuts: without
    this, L labelled the selection instead of opening Layer. A menu claims the key by accepting
    the ``ShortcutOverride`` Qt sends it first; keys with Ctrl or Alt stay the window's."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier & ~Qt.KeyboardModifier.KeypadModifier
            if modifiers == Qt.KeyboardModifier.NoModifier and event.text().isprintable() and event.text():
                event.accept()
                return True
        return False
