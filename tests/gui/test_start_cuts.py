"""What the cold start leaves for later (issue 20): PySide6's per-import source scan, spaCy's
import while the first screen is painted, and the menus' dialogs that no first screen needs."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from annotator.gui import qt_import_hook
from annotator.gui.start_order import after_first_screen

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_the_feature_hook_marks_modules_by_name_without_reading_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    feature = sys.modules[qt_import_hook.FEATURE_MODULE]
    monkeypatch.setattr(feature, "_mod_uses_pyside", feature._mod_uses_pyside)  # put back after the test
    # PySide6's own scan would mark this module as using PySide (0): its source names PySide6.
    source = tmp_path / "names_pyside_in_its_source.py"
    source.write_text('"""Mentions PySide6."""\n', encoding="utf-8")
    spec = importlib.util.spec_from_file_location("names_pyside_in_its_source", source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    assert qt_import_hook.skip_source_scan()
    feature.feature_imported(module)  # what PySide6's import hook calls after each import

    assert feature.pyside_feature_dict.pop("names_pyside_in_its_source") == -1  # ignored, as the libraries
    assert qt_import_hook.uses_pyside(sys.modules["annotator.gui.start_order"])
    assert not qt_import_hook.uses_pyside(sys.modules["pytest"])


def test_the_tokenizer_load_waits_for_the_window_and_skips_one_closed_meanwhile(qtbot: QtBot) -> None:
    started: list[str] = []
    closed, shown = QWidget(), QWidget()
    for widget in (closed, shown):
        qtbot.addWidget(widget)
        widget.show()
    after_first_screen(closed, lambda: started.append("closed"))
    after_first_screen(shown, lambda: started.append("shown"))
    closed.close()
    assert started == []  # never in the turn that showed the window
    qtbot.waitUntil(lambda: started != [])
    assert started == ["shown"]  # the timers fire in order: the closed window's had its turn


@pytest.mark.slow
def test_a_cold_start_defers_the_dialogs_then_loads_spacy(tmp_path: Path) -> None:
    """In a fresh process: the first screen is up without the consistency check's and the
    occurrences dialog's modules, their menu items still open them, and spaCy's tokenizer is
    loaded after the window is shown (the start check closes the window once it is)."""
    script = textwrap.dedent("""
        import sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        from annotator.gui.app import run_app
        from annotator.gui.start_check import close_once_ready

        close_once_ready()
        app = QApplication.instance()

        def first_screen():
            [window] = [w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow" and w.isVisible()]
            print("consistency imported", "annotator.gui.consistency_window" in sys.modules)
            print("occurrences imported", "annotator.gui.occurrences_dialog" in sys.modules)
            print("spacy imported", "spacy" in sys.modules)
            [action] = [a for a in window.findChildren(type(window.menus.snapping_action))
                        if a.text() == "Consistency c&heck…"]
            action.trigger()
            print("consistency window", window.menus.consistency.consistency_window is not None)
            window.menus.consistency.consistency_window.close()

        def wait_for_window():
            if any(type(w).__name__ == "MainWindow" and w.isVisible() for w in app.topLevelWidgets()):
                first_screen()
            else:
                QTimer.singleShot(1, wait_for_window)

        QTimer.singleShot(0, wait_for_window)
        print("exit", run_app(project=sys.argv[1], annotator="alice"))
    """)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO_ROOT),
               XDG_DATA_HOME=str(tmp_path / "data"), ANNOTATOR_CONFIG_DIR=str(tmp_path / "config"))
    project = str(tmp_path / "p.db")
    subprocess.run([sys.executable, "-m", "annotator", "import", project, str(REPO_ROOT / "sample_corpus")],
                   env=env, capture_output=True, check=True, timeout=120)
    result = subprocess.run([sys.executable, "-c", script, project], env=env, capture_output=True, text=True,
                            timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if not line.startswith("start check: window")]
    assert lines == ["consistency imported False", "occurrences imported False", "spacy imported False",
                     "consistency window True", "exit 0"]
    assert "spaCy tokenizer loaded" in result.stdout
