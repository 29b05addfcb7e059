"""What an import would take from each web page, PDF and Word file, read before anything is written.

The import dialog shows it (``gui/import_preview``) so the analyst can correct a title, a date, an
outlet or a language the layout misled extraction about, and the import then applies those
corrections (``corpus.corrections``). Only these laid-out sources are previewed: a .txt or a
JSONL record says what it says, while a page's title and date are guesses. A file that would be
refused is listed with its message, so the analyst sees it before the import, too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from annotator.corpus.file_checks import display_name
from annotator.corpus.language import detect_language
from annotator.corpus.readers import collect_files, read_file
from annotator.errors import UserError
from annotator.limits import DEFAULT_LIMITS, ImportLimits
from annotator.tasks import TaskControl

#: The suffixes whose metadata is extracted, and so previewed and correctable.
PREVIEWED_SUFFIXES = (".html", ".htm", ".mhtml", ".mht", ".pdf", ".docx")


@dataclass(frozen=True, slots=True)
class Preview:
    """One file as the import would take it: ``problem`` is the catalogue message when it would be refused."""

    path: Path
    title: str = ""
    published: str = ""
    source: str = ""  # the outlet (meta["source"])
    language: str = ""
    problem: str | None = None

    @property
    def key(self) -> str:
        """How the import names the file's documents' source (``Correction``s are keyed by it)."""
        return str(self.path)


def previewed_files(paths: Sequence[str | Path], suffixes: Sequence[str]) -> list[Path]:
    """The laid-out files among ``paths`` (folders walked like the import walks them for
    ``suffixes``); none when the paths cannot be listed, which the import itself then reports."""
    try:
        files = collect_files(paths, suffixes)
    except UserError:
        return []
    return [file for file in files if file.suffix.lower() in PREVIEWED_SUFFIXES]


def read_previews(files: Sequence[Path], limits: ImportLimits = DEFAULT_LIMITS,
                  control: TaskControl | None = None) -> list[Preview]:
    """Read each file as the import will; progress once per file, Cancel between files (``Cancelled``)."""
    control = control or TaskControl()
    previews: list[Preview] = []
    for index, path in enumerate(files):
        control.raise_if_cancelled()
        try:
            draft = read_file(path, limits=limits)[0]
        except UserError as error:
            previews.append(Preview(path, title=display_name(path), problem=str(error)))
        else:
            source = draft.meta.get("source")
            previews.append(Preview(path, title=draft.title, published=draft.published or "",
                                    source=source if isinstance(source, str) else "",
                                    language=detect_language(draft.text) or ""))
        control.report(index + 1, len(files), str(path))
    return previews
