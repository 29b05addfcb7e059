"""PDF files: the text in reading order, one paragraph per line, words split at line ends joined.

Read with pdfplumber (MIT, on pdfminer.six) rather than PyMuPDF: annotator is MIT-licensed and
PyMuPDF is AGPL, and pdfminer's layout analysis is what gives reading order: it groups
characters into lines and lines into text boxes, and orders the boxes down each column before
the next (``boxes_flow``), so a two-column statement is not read across both columns. A text box
is a paragraph; its lines are joined with a space, and a line ending in a hyphen (or a soft
hyphen) followed by a lower-case letter is joined without it ("exer-" + "cises": "exercises"),
while "Russo-" + "Ukrainian" keeps its hyphen.

Pages are separated by a blank line, and ``meta["pages"]`` lists the offset (code points) where
each page starts, so a span's page is the number of starts at or before its start. A file with
no text on any page is a scan (E1314), a password-protected one is refused (E1315), anything
pdfminer cannot parse is damaged (E1316): every error of a third-party parser on a file from
outside is a property of the file, so all of them become that message.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from annotator.corpus.drafts import DocumentDraft, ReadOptions
from annotator.corpus.extracted import clean_text, extracted_draft
from annotator.corpus.file_checks import display_name, read_regular_bytes
from annotator.errors import Errors, UserError

MAX_PDF_PAGES = 3000  # layout analysis takes about 0.1 s a page
_HYPHENS = ("-", "\u00ad", "\u2010")
_JOINED_WORD = re.compile(r"[^\W\d_]")
_TOOL_TITLE = re.compile(r"^(Microsoft Word - |untitled)|\.(docx?|pdf|odt|rtf)$", re.IGNORECASE)


def read_pdf(path: Path, options: ReadOptions) -> list[DocumentDraft]:
    """One document from a PDF with a text layer; refused with the reason otherwise."""
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    where = display_name(path)
    data = read_regular_bytes(path, options.limits)
    try:
        with pdfplumber.open(io.BytesIO(data), laparams={}) as pdf:
            if len(pdf.pages) > MAX_PDF_PAGES:
                raise UserError(Errors.E1319.format(path=where, pages=len(pdf.pages), limit=MAX_PDF_PAGES))
            pages = [_page_paragraphs(page.layout) for page in pdf.pages]
            images = sum(len(page.images) for page in pdf.pages) if not any(pages) else 0
            info = pdf.metadata
    except UserError:
        raise
    except PdfminerException as exc:
        if "password" in repr(exc.args[0] if exc.args else exc).lower():
            raise UserError(Errors.E1315.format(path=where)) from exc
        raise UserError(Errors.E1316.format(path=where, reason=_reason(exc))) from exc
    except Exception as exc:  # noqa: BLE001 - any failure of the parser is a fault of the file (module doc)
        raise UserError(Errors.E1316.format(path=where, reason=_reason(exc))) from exc
    if not any(pages):
        what = f"{images} image(s), no characters" if images else "no characters"
        raise UserError(Errors.E1314.format(path=where, pages=len(pages), what=what))
    text, starts = _joined_pages(pages)
    title = _text(info.get("Title"))
    meta: dict[str, object] = {"author": _text(info.get("Author")), "pages": starts}
    return [extracted_draft(path, options, text, kind="PDF", title=None if _TOOL_TITLE.search(title) else title,
                            meta=meta)]


def _page_paragraphs(layout: Any) -> list[str]:
    """The page's text boxes in pdfminer's reading order, each one paragraph on one line."""
    from pdfminer.layout import LTTextBox

    paragraphs = []
    for item in layout:
        if isinstance(item, LTTextBox):
            lines = [clean_text(line.get_text()) for line in item]
            paragraph = join_lines([line for line in lines if line])
            if paragraph:
                paragraphs.append(paragraph)
    return paragraphs


def join_lines(lines: list[str]) -> str:
    """The lines of one paragraph as one line: a space between them, or nothing where a word was
    hyphenated at the line end (the hyphen dropped when the next line goes on in lower case)."""
    joined = ""
    for line in lines:
        line = " ".join(line.split())
        if not joined:
            joined = line
        elif joined.endswith(_HYPHENS) and len(joined) > 1 and _JOINED_WORD.match(joined[-2]) and line[:1].islower():
            joined = joined[:-1] + line
        elif joined.endswith(_HYPHENS[1:]):  # a soft or Unicode hyphen before a capital: a compound
            joined = joined[:-1] + "-" + line
        elif joined.endswith("-") and _JOINED_WORD.match(joined[-2:-1] or " "):
            joined = joined + line  # "Russo-" + "Ukrainian"
        else:
            joined = f"{joined} {line}"
    return joined


def _joined_pages(pages: list[list[str]]) -> tuple[str, list[int]]:
    """The pages' paragraphs one a line, pages apart by a blank line, and where each page starts
    (a page without text starts where the next text does)."""
    text = ""
    starts: list[int] = []
    for paragraphs in pages:
        if paragraphs and text:
            text += "\n\n"
        starts.append(len(text))
        text += "\n".join(paragraphs)
    return text, starts


def _text(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return " ".join(str(value).split()) if value is not None else ""


def _reason(exc: BaseException) -> str:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    return (str(inner) or type(inner).__name__)[:200]
