"""PySide6's ``__feature__`` import hook, told not to read the source of every module imported.

Importing PySide6 replaces ``__import__``; after every later import its hook decides whether the
new module "uses PySide" by reading the module's whole source file (``inspect.getsource``) and
looking for the word PySide6, so that ``from __feature__ import snake_case`` can switch Qt's
method names per module. Annotator never selects a feature, yet the hook read some 1,200 files
(SQLAlchemy, pydantic, the app, spaCy) on the way to the first window: about a tenth of the
start's import time.

``skip_source_scan`` answers the same question by name instead: annotator's own modules are
marked as using PySide (feature selection 0, Qt's ordinary names, what the scan found for the GUI
modules), every other module as ignored by the switch (-1, what the scan found for the libraries,
none of which uses PySide6 in this application). With no feature ever selected both marks behave
the same; the name rule only keeps the marks right for annotator's modules should one ever use
``__feature__``.
"""

from __future__ import annotations

import sys
from types import ModuleType

# PySide6 6.8-6.12 keep the hook's helpers in this embedded module (``PySide6.support.feature``).
FEATURE_MODULE = "shibokensupport.feature"
OWN_PACKAGE = "annotator"


def uses_pyside(module: ModuleType) -> bool:
    """What the hook asks of each new module, answered from its name without reading its file."""
    name = getattr(module, "__name__", "")
    return name == OWN_PACKAGE or name.startswith(OWN_PACKAGE + ".")


def skip_source_scan() -> bool:
    """Replace the hook's source scan (after PySide6 is imported); False when this PySide6 has
    no such scan, which then costs what it costs."""
    feature = sys.modules.get(FEATURE_MODULE)
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = uses_pyside  # noqa: SLF001 - the one place PySide offers no switch for
    return True
