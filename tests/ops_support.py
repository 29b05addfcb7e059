"""What the tests of the editing core (annotator.ops) share: the one-sentence article they edit
and the count of change-log rows (one per committed operation, undo and redo)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from annotator.corpus.importer import import_paths
from annotator.store import Project
from annotator.store.change_log import LOG

TEXT = "Lukashenko said that Moscow threatened Belarus with new sanctions.\n"


def import_article(project: Project, folder: Path, text: str = TEXT) -> int:
    """The article imported into ``project`` through the real importer; its document id."""
    source = folder / "article.txt"
    source.write_text(text, encoding="utf-8")
    return import_paths(project, [source]).imported[0].id


def log_rows(project: Project) -> int:
    with project.reading() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(LOG)).scalar_one()
