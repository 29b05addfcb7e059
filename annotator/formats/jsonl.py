"""Canonical JSONL ("jsonl"): the app's own format, one canonical document per line, lossless.

Export writes each document exactly as ``Documents.to_json`` shapes it (``ensure_ascii=False``,
so Cyrillic stays readable). The actor registry goes beside it: ``OUT`` ``data.jsonl`` gets
``data.actors.jsonl`` (one ``{"name", "type", "country", "aliases"}`` per line, by name), written
and read by ``pipeline`` because formats never see the project.

Reading takes a line with ``"spans"`` as a canonical document and any other line as a plain
document (the corpus reader's rules: ``text``, ``id``, ``title``, ``meta``, ``url``,
``published``, ``source``). A malformed line refuses the whole file, naming file and line.
Text with CR characters is taken as given here; ingestion normalises it to LF and maps the
offsets (see ``ingest``), so the file's own offsets stay valid against the file's own text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from annotator.corpus.jsonl_files import _draft, _parse
from annotator.corpus.text_stream import text_lines
from annotator.errors import Errors, UserError
from annotator.formats.base import (
    Format,
    LossReport,
    ReadOptions,
    register,
)
from annotator.formats.canonical import ActorRecord, CanonicalDoc, new_document
from annotator.formats.review_loss import REVIEW
from annotator.limits import DEFAULT_LIMITS, ImportLimits
from annotator.output_files import OutputSet, staging
from annotator.storable import unstorable

ACTORS_SUFFIX = ".actors.jsonl"


def actors_path(path: Path) -> Path:
    """Where the actor registry of canonical JSONL file ``path`` lives: ``X.jsonl`` → ``X.actors.jsonl``."""
    return path.with_name(path.stem + ACTORS_SUFFIX)


def is_actors_file(path: Path) -> bool:
    return path.name.lower().endswith(ACTORS_SUFFIX)


def dumps(record: Mapping[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False)


def export_jsonl(docs: Iterable[CanonicalDoc], out: Path, report: LossReport, outputs: OutputSet | None = None) -> None:
    """One document a line; nothing is ever left out, so ``report`` stays empty."""
    with staging(outputs) as files, files.open_text(out) as handle:
        for doc in docs:
            handle.write(dumps(doc) + "\n")


def read_jsonl(paths: Sequence[Path], options: ReadOptions, report: LossReport) -> Iterator[CanonicalDoc]:
    """The documents of the files, a line parsed as it is taken: ingestion writes them into its
    open transaction as they come, and a bad line (wherever it is) rolls the file back."""
    for path in paths:
        yield from stream_lines(path, options.limits)


def read_lines(path: Path, limits: ImportLimits = DEFAULT_LIMITS) -> list[CanonicalDoc]:
    """Every document of one file, parsed before any is returned (a bad line refuses the file)."""
    return list(stream_lines(path, limits))


def stream_lines(path: Path, limits: ImportLimits = DEFAULT_LIMITS) -> Iterator[CanonicalDoc]:
    """The documents of one file, one line read at a time (``corpus.text_stream``)."""
    with text_lines(path, limits) as lines:  # UTF-8, BOM dropped; CR inside a JSON string is escaped, so untouched
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            record = _parse(line.removesuffix("\n"), path, number)
            if isinstance(record, dict) and "spans" in record:
                if not isinstance(record.get("text"), str):
                    raise UserError(Errors.E809.format(path=path, line=number, problem='"text" must be a string'))
                yield cast(CanonicalDoc, record)  # as the file says: ingest checks every value
            else:
                yield _plain(record, path, number)


def _plain(record: object, path: Path, number: int) -> CanonicalDoc:
    """A line without spans, read by the corpus reader's rules, as a canonical document."""
    draft = _draft(record, path, number)
    meta = dict(draft.meta) | {key: value for key, value in (("url", draft.url), ("published", draft.published))
                               if value}
    return new_document(draft.name, draft.text, title=draft.title, meta=meta)


def read_actors(path: Path) -> list[ActorRecord]:
    """The registry lines of an ``.actors.jsonl`` file, checked."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # an empty registry is fine, unlike an empty corpus file
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(Errors.E814.format(path=path, line=1, problem=str(exc))) from exc
    actors = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise UserError(Errors.E814.format(path=path, line=number, problem=f"not JSON: {exc}")) from None
        except RecursionError:
            raise UserError(Errors.E814.format(path=path, line=number, problem="nested too deeply")) from None
        if not isinstance(record, dict) or not isinstance(record.get("name"), str) or not record["name"].strip():
            raise UserError(Errors.E814.format(path=path, line=number, problem='no "name"'))
        aliases = record.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(alias, str) for alias in aliases):
            raise UserError(Errors.E814.format(path=path, line=number, problem='"aliases" must be a list of strings'))
        unusable = unstorable(record, "the line")
        if unusable:
            raise UserError(Errors.E814.format(path=path, line=number, problem=f"{unusable}, which a project cannot store"))
        actors.append(cast(ActorRecord, record))
    return actors


def write_actors(actors: Iterable[ActorRecord], path: Path, outputs: OutputSet) -> None:
    with outputs.open_text(path) as handle:
        for actor in actors:
            handle.write(dumps(actor) + "\n")


FORMAT = register(Format(
    name="jsonl",
    description="canonical JSONL: this app's own lossless format (actor registry in NAME.actors.jsonl)",
    target="file",
    suffix=".jsonl",
    export=export_jsonl,
    read=read_jsonl,
    side_files=lambda out: [actors_path(out)],
    carries_review=REVIEW,
))
