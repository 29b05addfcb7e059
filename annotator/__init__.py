"""annotator: a desktop annotation workbench for political and security discourse in news.

The package is split the way Anki splits ``pylib`` from ``aqt``: everything outside
``annotator.gui`` is plain Python with no Qt import, so tests and the command line can do all
that the window does.
"""

__version__ = "0.1.0"
