"""The Linux column of ``tests/standard_keys.py`` is what Qt binds on an X11 desktop, under
KDE Plasma and under GNOME: Qt asked on xcb with its generic, KDE and GNOME themes (the
``Replace`` key tells the three schemes apart: none, Ctrl+R and Ctrl+H)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.standard_keys import EDITING, NAVIGATION, bindings
from tests.xwindow.desktop import XDisplay

ASK_QT = """
import json, sys
from PySide6.QtGui import QGuiApplication, QKeySequence
app = QGuiApplication(sys.argv)
names = sys.argv[1:] + ["Replace"]
print(json.dumps({name: sorted(key.toString() for key in QKeySequence.keyBindings(getattr(QKeySequence.StandardKey, name)))
                  for name in names}))
"""

DESKTOPS = {
    "X11": ({"QT_QPA_PLATFORMTHEME": "generic"}, []),
    "KDE": ({"QT_QPA_PLATFORMTHEME": "kde", "KDE_FULL_SESSION": "true", "KDE_SESSION_VERSION": "5"}, ["Ctrl+R"]),
    "GNOME": ({"QT_QPA_PLATFORMTHEME": "gnome", "XDG_CURRENT_DESKTOP": "GNOME"}, ["Ctrl+H"]),
}


@pytest.mark.parametrize("desktop", DESKTOPS)
def test_the_linux_column_is_what_qt_binds_on_the_desktop(x_display: XDisplay, desktop: str) -> None:
    theme, replace = DESKTOPS[desktop]
    names = [*NAVIGATION, *EDITING]
    done = subprocess.run([sys.executable, "-c", ASK_QT, *names], env={**x_display.env, "QT_QPA_PLATFORM": "xcb", **theme},
                          capture_output=True, text=True, timeout=60, check=True)
    qt = json.loads(done.stdout)
    assert qt.pop("Replace") == replace  # the desktop's own scheme is the one in use
    expected = {**bindings(NAVIGATION, "Linux"), **bindings(EDITING, "Linux")}
    assert {name: set(keys) for name, keys in qt.items()} == {name: set(keys) for name, keys in expected.items()}
