"""Which format a file is in, when the analyst did not say: an import's "auto" choice.

A file is judged by its name and, for ``.jsonl``, by its first record, since a JSON Lines file
may be plain documents or any of three annotation formats:

- ``.ann``, and a ``.txt`` with a ``.ann`` of the same name beside it: brat standoff;
- ``.conll``: CoNLL BIO; ``.spacy``: a spaCy DocBin;
- ``.tsv`` whose first line is ``#FORMAT=WebAnno TSV 3…``: WebAnno TSV (INCEpTION); any other
  ``.tsv`` is offered to the corpus readers, which say they do not read it;
- ``.json``: spaCy v2 training tuples when its first characters open a list of lists (``[[``) or
  NER Annotator's ``{"classes"``; otherwise Label Studio JSON, whose reader refuses a file that is
  not a list of tasks (only the first few hundred characters are read: it may be one large list);
- ``.jsonl`` whose first record has Prodigy's marks (``"answer"`` accept, reject or ignore, or
  ``"_input_hash"``/``"_task_hash"``): Prodigy; one with ``"spans"``: canonical JSONL (what
  ``annotator export`` writes), or Prodigy when the record also has ``"tokens"``; one with
  ``"entities"``, with ``"label"`` as a list or with ``"cats"``: doccano (a ``"label"`` that is one
  string could be any corpus's field: ``--format doccano`` reads it); one that is a ``[text, {...}]`` pair:
  spaCy v2 training tuples;
- anything else a corpus reader takes (``.txt``, ``.md``, ``.csv``, other ``.jsonl``): plain
  documents.

XMI folders and zips are not guessed: an INCEpTION export is chosen as ``xmi`` by name. A file
that could block or be huge is never peeked into (a pipe, a device, a name that is not UTF-8,
one over the size limit): it is taken as plain, and the corpus reader refuses it unopened.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from annotator.corpus.file_checks import has_storable_name, special_kind
from annotator.limits import ImportLimits

#: Suffixes an "auto" import looks for in folders: the corpus readers' and the annotation files'.
AUTO_SUFFIXES = (".txt", ".md", ".jsonl", ".csv", ".html", ".htm", ".mhtml", ".mht", ".pdf", ".docx", ".ann",
                 ".conll", ".spacy", ".json", ".tsv")
_BY_SUFFIX = {".conll": "conll", ".spacy": "spacy", ".json": "label-studio"}
WEBANNO_TSV = "#FORMAT=WebAnno TSV 3"  # the first line of a WebAnno TSV 3 file
#: How a .json of spaCy v2 training tuples begins: a list of pairs, or NER Annotator's object.
_SPACY_V2_START = re.compile(r'\s*(\[\s*\[|\{\s*"classes"\s*:)')


def detect_format(path: Path, limits: ImportLimits) -> str | None:
    """The dataset format ``path`` is in, or None for a plain corpus file."""
    suffix = path.suffix.lower()
    if suffix == ".json" and _peekable(path, limits) and _SPACY_V2_START.match(_start(path).lstrip("\ufeff")):
        return "spacy-v2"
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    # brat names its files in lower case, and its reader pairs them so
    if path.suffix == ".ann" or (path.suffix == ".txt" and path.with_suffix(".ann").is_file()):
        return "brat"
    if suffix == ".jsonl" and _peekable(path, limits):
        return _jsonl_format(_first_record(path))
    if suffix == ".tsv" and _peekable(path, limits) and _start(path).lstrip("\ufeff").startswith(WEBANNO_TSV):
        return "webanno-tsv"
    return None


def _start(path: Path) -> str:
    """The first few hundred characters, across lines (a pretty-printed file opens ``[`` alone on one)."""
    try:
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            return handle.read(400)
    except OSError:
        return ""


def _jsonl_format(record: object) -> str | None:
    if isinstance(record, list) and len(record) == 2 and isinstance(record[0], str) and isinstance(record[1], dict):
        return "spacy-v2"
    if not isinstance(record, dict):
        return None
    if record.get("answer") in ("accept", "reject", "ignore") or "_input_hash" in record or "_task_hash" in record:
        return "prodigy"
    if "spans" in record:
        return "prodigy" if "tokens" in record else "jsonl"
    if "entities" in record or isinstance(record.get("label"), list) or isinstance(record.get("cats"), (list, dict)):
        return "doccano"
    return None


def _peekable(path: Path, limits: ImportLimits) -> bool:
    """Whether reading the first line cannot block, run away or fail on the name."""
    if not has_storable_name(path):
        return False
    try:
        status = os.stat(path)
    except OSError:
        return False
    return special_kind(status.st_mode) is None and status.st_size <= limits.max_file_bytes


def _first_record(path: Path) -> object:
    """The first non-blank line of a JSON Lines file, parsed; None if it is not JSON (the
    reader the file goes to reports the broken line)."""
    try:
        with path.open("r", encoding="utf-8-sig", errors="replace") as handle:
            for line in handle:
                if line.strip():
                    return json.loads(line)
    except (OSError, ValueError, RecursionError):
        return None
    return None
