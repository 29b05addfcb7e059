"""Saved web pages (.html, .htm, .mhtml, .mht): the article's own text and what the page says of it.

trafilatura finds the main text (navigation, related links, cookie banners, comments and
footers left out) and the metadata sites publish: the headline, the author, the date (JSON-LD,
Open Graph, <time>, htmldate's rules), the outlet's name (og:site_name) and the canonical URL.
The headline and the date become the document's title and ``published``; the URL its ``url``;
the author and outlet go to ``meta`` ("author", "source": the key JSONL and CSV imports keep
an outlet under).

Extraction costs several seconds per megabyte of text and more than linear time in the number
of elements, so a hostile or odd page (a 40 MB log saved as .html, a million nested <div>s) is
refused *before* trafilatura sees it: by its size on disk, by the text it holds once scripts and
styles are dropped, and by its element count (E1311). lxml itself refuses nesting deeper than
libxml2's limit, which trafilatura then reports as no article (E1310). A web archive, .mhtml
(Chrome's and Edge's "Save as single file") or .mht (Internet Explorer's and Word's "Web
Archive, single file", the same MIME format, often quoted-printable in a legacy charset), is a
MIME message: its first text/html part is the page, its Content-Location the address.
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import Message
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.corpus.drafts import DocumentDraft, ReadOptions
from annotator.corpus.extracted import extracted_draft
from annotator.corpus.file_checks import display_name, read_regular_bytes
from annotator.errors import Errors, UserError

if TYPE_CHECKING:
    from lxml.html import HtmlElement

#: A saved article page is 50 KB - 3 MB, mostly scripts; past this it is not one article.
MAX_HTML_BYTES = 30_000_000
#: Text left once scripts and styles are dropped: about 100 pages of a book, a few seconds of
#: extraction. News articles hold 2,000 - 30,000 characters.
MAX_PAGE_TEXT = 1_000_000
MAX_ELEMENTS = 150_000
#: Less than this is not an article: a login form, a menu, an index of headlines.
MIN_WORDS = 20
MIN_LONGEST_LINE_WORDS = 8

WEB_ARCHIVE_SUFFIXES = (".mhtml", ".mht")  # MIME messages holding the page and its images
_DROPPED = ("script", "style", "noscript", "template", "svg", "math")
_WORD = re.compile(r"\w+")


def read_html(path: Path, options: ReadOptions) -> list[DocumentDraft]:
    """One document from a saved page; refused (nothing read into the project) when the page holds
    no article, is too large to extract from, or is not HTML."""
    where = display_name(path)
    data = read_regular_bytes(path, options.limits)
    url = None
    if path.suffix.lower() in WEB_ARCHIVE_SUFFIXES:
        data, url = _mhtml_page(data, where)
    return [page_draft(data, path, options, archive_url=url)]


def page_draft(data: bytes, path: Path, options: ReadOptions, *, archive_url: str | None = None) -> DocumentDraft:
    """The article of one page's bytes (a separate step so the benchmark can time extraction alone)."""
    where = display_name(path)
    if len(data) > MAX_HTML_BYTES:
        raise UserError(Errors.E1311.format(path=where, size=f"{len(data):,} bytes",
                                            limit=f"{MAX_HTML_BYTES:,} bytes"))
    tree = _parsed(data, where)
    found = _extract(tree)
    if found is None or not _article_like(found.text or ""):
        raise UserError(Errors.E1310.format(path=where, found=_what(found)))
    meta = {"author": found.author, "source": found.sitename or found.hostname}
    return extracted_draft(path, options, found.text, kind="page", title=found.title, published=found.date,
                           url=found.url or archive_url, meta=meta)


def _parsed(data: bytes, where: str) -> HtmlElement:
    """The page as an lxml tree without its scripts and styles; refused when it is not HTML or
    holds more than extraction can take in seconds."""
    from lxml import etree
    from trafilatura.utils import load_html

    try:
        tree = load_html(data)
    except (ValueError, TypeError, etree.LxmlError) as exc:
        raise UserError(Errors.E1312.format(path=where, reason=exc)) from exc
    if tree is None:
        raise UserError(Errors.E1312.format(path=where, reason="the HTML parser found no document in it"))
    etree.strip_elements(tree, *_DROPPED, etree.Comment, with_tail=False)
    elements = sum(1 for _ in tree.iter())
    if elements > MAX_ELEMENTS:
        raise UserError(Errors.E1311.format(path=where, size=f"{elements:,} elements",
                                            limit=f"{MAX_ELEMENTS:,} elements"))
    characters = len(tree.text_content())
    if characters > MAX_PAGE_TEXT:
        raise UserError(Errors.E1311.format(path=where, size=f"{characters:,} characters of text",
                                            limit=f"{MAX_PAGE_TEXT:,} characters"))
    return tree


def _extract(tree: HtmlElement) -> Any:
    """trafilatura's ``Document`` (text and metadata) or None. Comments are left out; tables are
    kept (statements list figures in them); the date is the original publication's, not the last
    modification's."""
    from trafilatura import bare_extraction

    return bare_extraction(tree, with_metadata=True, include_comments=False, include_tables=True,
                           date_extraction_params={"original_date": True, "extensive_search": False,
                                                   "outputformat": "%Y-%m-%d"})


def _article_like(text: str) -> bool:
    words = len(_WORD.findall(text))
    longest = max((len(_WORD.findall(line)) for line in text.splitlines()), default=0)
    return words >= MIN_WORDS and longest >= MIN_LONGEST_LINE_WORDS


def _what(found: Any) -> str:
    """What a page without an article holds, for E1310."""
    text = (found.text or "").strip() if found is not None else ""
    if not text:
        return "an empty page"
    lines = [line for line in text.splitlines() if line.strip()]
    return f"a page of {len(lines)} short line(s) such as '{lines[0][:40]}'"


def _mhtml_page(data: bytes, where: str) -> tuple[bytes, str | None]:
    """The HTML part of a web archive and the address it was saved from."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    parts: list[str] = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return _with_charset(payload, part), part.get("Content-Location") or message.get("Snapshot-Content-Location")
        if not part.is_multipart():
            parts.append(kind)
    raise UserError(Errors.E1313.format(path=where, parts=", ".join(dict.fromkeys(parts)) or "none"))


def _with_charset(payload: bytes, part: Message) -> bytes:
    """The part's bytes as UTF-8 when its MIME header names another charset (the page's own
    <meta charset> may be missing: the archive's header is what the browser used)."""
    charset = part.get_content_charset()
    if not charset or charset.lower() in ("utf-8", "utf8"):
        return payload
    try:
        return payload.decode(charset).encode("utf-8")
    except (LookupError, UnicodeDecodeError):
        return payload  # let the HTML loader guess, as for any page
