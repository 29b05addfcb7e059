"""Running ``annotator.importing.import_files`` in tests that expect a bad input to stop the import.

The one way in refuses a bad input and goes on with the others; a test of one input's refusal
wants the message as the ``UserError`` it is, so ``import_strictly`` raises the first refusal.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from annotator.errors import UserError
from annotator.importing import AUTO, ImportOptions, ImportReport, import_files
from annotator.limits import ImportLimits
from annotator.store import Project


def import_strictly(project: Project, paths: Sequence[str | Path], format_name: str = AUTO, *,
                    limits: ImportLimits | None = None) -> ImportReport:
    """Import ``paths`` as ``format_name``; the first refused input's message raised as a UserError."""
    report = import_files(project, paths, ImportOptions(format=format_name, limits=limits))
    if report.refused:
        raise UserError(report.refused[0][1])
    return report
