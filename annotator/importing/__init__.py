"""The one way in: every import of files into a project, whatever the files are.

``import_files(project, paths, ImportOptions(...), control=...)`` decides per file whether it
is plain documents or an annotation format, imports each input, and returns one
``ImportReport``. The command line (``annotator import``) and the window (File ▸ Import
documents…, Import folder…, Import dataset…) all call it.
"""

from annotator.importing.report import (
    FileReport,
    ImportReport,
    annotations_sentence,
    summary,
)
from annotator.importing.routes import AUTO
from annotator.importing.run import ImportOptions, import_files

__all__ = ["AUTO", "FileReport", "ImportOptions", "ImportReport", "annotations_sentence", "import_files", "summary"]
