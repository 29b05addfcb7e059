"""The default project: the sample articles, ready at first launch.

A newcomer who starts ``annotator`` with no argument should see real articles, not an empty
window, so the default project in the user's data folder is created from ``sample_corpus/`` on
first use. If an earlier first launch was killed half-way, the next one finishes the import
(documents already there are skipped as duplicates).
"""

from __future__ import annotations

from pathlib import Path

from annotator.corpus.importer import import_paths
from annotator.paths import default_project_path, sample_corpus_dir
from annotator.store.project import Project


def open_default_project(path: Path | None = None) -> Project:
    """Open the default project, creating it with the sample corpus when it is new or empty."""
    project = Project.open(path or default_project_path())
    if project.documents.count() == 0:
        import_paths(project, [sample_corpus_dir()])
    return project
