"""Find corpus files and read them into ``DocumentDraft`` objects, all-or-nothing per file.

Every format is one function in ``READERS``, keyed by lower-case suffix: adding a format is
writing ``read_xyz(path, options) -> Iterable[DocumentDraft]`` and adding one entry (a reader of
many documents a file yields them as it reads, so a big file is never held whole). Nothing here
touches a database or spaCy; the importer stores the drafts, the CLI and GUI call
``collect_files`` then ``read_file``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path

from annotator.corpus.csv_files import read_csv
from annotator.corpus.docx_files import read_docx
from annotator.corpus.drafts import DocumentDraft, ReadOptions
from annotator.corpus.file_checks import (
    check_storable_name,
    display_name,
    not_regular_error,
)
from annotator.corpus.html_files import read_html
from annotator.corpus.jsonl_files import read_jsonl
from annotator.corpus.pdf_files import read_pdf
from annotator.corpus.text_files import read_plain
from annotator.corpus.titles import title_from_text
from annotator.errors import Errors, UserError
from annotator.limits import DEFAULT_LIMITS, ImportLimits

__all__ = ["READERS", "SUPPORTED_SUFFIXES", "DocumentDraft", "ReadOptions", "Reader",
           "collect_files", "read_file", "stream_file", "title_from_text"]

Reader = Callable[[Path, ReadOptions], Iterable[DocumentDraft]]

READERS: dict[str, Reader] = {
    ".txt": read_plain,
    ".md": read_plain,
    ".jsonl": read_jsonl,
    ".csv": read_csv,
    ".html": read_html,  # saved web pages, PDF and Word: the laid-out sources analysts keep
    ".htm": read_html,
    ".mhtml": read_html,
    ".mht": read_html,
    ".pdf": read_pdf,
    ".docx": read_docx,
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(READERS)

_DEFAULT_OPTIONS = ReadOptions()


def read_file(path: Path, *, text_column: str = "text", limits: ImportLimits = DEFAULT_LIMITS) -> list[DocumentDraft]:
    """Every draft of one corpus file, or a ``UserError`` (see ``stream_file``)."""
    return list(stream_file(path, text_column=text_column, limits=limits))


def stream_file(path: Path, *, text_column: str = "text",
                limits: ImportLimits = DEFAULT_LIMITS) -> Iterable[DocumentDraft]:
    """The drafts of one corpus file, read as they are taken for JSONL and CSV; a ``UserError``,
    raised here or while they are taken, refuses the file (the importer drops what it had of it).

    Cheap for the common case (a UTF-8 .txt costs a read, a C-level decode and a short title
    scan) because an import calls it once per article. ``limits`` refuses a file too big to read
    (by its size on disk, before reading) and a document too long to store. A file whose name is
    not UTF-8, or that is not a regular file (a pipe, a device), is refused unopened.
    """
    if not isinstance(path, Path):  # Path(path) of a Path is a new object that parses its name again
        path = Path(path)
    check_storable_name(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UserError(Errors.E302.format(path=path, supported=_supported()))
    default = text_column == "text" and limits == DEFAULT_LIMITS
    return reader(path, _DEFAULT_OPTIONS if default else ReadOptions(text_column=text_column, limits=limits))


def collect_files(paths: Sequence[str | Path], suffixes: Collection[str] = SUPPORTED_SUFFIXES) -> list[Path]:
    """Expand the given files and folders into corpus files, in a stable order.

    Folders are walked recursively in sorted order, keeping ``suffixes`` (any case; the corpus
    readers' by default, more when an import also detects annotation files) and
    skipping hidden names ('.git', '.DS_Store', editor backups), which are never articles.
    Files given by name are taken as they are, hidden or not, but an unsupported one is an
    error: the user asked for it, so silently dropping it would hide a mistake (a pipe, device
    or socket is called what it is). A named pipe or device with a supported suffix, and a file
    whose name is not UTF-8, are listed like the others: ``read_file`` refuses each by name,
    unopened, and the rest are imported. A file reached twice (named and inside a named folder)
    is listed once, at its first place.
    """
    if isinstance(paths, (str, Path)):  # one path, not a sequence of one-letter paths
        paths = [paths]
    found: list[Path] = []
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            candidates = _walk(path, suffixes)
        elif path.exists():
            if path.suffix.lower() not in suffixes:
                if not path.is_file():  # a device, socket or pipe: say so, not "unsupported suffix"
                    raise not_regular_error(path, path.stat().st_mode)
                raise UserError(Errors.E302.format(path=display_name(path), supported=", ".join(suffixes)))
            candidates = [path]
        else:
            raise UserError(Errors.E301.format(path=display_name(path)))
        for file in candidates:
            key = os.path.abspath(file)  # string work only: resolve() would stat every file
            if key not in seen:
                seen.add(key)
                found.append(file)
    if paths and not found:
        listed = ", ".join(display_name(Path(p)) for p in paths)
        raise UserError(Errors.E320.format(paths=listed, supported=", ".join(suffixes)))
    return found


def _walk(root: Path, suffixes: Collection[str]) -> list[Path]:
    """The files under ``root`` with one of ``suffixes``, hidden names skipped, sorted by path
    component (so "a/x" sorts before "a-b").

    Works on the strings ``os.scandir`` gives (the kind of each entry comes with the listing, a
    link not followed, as ``Path.walk`` does), and makes each file's ``Path`` from its folder's,
    parsed once, by ``with_name``: a ``Path`` joined, parsed and split into its parts to sort for
    every file cost 15 µs a file (0.15 s of importing 10,000 articles), and parsing it again
    whenever its name or text is first asked for as much again."""
    found: list[tuple[str, Path, str]] = []  # the path as text, a path in its folder, the name
    folders = [os.fspath(root)]
    while folders:
        folder = folders.pop()
        sibling = Path(folder, "_")  # any name: each file's path is this one with its own name
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    name = entry.name
                    if name.startswith("."):
                        continue
                    if _is_folder(entry):
                        folders.append(entry.path)
                    elif name[name.rfind("."):].lower() in suffixes:  # the suffix (no "." in it: one letter)
                        found.append((entry.path, sibling, name))
        except OSError as exc:
            _refuse_unreadable(exc)
    # the separator as NUL, which sorts before every character a name can hold, compares as
    # splitting at it does, without making the lists
    found.sort(key=lambda file: file[0].replace(os.sep, "\0"))
    return [sibling.with_name(name) for _text, sibling, name in found]


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """A folder to walk into, not a link to one (a link is listed as a file, as ``Path.walk`` does)."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _refuse_unreadable(exc: OSError) -> None:
    raise UserError(Errors.E303.format(path=display_name(str(exc.filename)), reason=exc.strerror or exc)) from exc


def _supported() -> str:
    return ", ".join(SUPPORTED_SUFFIXES)
