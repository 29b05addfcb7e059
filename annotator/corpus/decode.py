"""Turn a corpus file's bytes into the exact text that will be stored and annotated.

Span offsets are code-point offsets into the stored text, so this module is the single place
where bytes become text and it changes as little as possible: a UTF-8 byte-order mark is
dropped and CRLF / lone CR become LF (editors, Qt and spaCy all count a line break as one
character; keeping CRs would make offsets disagree between them). No stripping and no Unicode
normalisation: a decomposed "e\u0301" stays two code points, because an analyst's offsets must
point into the text as the source wrote it.

Strict UTF-8 is the fast path (a C-level decode, microseconds for an article); charset
detection runs only for files that are not valid UTF-8, because importing 10,000 articles must
take seconds, and detection costs milliseconds per file.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from annotator.corpus.file_checks import display_name, read_regular_bytes
from annotator.errors import Errors, UserError
from annotator.limits import DEFAULT_LIMITS, ImportLimits

# Longest marks first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)

_BOM_STARTS = frozenset(mark[:1] for mark, _codec, _label in _BOMS)

# C0 and C1 controls except tab, LF, VT, FF and CR, which ordinary text files do contain.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_C0_CONTROL_BYTES = frozenset([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_NOT_C0_CONTROL = bytes(b for b in range(256) if b not in _C0_CONTROL_BYTES)  # delete table
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")

#: Refuse a file when more than this share of its characters are control characters. The
#: brief says "mostly"; the bar is lower on purpose: prose has next to none, while binary data
#: pushed through a single-byte code page comes out 12-25 % control characters, so a tenth
#: separates the two with a wide margin on both sides.
CONTROL_SHARE_LIMIT = 0.10

# Cyrillic letters as code points; used only to second-guess detection on short texts.
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")
_LETTER = re.compile(r"[^\W\d_]")
_CYRILLIC_LOWER = re.compile(r"[\u0430-\u045f]")  # а-я and ѐ-џ (ё, і, ў, ї, є, ...)
_MOSTLY_CYRILLIC = 0.7
_MOSTLY_LOWER = 0.7


def normalise_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF; leave every other character alone."""
    if "\r" not in text:  # the common case costs one C-level scan
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path | str, limits: ImportLimits = DEFAULT_LIMITS) -> str:
    """Read and decode one corpus file; every failure is a ``UserError`` naming the file.

    A file larger than ``limits.max_file_bytes`` is refused by its size on disk, unread; so is
    anything but a regular file (a pipe or device could block or never end).
    """
    return decode_bytes(read_regular_bytes(path, limits), display_name(path))


def decode_bytes(data: bytes, source: str) -> str:
    """Decode a whole file and normalise its newlines; ``source`` names it in error messages.

    Order matters: a UTF-16/32 byte-order mark is honoured first (such files are full of NUL
    bytes), then NUL bytes mark a binary file, then strict UTF-8, then detection. On the UTF-8
    path control characters are counted on the bytes, which is five times cheaper than a
    regular-expression scan of the text (about 3 instead of 17 microseconds for 4 KB), and the
    same pass finds a NUL byte.
    """
    # every mark begins with \xff, \xfe or NUL, which no text begins with: one test for most files
    bom = next((entry for entry in _BOMS if data.startswith(entry[0])), None) if data[:1] in _BOM_STARTS else None
    if bom is not None:
        text = _decode_with_bom(data, source, codec=bom[1], label=bom[2])
        controls = len(_CONTROL.findall(text))
    else:
        c0_controls = data.translate(None, _NOT_C0_CONTROL)  # NUL is one: one pass finds both
        if b"\x00" in c0_controls:
            raise UserError(Errors.E304.format(path=source))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _detect(data, source)
            controls = len(_CONTROL.findall(text))
        else:
            if text.startswith("\ufeff"):
                text = text[1:]
            controls = len(c0_controls) + (len(_C1_UTF8.findall(data)) if b"\xc2" in data else 0)
    text = normalise_newlines(text)
    if not text or text.isspace():
        raise UserError(Errors.E308.format(path=source))
    if controls and controls / len(text) > CONTROL_SHARE_LIMIT:
        raise UserError(Errors.E306.format(path=source, share=controls / len(text)))
    return text


def _decode_with_bom(data: bytes, source: str, *, codec: str, label: str) -> str:
    try:
        text = data.decode(codec)  # the codec consumes the mark itself
    except UnicodeDecodeError as exc:
        raise UserError(Errors.E307.format(path=source, encoding=label, reason=exc.reason)) from exc
    if "\x00" in text:
        raise UserError(Errors.E304.format(path=source))
    return text


def _detect(data: bytes, source: str) -> str:
    """Decode bytes that are not UTF-8, by charset-normalizer with a cp1251 correction.

    charset-normalizer is right about Russian and Belarusian cp1251 from about one sentence
    up, but on a few words it can pick a multi-byte Asian codec or UTF-16, since those accept
    almost any short byte string (measured: "Привет" -> big5, "СРОЧНО: НАТО" -> utf_16_be).
    Our sources' legacy encoding is overwhelmingly cp1251, so when the cp1251 reading is
    mostly Cyrillic letters we take it if (a) the detector found nothing or read something
    that is not Cyrillic, or (b) the detector itself listed cp1251 among its candidates and
    the cp1251 reading is mostly lower-case, as prose is. Guard (b) keeps genuine KOI8-R and
    ISO-8859-5 files correct: read through cp1251 they come out mostly upper-case.
    """
    from charset_normalizer import from_bytes  # imported lazily: UTF-8 imports never need it

    matches = from_bytes(data)
    best = matches.best()
    cp1251 = _cp1251_if_cyrillic(data)
    if cp1251 is not None:
        if best is None or not _mostly_cyrillic(str(best)):
            return cp1251
        candidates = {match.encoding for match in matches}
        if best.encoding != "cp1251" and "cp1251" in candidates and _mostly_lower(cp1251):
            return cp1251
    if best is None:
        raise UserError(Errors.E305.format(path=source))
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError) as exc:  # detector and codec disagree: treat as unknown
        raise UserError(Errors.E305.format(path=source)) from exc


def _cp1251_if_cyrillic(data: bytes) -> str | None:
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:  # byte 0x98 is unassigned in cp1251
        return None
    return text if _mostly_cyrillic(text) else None


def _mostly_cyrillic(text: str) -> bool:
    letters = len(_LETTER.findall(text))
    return letters > 0 and len(_CYRILLIC_LETTER.findall(text)) / letters >= _MOSTLY_CYRILLIC


def _mostly_lower(text: str) -> bool:
    cyrillic = len(_CYRILLIC_LETTER.findall(text))
    return cyrillic > 0 and len(_CYRILLIC_LOWER.findall(text)) / cyrillic >= _MOSTLY_LOWER
