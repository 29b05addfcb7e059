"""How big an imported file and an imported document may be: limits a user can raise.

Every importer (corpus files in ``annotator.corpus``, dataset formats in ``annotator.formats``)
checks a file's size on disk *before* reading it into memory, and each document's text once it
is read, so a mistaken or hostile input (a 5 GB log file, a 200 MB single-line JSON) is refused
with a message instead of exhausting memory half-way through an import.

The defaults are far above real material so that analysts never meet them by accident:

- ``max_document_chars`` = 64 million characters. A novel is about 0.5 million characters and a
  long parliamentary transcript a few million; the app is tested with 10 MB documents (open,
  annotate, agreement). 64 M characters is at most 256 MB of Python string, the most a desktop
  can tokenise and render without swapping.
- ``max_file_bytes`` = 512 MB. A corpus file holds many documents (100,000 news articles of 5 KB
  is 500 MB of JSONL); importers read a file whole to refuse it whole, so the file must fit in
  memory a few times over on an ordinary 8-16 GB laptop.

The values are per-project settings (``annotator limits PROJECT --max-file-mb N``), and every
import can override them for one run (``annotator import ... --max-file-mb N``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.errors import Errors, UserError

if TYPE_CHECKING:
    from annotator.store.project import Project

MB = 1_000_000  # decimal, as file managers show sizes, so "512 MB" means what the analyst sees
DEFAULT_MAX_DOCUMENT_CHARS = 64 * MB
DEFAULT_MAX_FILE_BYTES = 512 * MB

MAX_DOCUMENT_SETTING = "import_max_document_chars"
MAX_FILE_SETTING = "import_max_file_bytes"

_RAISE_HINT = ("raise the limit for this import with '--{flag} N' on 'annotator import', or for the "
               "project with 'annotator limits PROJECT --{flag} N' (N in {unit}) or in the window's "
               "File ▸ Import limits…")


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """The largest file (bytes on disk) and document (characters of text) an import accepts."""

    max_document_chars: int = DEFAULT_MAX_DOCUMENT_CHARS
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES

    def check_file(self, path: Path | str) -> None:
        """Refuse ``path`` by its size on disk, before anything reads it into memory."""
        try:
            size = os.stat(path).st_size
        except OSError:
            return  # missing or unreadable: the reader reports it with its own message
        self.check_file_size(size, str(path))

    def check_file_size(self, size: int, where: str) -> None:
        """Refuse ``size`` bytes (a file, or the content of a zip entry) named ``where``."""
        if size > self.max_file_bytes:
            raise UserError(Errors.E330.format(
                path=where, size=_megabytes(size), limit=_megabytes(self.max_file_bytes),
                hint=_RAISE_HINT.format(flag="max-file-mb", unit="megabytes")))

    def check_document(self, text: str, where: str) -> None:
        """Refuse a document's text longer than the limit; ``where`` names file and line or record."""
        if len(text) > self.max_document_chars:
            raise UserError(Errors.E331.format(
                where=where, size=f"{len(text):,}", limit=f"{self.max_document_chars:,}",
                hint=_RAISE_HINT.format(flag="max-document-mb", unit="millions of characters")))


DEFAULT_LIMITS = ImportLimits()


def _megabytes(size: int) -> str:
    return f"{size / MB:,.1f} MB ({size:,} bytes)"


def project_limits(project: Project) -> ImportLimits:
    """The limits stored in ``project`` (the defaults where it stores none)."""
    return ImportLimits(
        max_document_chars=_stored(project, MAX_DOCUMENT_SETTING, DEFAULT_MAX_DOCUMENT_CHARS),
        max_file_bytes=_stored(project, MAX_FILE_SETTING, DEFAULT_MAX_FILE_BYTES),
    )


def _stored(project: Project, key: str, default: int) -> int:
    value = project.setting(key)
    try:
        number = int(value) if value is not None else default
    except ValueError:
        number = default  # a hand-edited setting that is not a number: fall back, never crash
    return number if number > 0 else default


def save_limits(project: Project, limits: ImportLimits) -> None:
    """Store ``limits`` as the project's own, for every later import into it."""
    project.set_setting(MAX_DOCUMENT_SETTING, str(limits.max_document_chars))
    project.set_setting(MAX_FILE_SETTING, str(limits.max_file_bytes))


def with_overrides(limits: ImportLimits, *, max_file_mb: float | None = None,
                   max_document_mb: float | None = None) -> ImportLimits:
    """``limits`` with the values given on a command line (megabytes / millions of characters)."""
    return ImportLimits(
        max_document_chars=limits.max_document_chars if max_document_mb is None
        else _positive(max_document_mb, "--max-document-mb"),
        max_file_bytes=limits.max_file_bytes if max_file_mb is None else _positive(max_file_mb, "--max-file-mb"),
    )


def _positive(value: float, flag: str) -> int:
    if not value > 0 or value == float("inf"):
        raise UserError(Errors.E332.format(flag=flag, value=value))
    return max(1, int(value * MB))


def describe(limits: ImportLimits) -> str:
    """Both limits in the units the command line takes, one per line."""
    return (f"max file size:     {limits.max_file_bytes / MB:g} MB ({limits.max_file_bytes:,} bytes)\n"
            f"max document size: {limits.max_document_chars / MB:g} million characters "
            f"({limits.max_document_chars:,})")
