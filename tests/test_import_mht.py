""".mht web archives (Internet Explorer's and Word's "Web Archive, single file"): the same MIME
format as .mhtml, usually quoted-printable in the charset the MIME header names. Read as a page,
found in folders, previewed, and refused by name when it holds no page."""

from __future__ import annotations

import quopri
from email.header import Header
from pathlib import Path

import pytest

from annotator.corpus import SUPPORTED_SUFFIXES, collect_files, read_file
from annotator.corpus.previews import previewed_files
from annotator.errors import UserError
from annotator.formats.detect import AUTO_SUFFIXES
from tests.news_pages import DEBRIS, RUSSIAN_PARAGRAPHS, news_page

TITLE = "Минск объявил о совместных учениях"
ADDRESS = "https://minsk-herald.example/news/2024/03/exercises"
BOUNDARY = "----=_NextPart_000_0000_01DA6F00.5B3C2A10"


def web_archive(page_part: str) -> bytes:
    """A web archive as Internet Explorer 11 writes it: CRLF lines, a preamble, the page and a picture."""
    lines = [
        "From: <Saved by Windows Internet Explorer 11>",
        f"Subject: {Header(TITLE, 'windows-1251').encode()}",
        "Date: Tue, 5 Mar 2024 10:12:40 +0100",
        "MIME-Version: 1.0",
        "Content-Type: multipart/related;",
        '\ttype="text/html";',
        f'\tboundary="{BOUNDARY}"',
        "X-MimeOLE: Produced By Microsoft MimeOLE V6.1.7601.24158",
        "",
        "This is a multi-part message in MIME format.",
        "",
        f"--{BOUNDARY}",
        page_part,
        f"--{BOUNDARY}",
        "Content-Type: image/gif",
        "Content-Transfer-Encoding: base64",
        "Content-Location: https://minsk-herald.example/logo.gif",
        "",
        "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7",
        "",
        f"--{BOUNDARY}--",
        "",
    ]
    return "\r\n".join(lines).encode("ascii")


def page_part() -> str:
    """The page in windows-1251, quoted-printable; only the MIME header names the charset."""
    page = news_page(title=TITLE, paragraphs=RUSSIAN_PARAGRAPHS, lang="ru", url="", site="Minsk Herald")
    page = page.replace('<meta charset="utf-8">', "")
    encoded = quopri.encodestring(page.encode("cp1251")).decode("ascii").replace("\n", "\r\n")
    return "\r\n".join(["Content-Type: text/html;", '\tcharset="windows-1251"',
                        "Content-Transfer-Encoding: quoted-printable", f"Content-Location: {ADDRESS}", "", encoded])


def test_a_web_archive_gives_its_article_title_and_address(tmp_path: Path) -> None:
    path = tmp_path / "учения.mht"
    path.write_bytes(web_archive(page_part()))
    [draft] = read_file(path)
    assert draft.text.split("\n") == [TITLE, *RUSSIAN_PARAGRAPHS]
    assert not any(words in draft.text for words in DEBRIS)
    assert draft.title == TITLE and draft.published == "2024-03-05"
    assert draft.url == ADDRESS and draft.meta["source"] == "Minsk Herald"
    assert draft.name == "учения"


def test_web_archives_are_found_in_folders_and_previewed(tmp_path: Path) -> None:
    (tmp_path / "a.mht").write_bytes(web_archive(page_part()))
    (tmp_path / "B.MHT").write_bytes(web_archive(page_part()))
    (tmp_path / "notes.odt").write_bytes(b"PK")  # not a corpus file: left out, as before
    assert ".mht" in SUPPORTED_SUFFIXES and ".mht" in AUTO_SUFFIXES
    assert sorted(p.name for p in collect_files([tmp_path], (".mht",))) == ["B.MHT", "a.mht"]
    assert sorted(p.name for p in previewed_files([tmp_path], AUTO_SUFFIXES)) == ["B.MHT", "a.mht"]


def test_a_web_archive_without_a_page_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "styles.mht"
    path.write_bytes(web_archive(page_part().replace("Content-Type: text/html;", "Content-Type: text/css;")))
    with pytest.raises(UserError) as caught:
        read_file(path)
    message = str(caught.value)
    assert message.startswith("[E1313]") and str(path) in message and "image/gif" in message
