"""What the readers of laid-out sources (web pages, PDF, Word) share: clean text, one draft.

Text taken out of a layout is not the file's bytes, so it may carry what a typed text never
does: NUL and other control characters (PDF fonts), lone surrogates, no-break and zero-width
spaces at line ends. ``clean_text`` makes it storable and stable (so the same article saved
twice is a duplicate), keeping one paragraph per line, as the sample corpus's articles are.
"""

from __future__ import annotations

import re
from pathlib import Path

from annotator.corpus.dates import is_published_date
from annotator.corpus.decode import normalise_newlines
from annotator.corpus.drafts import DocumentDraft, ReadOptions
from annotator.corpus.file_checks import display_name
from annotator.corpus.titles import title_from_text
from annotator.errors import Errors, UserError

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\ufeff\ud800-\udfff]")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+\n")
_BLANK_RUNS = re.compile(r"\n{3,}")


def clean_text(text: str) -> str:
    """Newlines as LF, control characters and lone surrogates dropped, no spaces before a line
    end, at most one blank line in a row, none at either end."""
    text = _CONTROLS.sub("", normalise_newlines(text).replace("\f", "\n"))
    text = _TRAILING_SPACE.sub("\n", text)
    return _BLANK_RUNS.sub("\n\n", text).strip()


def extracted_draft(path: Path, options: ReadOptions, text: str, *, kind: str, title: str | None,
                    published: str | None = None, url: str | None = None,
                    meta: dict[str, object] | None = None) -> DocumentDraft:
    """The one document of a laid-out file: refused when it holds no text (E1318) or more than the
    limit; the title is the file's own (properties, headline) or else taken from the text; a
    published value that is not an ISO date is left out rather than refusing the file, since it
    was guessed from the layout, not written by the analyst."""
    text = clean_text(text)
    where = display_name(path)
    if not text:
        raise UserError(Errors.E1318.format(path=where, kind=kind))
    options.limits.check_document(text, where)
    clean_meta = {key: value for key, value in (meta or {}).items() if value not in (None, "", [])}
    return DocumentDraft(
        text=text, title=" ".join((title or "").split()) or title_from_text(text) or path.stem, name=path.stem,
        source=str(path), meta=clean_meta, url=(url or "").strip() or None,
        published=published if published and is_published_date(published) else None)
