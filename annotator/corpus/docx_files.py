"""Word files (.docx): paragraphs and table cells in document order, one paragraph per line.

Read with python-docx. A .docx has no fixed pages (Word lays them out when it opens the file),
so ``meta["pages"]`` is kept only where the file itself marks a page: a page break typed by the
author, or the break Word last rendered and saved. Each is the offset (code points) of the
paragraph holding the break, since python-docx tells which paragraphs hold one, not where in
them: a page that begins inside a paragraph is counted from that paragraph's start. The core properties give the title and author; their "created" date is the
file's, not the publication's, so ``published`` is left for the analyst (the import dialog asks).
An old binary .doc, a renamed file or a damaged archive is refused (E1317).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from annotator.corpus.drafts import DocumentDraft, ReadOptions
from annotator.corpus.extracted import clean_text, extracted_draft
from annotator.corpus.file_checks import display_name, read_regular_bytes
from annotator.errors import Errors, UserError


def read_docx(path: Path, options: ReadOptions) -> list[DocumentDraft]:
    """One document from a Word file; refused with the reason when python-docx cannot open it."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    where = display_name(path)
    data = read_regular_bytes(path, options.limits)
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = list(_paragraphs(document))
        properties = document.core_properties
        title, author = properties.title, properties.author
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UserError(Errors.E1317.format(path=where, reason=str(exc)[:200] or type(exc).__name__)) from exc
    except Exception as exc:  # noqa: BLE001 - a hostile archive can fail anywhere inside the library
        raise UserError(Errors.E1317.format(path=where, reason=type(exc).__name__)) from exc
    text = ""
    starts: list[int] = []
    for paragraph, new_page in paragraphs:
        if new_page:
            starts.append(len(text) + (1 if text else 0))
        text = f"{text}\n{paragraph}" if text else paragraph
    meta: dict[str, object] = {"author": author, "pages": [0, *starts] if starts else None}
    return [extracted_draft(path, options, text, kind="Word document", title=title, meta=meta)]


def _paragraphs(document: Any) -> Any:
    """(text, starts a new page) for each non-empty paragraph, tables' cells read row by row."""
    from docx.table import Table

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = [clean_text(cell.text) for cell in row.cells]
                line = " | ".join(dict.fromkeys(cell for cell in cells if cell))  # merged cells repeat
                if line:
                    yield " ".join(line.split("\n")), False
            continue
        line = " ".join(clean_text(block.text).split())
        if line:
            yield line, bool(block.contains_page_break)
