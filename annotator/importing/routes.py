"""Which inputs an import reads, and how: the routing half of the one way in.

Every path the analyst gave (files and folders) becomes a list of ``Input``: a plain corpus
file for the corpus readers, or something a dataset format reads whole in one transaction.

- ``auto`` (no format chosen): folders are walked for the corpus suffixes and the annotation
  files ``formats.detect`` recognises; each file is routed by ``detect_format``. The brat pairs
  of one folder are one input, as a brat folder is when brat is chosen.
- a format chosen: a file is one input; a folder is one input for a folder format (brat, XMI)
  and is searched for the format's suffix otherwise, as before.

Nothing is opened here except the first line of a ``.jsonl`` or the first characters of a ``.json``
(and only when that cannot block);
a file that cannot be read is refused when its input is imported, with the others going on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from annotator.corpus.file_checks import display_name
from annotator.corpus.readers import collect_files
from annotator.errors import Errors, UserError
from annotator.formats.base import Format
from annotator.formats.detect import AUTO_SUFFIXES, detect_format
from annotator.formats.jsonl import is_actors_file
from annotator.limits import ImportLimits

#: The format choice that routes each file by what it is.
AUTO = "auto"


@dataclass(frozen=True)
class Input:
    """One unit of an import. ``format`` None is a plain corpus file (written with other plain
    files in batches); otherwise ``files`` are what that format's reader gets, in one transaction."""

    path: Path  # named in the report: a file, or a folder read whole
    format: str | None
    files: tuple[Path, ...]


def plan_inputs(paths: Sequence[str | Path], fmt: Format | None, limits: ImportLimits) -> list[Input]:
    """The inputs of an import, in the order given (folders in sorted order); ``fmt`` None is auto.

    A path that does not exist, or a file named explicitly that nothing here reads (E302), is a
    ``UserError`` before anything is read: the analyst asked for it, so leaving it out silently
    would hide a mistake.
    """
    if isinstance(paths, (str, Path)):  # one path, not a sequence of one-letter paths
        paths = [paths]
    if fmt is not None:
        return list(_format_inputs(paths, fmt))
    return _auto_inputs(collect_files(paths, AUTO_SUFFIXES), limits)


def _auto_inputs(files: list[Path], limits: ImportLimits) -> list[Input]:
    slots: list[Input | Path] = []  # an input, or a folder whose brat pairs are one input
    brat: dict[Path, list[Path]] = {}
    listings: dict[str, frozenset[str] | None] = {}  # by folder: its names, to look for .ann beside .txt
    for file in files:
        name = file.name
        if is_actors_file(file):
            continue  # read beside its canonical JSONL file, never as documents
        found = None if _plain_text(file, name, listings) else detect_format(file, limits)
        if found != "brat":
            slots.append(Input(file, found, (file,)))
            continue
        if file.parent not in brat:
            brat[file.parent] = []
            slots.append(file.parent)
        brat[file.parent].append(file)
    return [slot if isinstance(slot, Input) else Input(slot, "brat", tuple(brat[slot])) for slot in slots]


def _plain_text(file: Path, name: str, listings: dict[str, frozenset[str] | None]) -> bool:
    """True for a ``.txt`` with no ``.ann`` of the same name beside it: a plain article, which
    ``detect_format`` would find by looking for that .ann file (a stat per article). Its folder is
    listed once instead, for all its files; a folder that cannot be listed leaves it to
    ``detect_format``."""
    if not name.endswith(".txt"):
        return False
    text = os.fspath(file)
    folder = text[: len(text) - len(name)]  # with its separator ("" in the working folder): dirname, sliced
    if folder not in listings:
        try:
            listings[folder] = frozenset(os.listdir(folder or "."))
        except OSError:
            listings[folder] = None
    names = listings[folder]
    return names is not None and name[:-4] + ".ann" not in names


def _format_inputs(paths: Sequence[str | Path], fmt: Format) -> Iterator[Input]:
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise UserError(Errors.E815.format(path=display_name(path)))
        if not path.is_dir() or fmt.target == "folder":
            yield Input(path, fmt.name, (path,))
            continue
        for file in sorted(_visible_files(path, f"*{fmt.suffix}")):
            if not is_actors_file(file):
                yield Input(file, fmt.name, (file,))


def _visible_files(folder: Path, pattern: str) -> Iterator[Path]:
    """Everything but folders under ``folder`` matching ``pattern``, hidden names skipped."""
    for file in folder.rglob(pattern):
        if not file.is_dir() and not any(part.startswith(".") for part in file.relative_to(folder).parts):
            yield file

