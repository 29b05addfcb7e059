"""The default project: the sample articles, ready at first launch.

A newcomer who starts ``annotator`` with no argument should see real articles, not an empty
window, so the default project in the user's data folder is created from ``sample_corpus/`` (five
English articles) and ``resources/sample_statements_ru/`` (three short Russian statements written
for the sample, so that Russian suggestions show too) on first use. The Russian ones sit apart
so that importing ``sample_corpus/`` still gives exactly the five English seed articles (the top
level of the checkout is fixed, so they live among the bundled resources). If an earlier first
launch was killed half-way, the next one finishes the import (documents already there are
skipped as duplicates).
"""

from __future__ import annotations

from pathlib import Path

from annotator.corpus.importer import import_paths
from annotator.paths import default_project_path, resources_dir, sample_corpus_dir
from annotator.store.project import Project


def russian_sample_dir() -> Path:
    """The three Russian statements of the sample."""
    return resources_dir() / "sample_statements_ru"


def open_default_project(path: Path | None = None) -> Project:
    """Open the default project, creating it with the sample corpus when it is new or empty."""
    project = Project.open(path or default_project_path())
    if project.documents.count() == 0:
        import_paths(project, [sample_corpus_dir(), russian_sample_dir()])
    return project
