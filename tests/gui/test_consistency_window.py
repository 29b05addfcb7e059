"""Review ▸ Consistency check… (issue 18): findings with counts, each place opening its document
at the place."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from annotator.gui.mainwindow import MainWindow
from annotator.store import Project
from tests.gui.helpers import FIRST_TEXT, SECOND_TEXT


def test_findings_open_the_place(qtbot: QtBot, window: MainWindow, project: Project, doc_ids: list[int]) -> None:
    first, second, _third = doc_ids
    add = project.annotations.add_span
    feb1, feb2 = FIRST_TEXT.index("February"), SECOND_TEXT.index("February")
    add(first, feb1, feb1 + 8, "DATE", "alice")
    add(second, feb2, feb2 + 8, "EVENT", "bob")
    threat = FIRST_TEXT.index("threat of")
    add(first, threat, threat + 6, "THREAT", "alice")
    window.open_document(second)
    shown = window.menus.consistency.show()
    qtbot.waitUntil(lambda: not shown.running)
    findings = [[shown.tree.topLevelItem(row).text(column) for column in range(5)]
                for row in range(shown.tree.topLevelItemCount())]
    assert findings == [["February", "labelled differently", "DATE 1, EVENT 1", "2", "2"],
                        ["threat", "unlabelled", "THREAT 1", "1", "1"]]
    assert shown.summary.text().startswith("1 text labelled differently (2 places); 1 text left unlabelled")
    place = shown.tree.topLevelItem(1).child(0)
    assert place.text(0).endswith("【threat】 to national security.")
    shown.tree.itemActivated.emit(place, 0)  # Enter or a double click
    direct = FIRST_TEXT.index("direct threat") + len("direct ")
    assert window.editor.document.id == first
    assert window.view.selected_range() == (direct, direct + 6)
    assert window.menus.consistency.show() is shown  # one window, brought to the front
