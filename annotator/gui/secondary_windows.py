"""The main window's secondary windows: each opened once and brought to the front when asked
again, forgotten when closed, and closed when what it works on goes away.

The actor registry, Find in corpus, Agreement, the comparison window and the dashboard are
non-modal and work on one project, so a project switch closes them all; Agreement, the
comparison (which adjudicates as the current annotator) and the dashboard also close when the
annotator changes. They learn of changes the way the main window's panels do, from the core's
change events (``ops_bridge``), not from this registry. Help's shortcuts and guidelines are
plain dialogs made afresh each time.

Each window's module is imported when the window is first opened, not with the main window:
together they pull in the agreement measures (numpy), the comparison and the search, which a
cold start does not need before the analyst's first key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from annotator.errors import Errors
from annotator.gui.dialogs import GuidelinesDialog, ShortcutsDialog, menu_shortcuts, present

if TYPE_CHECKING:
    from annotator.gui.actor_registry import ActorRegistryDialog
    from annotator.gui.compare_view import CompareWindow
    from annotator.gui.mainwindow import MainWindow
    from annotator.gui.review_window import AgreementWindow
    from annotator.gui.search_window import SearchWindow


class SecondaryWindows(QObject):
    """The non-modal windows opened from the main window's menus, at most one of each."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.actor_registry: ActorRegistryDialog | None = None
        self.search_window: SearchWindow | None = None
        self.agreement_window: AgreementWindow | None = None
        self.compare_window: CompareWindow | None = None
        self.dashboard_window: QWidget | None = None
        self.shortcuts_dialog: ShortcutsDialog | None = None
        self.guidelines_dialog: GuidelinesDialog | None = None

    def close_all(self) -> None:
        """Another project: every window here worked on the old one."""
        if self.actor_registry is not None:
            self.actor_registry.close()  # finished → _actor_registry_closed deletes it
        if self.search_window is not None:
            self.search_window.close()
        self.close_review()

    def close_review(self) -> None:
        """Another annotator (or project): the review windows worked as the previous one."""
        if self.dashboard_window is not None:
            self.dashboard_window.close()  # it deletes itself; a new project needs a new one
            self.dashboard_window = None
        if self.agreement_window is not None:
            self.agreement_window.close()  # finished → _agreement_closed deletes it
        if self.compare_window is not None:
            self.compare_window.close()
            self.compare_window.deleteLater()
        self.compare_window = None

    # --- edit ----------------------------------------------------------------------------------

    def show_actor_registry(self) -> ActorRegistryDialog:
        """Edit ▸ Actor registry… (non-modal); its changes rename what the view and inspector show."""
        from annotator.gui.actor_registry import ActorRegistryDialog

        project = self._window.project
        if self.actor_registry is None:
            self.actor_registry = ActorRegistryDialog(self._window, project.actors, project.schema)
            self.actor_registry.finished.connect(self._actor_registry_closed)
        present(self.actor_registry)
        return self.actor_registry

    def _actor_registry_closed(self) -> None:
        if self.actor_registry is not None:
            self.actor_registry.deleteLater()
        self.actor_registry = None

    def show_search(self) -> SearchWindow:
        """Edit ▸ Find in corpus… (non-modal); double-clicking a hit opens it in the main window."""
        from annotator.gui.search_window import SearchWindow

        if self.search_window is None:
            self.search_window = SearchWindow(self._window, self._window.project)
            self.search_window.hitActivated.connect(self._window.open_search_hit)
            self.search_window.finished.connect(self._search_closed)
        else:
            self.search_window.refresh_choices()
        present(self.search_window)
        self.search_window.query.setFocus()
        return self.search_window

    def _search_closed(self) -> None:
        if self.search_window is not None:
            self.search_window.deleteLater()
        self.search_window = None

    # --- review --------------------------------------------------------------------------------

    def show_agreement(self) -> AgreementWindow:
        """Review ▸ Agreement… (non-modal); double-clicking a document there compares it."""
        from annotator.gui import review_bridge
        from annotator.gui.review_window import AgreementWindow

        self._window.flush_panels()
        if self.agreement_window is None:
            project = self._window.project
            self.agreement_window = AgreementWindow(self._window, project, review_bridge.human_annotators(project))
            self.agreement_window.compareRequested.connect(self._compare_from_agreement)
            self.agreement_window.finished.connect(self._agreement_closed)
        present(self.agreement_window)
        return self.agreement_window

    def _agreement_closed(self) -> None:
        if self.agreement_window is not None:
            self.agreement_window.deleteLater()
        self.agreement_window = None

    def compare_current_document(self) -> CompareWindow | None:
        """Review ▸ Compare annotators: everyone with spans in the open document."""
        from annotator.gui import review_bridge

        window = self._window
        current = window.editor.document
        if current is None:
            window.show_message(Errors.E546)
            return None
        names = review_bridge.annotators_of(window.project, current.id)
        if len(names) < 2:
            window.show_message(Errors.E545.format(found=", ".join(names) or "nobody"))
            return None
        return self.open_comparison(current.id, names)

    def open_comparison(self, doc_id: int, annotators: list[str]) -> CompareWindow:
        """The comparison window, adjudicating as the current annotator; one at a time, reused."""
        from annotator.gui.compare_view import CompareWindow

        self._window.flush_panels()
        compare = self.compare_window
        if compare is not None and compare.annotators != list(annotators):
            compare.close()
            compare = None
        if compare is None:
            compare = CompareWindow(self._window, self._window.project, doc_id, annotators, self._window.annotator)
            self.compare_window = compare
        else:
            compare.show_document(doc_id)
        compare.flow.set_order(None)  # the documents the compared annotators have
        present(compare)
        return compare

    def _compare_from_agreement(self, doc_id: int, annotators: list[str]) -> CompareWindow:
        """A document double-clicked in Agreement: the comparison's next and previous document
        follow that window's list (worst first)."""
        compare = self.open_comparison(doc_id, annotators)
        summary = self.agreement_window.summary if self.agreement_window is not None else None
        compare.flow.set_order([row.doc_id for row in summary.documents] if summary is not None else None)
        return compare

    def show_dashboard(self) -> QWidget:
        """Review ▸ Dashboard… (non-modal, one at a time); double-clicking a span behind a network
        link opens its document in the main window. Imported on first use: Matplotlib costs a
        second of start-up."""
        from annotator.gui.dashboard_window import DashboardWindow

        self._window.flush_panels()
        if self.dashboard_window is None:
            dashboard = DashboardWindow(self._window, self._window.project)  # deletes itself when closed
            dashboard.documentRequested.connect(self._window.open_document)
            dashboard.destroyed.connect(self._dashboard_closed)
            dashboard.refresh()
            self.dashboard_window = dashboard
        present(self.dashboard_window)
        return self.dashboard_window

    def _dashboard_closed(self) -> None:
        self.dashboard_window = None

    # --- help ----------------------------------------------------------------------------------

    def show_shortcuts(self) -> None:
        self.shortcuts_dialog = ShortcutsDialog(self._window, menu_shortcuts(self._window.menuBar()))
        self.shortcuts_dialog.show()

    def show_guidelines(self) -> None:
        self.guidelines_dialog = GuidelinesDialog(self._window, self._window.project.schema.guidelines_markdown())
        self.guidelines_dialog.show()
