"""What a corpus reader produces: documents not yet in any project.

Kept apart from ``readers`` so that each format module can build drafts without importing the
reader table that imports them.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.limits import DEFAULT_LIMITS, ImportLimits


@dataclass(frozen=True, slots=True)
class DocumentDraft:
    """One document as read from a corpus file, ready for the importer to store.

    ``text`` is exactly what will be annotated (offsets count its code points). ``name`` is the
    external id: the record's id when the input has one, else the file stem, or
    ``f"{stem}-{n}"`` for the n-th line/row of a multi-document file. ``source`` is the path
    the document came from, as given. A record's own "source" field (usually the outlet) is
    kept in ``meta["source"]``, so that ``source`` always tells where the import read it.
    """

    text: str
    title: str
    name: str
    source: str
    meta: dict[str, object]
    url: str | None = None
    published: str | None = None
    language: str | None = None  # ISO 639-1; None: detected when the document is stored


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Choices that change how files are read; passed to every reader in ``READERS``."""

    text_column: str = "text"  # CSV: the column that holds the document text
    limits: ImportLimits = DEFAULT_LIMITS  # largest file and document accepted
