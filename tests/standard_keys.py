"""The keys each platform uses to move, select and edit text, from Qt's table of standard key
bindings: "Standard Shortcuts" in https://doc.qt.io/qt-6/qkeysequence.html (generated from
``QPlatformThemePrivate::keyBindings`` in qtbase's src/gui/kernel/qplatformtheme.cpp).

Qt names keys portably: on macOS "Ctrl" is the Command key and "Meta" the Control key, so a
window shortcut written "Ctrl+Shift+E" is Cmd+Shift+E there. Qt 6 gives KDE Plasma and GNOME
the X11 text bindings (their schemes add only non-text keys such as Replace or FullScreen), so
one Linux column covers X11, KDE and GNOME. Qt answers for the platform it runs on only:
``tests/gui/test_shortcuts.py`` checks the Windows column against it offscreen (Qt's default,
Windows, scheme) and ``tests/xwindow/test_platform_keys.py`` the Linux column on xcb with the
generic, KDE and GNOME themes; the macOS column is the table's.
"""

from __future__ import annotations

PLATFORMS = ("Windows", "macOS", "Linux")

# The keys that move the caret, select and copy: what a read-only text view uses.
NAVIGATION: dict[str, tuple[str, str, str]] = {
    #                        Windows                 macOS                                       Linux (X11, KDE, GNOME)
    "MoveToNextChar":        ("Right",               "Right Meta+F",                             "Right"),
    "MoveToPreviousChar":    ("Left",                "Left Meta+B",                              "Left"),
    "MoveToNextWord":        ("Ctrl+Right",          "Alt+Right",                                "Ctrl+Right"),
    "MoveToPreviousWord":    ("Ctrl+Left",           "Alt+Left",                                 "Ctrl+Left"),
    "MoveToNextLine":        ("Down",                "Down Meta+N",                              "Down"),
    "MoveToPreviousLine":    ("Up",                  "Up Meta+P",                                "Up"),
    "MoveToNextPage":        ("PgDown",              "PgDown Meta+PgDown Meta+Down Meta+V Alt+PgDown", "PgDown"),
    "MoveToPreviousPage":    ("PgUp",                "PgUp Meta+PgUp Meta+Up Alt+PgUp",          "PgUp"),
    "MoveToStartOfLine":     ("Home",                "Meta+Left Ctrl+Left",                      "Home"),
    "MoveToEndOfLine":       ("End",                 "Meta+Right Ctrl+Right",                    "End Ctrl+E"),
    "MoveToStartOfBlock":    ("",                    "Meta+A Alt+Up",                            ""),
    "MoveToEndOfBlock":      ("",                    "Meta+E Alt+Down",                          ""),
    "MoveToStartOfDocument": ("Ctrl+Home",           "Ctrl+Up Home",                             "Ctrl+Home"),
    "MoveToEndOfDocument":   ("Ctrl+End",            "Ctrl+Down End",                            "Ctrl+End"),
    "SelectNextChar":        ("Shift+Right",         "Shift+Right",                              "Shift+Right"),
    "SelectPreviousChar":    ("Shift+Left",          "Shift+Left",                               "Shift+Left"),
    "SelectNextWord":        ("Ctrl+Shift+Right",    "Alt+Shift+Right",                          "Ctrl+Shift+Right"),
    "SelectPreviousWord":    ("Ctrl+Shift+Left",     "Alt+Shift+Left",                           "Ctrl+Shift+Left"),
    "SelectNextLine":        ("Shift+Down",          "Shift+Down",                               "Shift+Down"),
    "SelectPreviousLine":    ("Shift+Up",            "Shift+Up",                                 "Shift+Up"),
    "SelectNextPage":        ("Shift+PgDown",        "Shift+PgDown",                             "Shift+PgDown"),
    "SelectPreviousPage":    ("Shift+PgUp",          "Shift+PgUp",                               "Shift+PgUp"),
    "SelectStartOfLine":     ("Shift+Home",          "Meta+Shift+Left Ctrl+Shift+Left",          "Shift+Home"),
    "SelectEndOfLine":       ("Shift+End",           "Meta+Shift+Right Ctrl+Shift+Right",        "Shift+End"),
    "SelectStartOfBlock":    ("",                    "Alt+Shift+Up Meta+Shift+A",                ""),
    "SelectEndOfBlock":      ("",                    "Alt+Shift+Down Meta+Shift+E",              ""),
    "SelectStartOfDocument": ("Ctrl+Shift+Home",     "Ctrl+Shift+Up Shift+Home",                 "Ctrl+Shift+Home"),
    "SelectEndOfDocument":   ("Ctrl+Shift+End",      "Ctrl+Shift+Down Shift+End",                "Ctrl+Shift+End"),
    "SelectAll":             ("Ctrl+A",              "Ctrl+A",                                   "Ctrl+A"),
    "Copy":                  ("Ctrl+C Ctrl+Ins Copy", "Ctrl+C Copy",                             "Ctrl+C Ctrl+Ins F16 Copy"),
}

# The keys that change text: what the filter box, the note fields and the inspector's fields use.
EDITING: dict[str, tuple[str, str, str]] = {
    "Cut":                   ("Ctrl+X Shift+Del Cut", "Ctrl+X Meta+K Cut",                       "Ctrl+X Shift+Del F20 Cut"),
    "Paste":                 ("Ctrl+V Shift+Ins Paste", "Ctrl+V Meta+Y Paste",                   "Ctrl+V Shift+Ins Ctrl+Shift+Ins F18 Paste"),
    "Undo":                  ("Ctrl+Z Alt+Backspace Undo", "Ctrl+Z Undo",                        "Ctrl+Z F14 Undo"),
    "Redo":                  ("Ctrl+Y Ctrl+Shift+Z Alt+Shift+Backspace Redo", "Ctrl+Shift+Z Redo", "Ctrl+Shift+Z Redo"),
    "Deselect":              ("",                    "",                                         "Ctrl+Shift+A"),
    "Delete":                ("Del",                 "Del Meta+D",                               "Del Ctrl+D"),
    "Backspace":             ("",                    "Backspace Meta+H",                         ""),
    "DeleteStartOfWord":     ("Ctrl+Backspace",      "Alt+Backspace",                            "Ctrl+Backspace"),
    "DeleteEndOfWord":       ("Ctrl+Del",            "Alt+Del",                                  "Ctrl+Del"),
    "DeleteEndOfLine":       ("",                    "",                                         "Ctrl+K"),
    "DeleteCompleteLine":    ("",                    "",                                         "Ctrl+U"),
    "InsertParagraphSeparator": ("Enter Return",     "Enter Return",                             "Enter Return"),
    "InsertLineSeparator":   ("Shift+Enter Shift+Return", "Shift+Enter Shift+Return Meta+Enter Meta+Return Meta+O",
                              "Shift+Enter Shift+Return"),
}


def bindings(table: dict[str, tuple[str, str, str]], platform: str) -> dict[str, frozenset[str]]:
    """One platform's column: standard key name → its key sequences (portable text)."""
    column = PLATFORMS.index(platform)
    return {name: frozenset(cells[column].split()) for name, cells in table.items()}
