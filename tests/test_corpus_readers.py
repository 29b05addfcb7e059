"""Reading corpus files into drafts: real files in tmp_path, no mocks.

The stored text must be exactly what is later annotated, so most tests compare the draft's
text with the expected string code point for code point.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from annotator.corpus import (
    READERS,
    SUPPORTED_SUFFIXES,
    DocumentDraft,
    collect_files,
    decode_bytes,
    normalise_newlines,
    read_file,
    title_from_text,
)
from annotator.corpus.decode import CONTROL_SHARE_LIMIT
from annotator.errors import UserError

SAMPLE_CORPUS = Path(__file__).resolve().parent.parent / "sample_corpus"

RUSSIAN = ("Министр обороны России заявил о переброске войск в Беларусь. "
           "Учения продлятся две недели.")
BELARUSIAN = ("Урад заявіў, што ўмяшанне ў унутраныя справы краіны недапушчальнае. "
              "Сустрэча адбылася ў Мінску.")


def write(directory: Path, name: str, content: str | bytes) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def only(path: Path, **kwargs: str) -> DocumentDraft:
    drafts = read_file(path, **kwargs)
    assert len(drafts) == 1
    return drafts[0]


def refused(path: Path, code: str, **kwargs: str) -> str:
    """Read ``path`` expecting refusal with ``code``; return the message, which names the file."""
    with pytest.raises(UserError) as caught:
        read_file(path, **kwargs)
    message = str(caught.value)
    assert message.startswith(f"[{code}]"), message
    assert str(path) in message
    return message


# --- the bundled sample articles ------------------------------------------------------------

def test_sample_corpus_reads_as_stored_bytes() -> None:
    files = collect_files([SAMPLE_CORPUS])
    assert [f.name for f in files] == sorted(p.name for p in SAMPLE_CORPUS.glob("*.txt"))
    assert len(files) == 5
    for path in files:
        draft = only(path)
        assert draft.text == path.read_bytes().decode("utf-8")
        assert draft.name == path.stem
        assert draft.source == str(path)
        assert draft.meta == {} and draft.url is None and draft.published is None
        assert draft.title and "\n" not in draft.title and len(draft.title) <= 201
        assert draft.title.rstrip("…") in draft.text


def test_sample_corpus_titles_skip_bylines_and_dates() -> None:
    titles = {p.name[:3]: only(p).title for p in collect_files([SAMPLE_CORPUS])}
    # "by" and "March 10 – March 16, 2014" come first but are not headlines.
    assert titles["001"] == "Official Minsk does not wish to side with Kremlin over Ukrainian conflict"
    assert titles["002"] == "Minsk attempts to bolster Belarus’ independence"
    assert titles["003"] == "Belarus experiencing external forces’ attack on sovereignty – Putin"
    # No headline: the first paragraph is the title, cut at a word with an ellipsis.
    assert titles["000"].startswith("The United Transitional Cabinet of Belarus has declared")
    assert titles["000"].endswith("…")


# --- text exactly as read -------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Протест у Мінску 🇧🇾 — 😀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠀋 outside the BMP.\n",
    "Cafe\u0301 and Ре\u0301чь keep their combining accents.\n",
    RUSSIAN + "\n",
    BELARUSIAN + "\n",
    "الحكومة البيلاروسية تنفي التقارير الصحفية عن المناورات.\n",
    "הממשלה הודיעה היום על צעדים חדשים בגבול.\n",
    "  leading spaces and trailing ones stay  \n\n\n",
    "Zero\u200bwidth, NBSP\u00a0here, tab\tthere, no-break\u2028line separator.",
])
def test_utf8_text_is_stored_unchanged(tmp_path: Path, text: str) -> None:
    draft = only(write(tmp_path, "doc.txt", text))
    assert draft.text == text


def test_astral_characters_are_one_offset_each(tmp_path: Path) -> None:
    draft = only(write(tmp_path, "emoji.txt", "a😀b𝔘c"))
    assert len(draft.text) == 5
    assert draft.text[1] == "😀" and draft.text[3] == "𝔘"


def test_combining_marks_are_not_normalised(tmp_path: Path) -> None:
    draft = only(write(tmp_path, "accent.txt", "Cafe\u0301 opened today in Minsk."))
    assert draft.text[3:5] == "e\u0301"
    assert draft.text != unicodedata.normalize("NFC", draft.text)


@pytest.mark.parametrize(("raw", "expected"), [
    (b"one\r\ntwo\r\nthree words here\r\n", "one\ntwo\nthree words here\n"),
    (b"old mac\rline two\r", "old mac\nline two\n"),
    (b"mixed\r\nlone\rlf\n\r\n\r", "mixed\nlone\nlf\n\n\n"),
])
def test_crlf_and_lone_cr_become_lf(tmp_path: Path, raw: bytes, expected: str) -> None:
    assert only(write(tmp_path, "nl.txt", raw)).text == expected


def test_utf8_bom_is_dropped_once(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.txt", b"\xef\xbb\xbfHeadline of the day\r\nBody.\r\n")
    assert only(path).text == "Headline of the day\nBody.\n"
    assert decode_bytes("\ufeff\ufeffx".encode(), "f") == "\ufeffx"  # only the mark goes


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_bom(tmp_path: Path, codec: str) -> None:
    text = f"{RUSSIAN}\r\n😀 {BELARUSIAN}\n"
    data = text.encode(codec)
    if codec.endswith(("-le", "-be")):  # explicit-endian codecs write no mark; add it
        data = "\ufeff".encode(codec) + data
    assert only(write(tmp_path, "wide.txt", data)).text == normalise_newlines(text)


def test_broken_utf16_after_bom_is_refused(tmp_path: Path) -> None:
    message = refused(write(tmp_path, "odd.txt", b"\xff\xfeA\x00\x00\xd8"), "E307")
    assert "UTF-16" in message


# --- legacy Cyrillic encodings -------------------------------------------------------------

@pytest.mark.parametrize("text", [
    RUSSIAN,
    BELARUSIAN,
    "Беларусь і Расія абмяркоўвалі пытанні бяспекі.",
    "Привет, мир!",  # detectors alone guess big5 for this
    "СРОЧНО: НАТО",  # ... and UTF-16 for this
])
def test_cp1251_cyrillic_is_detected(tmp_path: Path, text: str) -> None:
    data = text.encode("cp1251")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert only(write(tmp_path, "cp1251.txt", data)).text == text


@pytest.mark.parametrize("codec", ["koi8_r", "iso8859_5"])
def test_other_cyrillic_code_pages_are_not_forced_into_cp1251(tmp_path: Path, codec: str) -> None:
    text = "Президент России провёл совещание с членами Совета безопасности."
    assert only(write(tmp_path, "legacy.txt", text.encode(codec))).text == text


def test_cp1251_title_and_newlines(tmp_path: Path) -> None:
    path = write(tmp_path, "be.txt", f"Навіны\r\n{BELARUSIAN}\r\n".encode("cp1251"))
    draft = only(path)
    assert draft.text == f"Навіны\n{BELARUSIAN}\n"
    assert draft.title == BELARUSIAN  # "Навіны" is one word; the sentence has three or more
    assert "ў" in draft.text and "і" in draft.text


# --- refusals ---------------------------------------------------------------------------------

def test_empty_and_whitespace_only_files_have_no_text(tmp_path: Path) -> None:
    assert "has no text" in refused(write(tmp_path, "empty.txt", b""), "E308")
    assert "has no text" in refused(write(tmp_path, "blank.md", b" \r\n\t\n  "), "E308")
    assert "has no text" in refused(write(tmp_path, "bom-only.txt", b"\xef\xbb\xbf\n"), "E308")


def test_binary_files_are_refused(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"
    refused(write(tmp_path, "picture.txt", png), "E304")
    noise = random.Random(7)
    with_nuls = bytes(noise.randrange(256) for _ in range(4096)) + b"\x00"
    refused(write(tmp_path, "noise.txt", with_nuls), "E304")
    without_nuls = bytes(noise.randrange(1, 256) for _ in range(4096))
    with pytest.raises(UserError, match="noise2.txt is not a text file"):
        read_file(write(tmp_path, "noise2.txt", without_nuls))


def test_control_characters_are_refused(tmp_path: Path) -> None:
    message = refused(write(tmp_path, "ctl.txt", bytes(range(1, 9)) * 20 + b"ok"), "E306")
    assert "control characters" in message
    # A stray control character in prose is fine.
    assert only(write(tmp_path, "fine.txt", "Record\x1eseparated text.")).text == "Record\x1eseparated text."


# --- Markdown and titles -----------------------------------------------------------------------

def test_markdown_heading_becomes_title_and_stays_in_text(tmp_path: Path) -> None:
    text = "\n\n## Minsk answers the Kremlin ##\n\nBody text *here*.\n"
    draft = only(write(tmp_path, "note.MD", text))
    assert draft.title == "Minsk answers the Kremlin"
    assert draft.text == text


@pytest.mark.parametrize(("text", "title"), [
    ("# Title with three words\nbody", "Title with three words"),
    ("#Belarus protests grow in the capital", "#Belarus protests grow in the capital"),  # hashtag
    ("12.03.2024\nBy AP\nMinsk, March 12 — Opposition leaders met.", "Minsk, March 12 — Opposition leaders met."),
    ("2024\n---\n", "2024"),  # nothing qualifies: the first non-blank line
    ("   \n  Spaced\t\tout   words here  \n", "Spaced out words here"),
    ("Ре\u0301чь президента в Минске", "Ре\u0301чь президента в Минске"),
    ("#\n", ""),
])
def test_title_from_text(text: str, title: str) -> None:
    assert title_from_text(text) == title


def test_long_first_line_title_is_shortened() -> None:
    title = title_from_text("word " * 200)
    assert len(title) <= 201 and title.endswith("…") and not title.startswith(" ")


# --- JSON lines --------------------------------------------------------------------------------

def test_jsonl_documents(tmp_path: Path) -> None:
    lines = [
        {"id": 17, "title": "Given title", "text": "First text.\r\nSecond line.", "url": "https://x.by/1",
         "published": "2024-03-01", "source": "Belsat", "meta": {"section": "politics", "n": 3},
         "spans": [{"start": 0, "end": 5, "label": "ACTOR"}], "relations": []},
        {"text": "Беларусь і Расія абмяркоўвалі пытанні бяспекі 😀"},
        {"id": "a-7", "text": "Third", "title": None, "meta": None},
    ]
    content = "\n".join(json.dumps(line, ensure_ascii=i != 1) for i, line in enumerate(lines))
    content = content.replace("\n", "\n\n   \n", 1)  # blank lines are skipped but counted
    drafts = read_file(write(tmp_path, "feed.jsonl", content))
    assert [d.name for d in drafts] == ["17", "feed-4", "a-7"]
    first, second, third = drafts
    assert first.text == "First text.\nSecond line."
    assert first.title == "Given title"
    assert first.url == "https://x.by/1" and first.published == "2024-03-01"
    assert first.meta == {"section": "politics", "n": 3, "source": "Belsat"}
    assert first.source == str(tmp_path / "feed.jsonl")
    assert second.text == lines[1]["text"] and second.title == lines[1]["text"]
    assert third.title == "Third" and third.meta == {} and third.url is None


def test_jsonl_malformed_line_refuses_file_naming_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.jsonl", '{"text": "ok"}\n\n{"text": "broken",\n{"text": "ok"}\n')
    assert "line 3" in refused(path, "E309")


@pytest.mark.parametrize("line", ['[' * 100_000 + ']' * 100_000, '{"text": "x", "n": NaN}'])
def test_jsonl_pathological_json_is_malformed(tmp_path: Path, line: str) -> None:
    assert "line 2" in refused(write(tmp_path, "deep.jsonl", '{"text": "ok"}\n' + line), "E309")


@pytest.mark.parametrize(("line", "code", "words"), [
    ('{"title": "no text here"}', "E311", "missing"),
    ('{"text": 42}', "E311", "a number"),
    ('{"text": null}', "E311", "null"),
    ('["text"]', "E310", "a list"),
    ('{"text": "  \\n "}', "E312", "empty"),
    ('{"text": "x", "meta": "politics"}', "E313", '"meta" must be an object, not a string'),
    ('{"text": "x", "id": [1]}', "E313", '"id" must be a string or a number'),
    ('{"text": "x", "url": 5}', "E313", '"url" must be a string, not a number'),
])
def test_jsonl_bad_records(tmp_path: Path, line: str, code: str, words: str) -> None:
    message = refused(write(tmp_path, "recs.jsonl", '{"text": "fine"}\n' + line + "\n"), code)
    assert "line 2" in message and words in message


# --- CSV ---------------------------------------------------------------------------------------

def test_csv_documents_with_metadata(tmp_path: Path) -> None:
    content = (
        "id,Title,text,url,date,source,section,author\r\n"
        'n1,Given title,"Multi-line text,\r\nwith a comma and ""quotes"".",https://x.by/1,2024-03-01,Belsat,politics,\r\n'
        ',,Беларусь і Расія абмяркоўвалі пытанні бяспекі,,,,world,Ivan\r\n'
    )
    drafts = read_file(write(tmp_path, "export.csv", content))
    first, second = drafts
    assert first.text == 'Multi-line text,\nwith a comma and "quotes".'
    assert (first.name, first.title, first.url, first.published) == ("n1", "Given title", "https://x.by/1", "2024-03-01")
    assert first.meta == {"source": "Belsat", "section": "politics", "author": ""}
    assert second.name == "export-2" and second.title == second.text
    assert second.url is None and second.published is None
    assert second.meta == {"source": "", "section": "world", "author": "Ivan"}


def test_csv_text_column_can_be_chosen(tmp_path: Path) -> None:
    path = write(tmp_path, "body.csv", "headline,Body\nA headline here,The body text.\n")
    draft = only(path, text_column="body")
    assert draft.text == "The body text." and draft.meta == {"headline": "A headline here"}


def test_csv_without_text_column_lists_columns(tmp_path: Path) -> None:
    message = refused(write(tmp_path, "cols.csv", "headline,body\nx,y\n"), "E314")
    assert "'text'" in message and "'headline', 'body'" in message


def test_csv_in_cp1251_with_semicolons(tmp_path: Path) -> None:
    content = f"id;text;rubric\r\n1;{RUSSIAN};Политика\r\n2;{BELARUSIAN};Грамадства\r\n"
    drafts = read_file(write(tmp_path, "excel.csv", content.encode("cp1251")))
    assert [d.text for d in drafts] == [RUSSIAN, BELARUSIAN]
    assert drafts[1].meta == {"rubric": "Грамадства"}


@pytest.mark.parametrize(("content", "code", "words"), [
    ("id,text\n1,fine\n2,\n", "E316", "row 2 (line 3)"),
    ("id,text\n1,fine\n\n2,  \n", "E316", "row 2 (line 4)"),
    ("id,text\n1,too,many\n", "E317", "row 1 (line 2)"),
    ('id,text\n1,"unclosed\n2,x\n', "E318", "line 2"),
    ("id,text\n", "E319", "no documents"),
    ("text,Text\nx,y\n", "E315", "'Text'"),
])
def test_csv_bad_rows(tmp_path: Path, content: str, code: str, words: str) -> None:
    assert words in refused(write(tmp_path, "rows.csv", content), code)


# --- finding files --------------------------------------------------------------------------------

def test_folders_are_walked_sorted_recursive_skipping_hidden_and_unsupported(tmp_path: Path) -> None:
    for name in ["b/2.txt", "a/1.md", "a/sub/0.TXT", "a-z.csv", "c.jsonl", "notes.odt", "a/image.png",
                 ".hidden/x.txt", "a/.secret.txt", "a/sub/.git/HEAD.txt", "README"]:
        write(tmp_path, name, "text")
    found = collect_files([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a/1.md", "a/sub/0.TXT", "a-z.csv", "b/2.txt", "c.jsonl"]
    assert all(p.is_relative_to(tmp_path) for p in found)


def test_explicit_files_keep_order_and_are_listed_once(tmp_path: Path) -> None:
    hidden = write(tmp_path, ".draft.txt", "text")
    other = write(tmp_path, "z.txt", "text")
    assert collect_files([other, str(hidden), tmp_path]) == [other, hidden]


def test_explicit_unsupported_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "report.odt", b"PK\x03\x04")
    for call in (lambda: collect_files([path]), lambda: read_file(path)):
        with pytest.raises(UserError) as caught:
            call()
        message = str(caught.value)
        assert message.startswith("[E302]") and str(path) in message
        assert all(suffix in message for suffix in SUPPORTED_SUFFIXES)


def test_missing_path_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "article.txt"
    with pytest.raises(UserError, match=r"\[E301\]") as caught:
        collect_files([missing])
    assert str(missing) in str(caught.value)


def test_folder_without_corpus_files_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "scan.odt", b"PK")
    with pytest.raises(UserError, match=r"\[E320\]"):
        collect_files([tmp_path])
    assert collect_files([]) == []


def test_reader_table_covers_supported_suffixes() -> None:
    assert SUPPORTED_SUFFIXES == tuple(READERS) == (".txt", ".md", ".jsonl", ".csv", ".html", ".htm", ".mhtml",
                                                    ".mht", ".pdf", ".docx")


def test_utf8_files_never_load_the_detector(tmp_path: Path) -> None:
    """Detection is the slow path; a UTF-8 import must not even import it."""
    path = write(tmp_path, "fast.txt", RUSSIAN)
    code = ("import sys; from pathlib import Path; from annotator.corpus import read_file; "
            f"read_file(Path({str(path)!r})); assert 'charset_normalizer' not in sys.modules")
    root = str(Path(__file__).resolve().parent.parent)
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root,
                   env={"PYTHONPATH": root})


# --- property ------------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.text())
def test_utf8_round_trip_changes_only_newlines(text: str) -> None:
    expected = normalise_newlines(text.removeprefix("\ufeff"))  # a leading U+FEFF reads as a BOM
    assume("\x00" not in text and expected.strip())
    controls = sum(1 for ch in expected if unicodedata.category(ch) == "Cc" and ch not in "\t\n\x0b\x0c\r")
    assume(controls / len(expected) <= CONTROL_SHARE_LIMIT)
    assert decode_bytes(text.encode("utf-8"), "prop.txt") == expected
