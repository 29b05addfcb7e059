"""CSV files: a header row, then one document per row; read row by row, all-or-nothing.

The text column is ``text`` unless the caller names another. ``id``, ``title``, ``url`` and
``published`` (or ``date``) fill the draft's own fields; every other column, ``source``
included, goes into ``meta`` as a string, so nothing in a spreadsheet export is lost. Column
names match case-insensitively ("Text" from Excel is the text column). A published date must
be an ISO date (``annotator.corpus.dates``): one that is not refuses the file, naming the row.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from pathlib import Path

from annotator.corpus.dates import checked_published
from annotator.corpus.drafts import DocumentDraft, ReadOptions
from annotator.corpus.text_stream import text_lines
from annotator.corpus.titles import title_from_text
from annotator.errors import Errors, UserError

#: Delimiters recognised from the header line. Excel in Russian, Belarusian and most European
#: locales writes ';', and tab-separated exports are common, so a fixed ',' would misread them.
_DELIMITERS = (",", ";", "\t")
#: The csv module refuses fields over 128 KiB by default; a long article in one cell is normal.
_FIELD_LIMIT = 2**31 - 1


def read_csv(path: Path, options: ReadOptions) -> Iterator[DocumentDraft]:
    """The documents of a .csv file, one row read at a time (see ``text_stream``); a bad row
    raises ``UserError`` naming the row, and the importer then drops what it had of the file."""
    with text_lines(path, options.limits) as lines:
        yield from _documents(path, lines, options)


def _documents(path: Path, lines: Iterator[str], options: ReadOptions) -> Iterator[DocumentDraft]:
    if csv.field_size_limit() < _FIELD_LIMIT:  # process-wide setting; raising it harms no one
        csv.field_size_limit(_FIELD_LIMIT)
    first_line = next(lines, "")
    delimiter = max(_DELIMITERS, key=first_line.count)  # ties keep ',' (listed first)
    rows = _rows(csv.reader(itertools.chain([first_line], lines), delimiter=delimiter, strict=True), path)
    try:
        _, _, header = next(rows)
    except StopIteration:  # unreachable: decoding refuses files without text
        raise UserError(Errors.E308.format(path=path)) from None
    columns = [name.strip() or f"column{i}" for i, name in enumerate(header, start=1)]
    index = _index(columns, path)
    text_at = index.get(options.text_column.strip().casefold())
    if text_at is None:
        listed = ", ".join(f"'{name}'" for name in columns)
        raise UserError(Errors.E314.format(path=path, column=options.text_column, columns=listed))
    promoted: dict[str, int] = {key: index[key] for key in ("id", "title", "url") if key in index}
    date_key = "published" if "published" in index else "date"
    if date_key in index:
        promoted["published"] = index[date_key]
    skip = {text_at, *promoted.values()}
    meta_at = [(columns[i], i) for i in range(len(columns)) if i not in skip]

    found = False
    for number, line, row in rows:
        if len(row) != len(columns):
            raise UserError(Errors.E317.format(path=path, row=number, line=line, found=len(row),
                                               expected=len(columns)))
        body = row[text_at]
        options.limits.check_document(body, f"{path}, row {number} (line {line})")
        if not body.strip():
            raise UserError(Errors.E316.format(path=path, row=number, line=line,
                                               column=columns[text_at]))
        fields = {key: row[i].strip() for key, i in promoted.items()}
        if "published" in promoted:
            fields["published"] = checked_published(fields["published"], f"{path}, row {number} (line {line})",
                                                    columns[promoted["published"]]) or ""
        name = fields.get("id") or f"{path.stem}-{number}"
        found = True
        yield DocumentDraft(
            text=body,
            title=fields.get("title") or title_from_text(body) or name,
            name=name,
            source=str(path),
            meta={key: row[i] for key, i in meta_at},
            url=fields.get("url") or None,
            published=fields.get("published") or None,
        )
    if not found:
        raise UserError(Errors.E319.format(path=path))


def _rows(reader: Iterator[list[str]], path: Path) -> Iterator[tuple[int, int, list[str]]]:
    """Yield (row number, first line, cells) for non-blank records; the header is row 0.

    Rows are numbered as documents (first row under the header is row 1) and also located
    by line, since a quoted cell can span several lines of the file.
    """
    number = -1
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UserError(Errors.E318.format(path=path, line=line, reason=exc)) from exc
        if row:  # blank lines come back as []
            number += 1
            yield number, line, row
        line = reader.line_num + 1  # type: ignore[attr-defined]  # csv reader objects have it


def _index(columns: list[str], path: Path) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, name in enumerate(columns):
        key = name.casefold()
        if key in index:
            raise UserError(Errors.E315.format(path=path, column=name))
        index[key] = i
    return index
