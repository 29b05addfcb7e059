"""What the analyst corrected before an import: a file's title, date, outlet and language.

The import dialog's preview (``gui/import_preview``) reads each web page, PDF and Word file
first and shows what was taken from it; whatever the analyst changes there comes back here as a
``Correction`` keyed by the file's path (the drafts' ``source``), and the import applies it to
the file's document before it is written, in the same transaction: a corrected import is one
step, never an import followed by edits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from annotator.corpus.dates import is_published_date
from annotator.corpus.drafts import DocumentDraft
from annotator.corpus.language import checked_language
from annotator.errors import Errors, UserError


@dataclass(frozen=True, slots=True)
class Correction:
    """The values to store instead of those read from the file; None keeps the file's."""

    title: str | None = None
    published: str | None = None  # "" clears the date
    source: str | None = None  # the outlet, kept in meta["source"]; "" clears it
    language: str | None = None

    def checked(self, where: str) -> Correction:
        """This correction with its date and language checked (E1323, E1320), spaces trimmed."""
        published = None if self.published is None else self.published.strip()
        if published and not is_published_date(published):
            raise UserError(Errors.E1323.format(path=where, field="date", value=published))
        language = checked_language(self.language) if self.language and self.language.strip() else None
        title = self.title.strip() if self.title is not None and self.title.strip() else None
        source = None if self.source is None else self.source.strip()
        return Correction(title=title, published=published, source=source, language=language)


def corrected(draft: DocumentDraft, corrections: Mapping[str, Correction]) -> DocumentDraft:
    """``draft`` with the analyst's correction for its file applied (unchanged when there is none)."""
    correction = corrections.get(draft.source)
    if correction is None:
        return draft
    meta = dict(draft.meta)
    if correction.source is not None:
        if correction.source:
            meta["source"] = correction.source
        else:
            meta.pop("source", None)
    published = draft.published if correction.published is None else correction.published or None
    return dataclasses.replace(draft, title=correction.title or draft.title, published=published, meta=meta,
                               language=correction.language or draft.language)
