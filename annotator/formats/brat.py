"""brat standoff: a folder of ``NAME.txt`` (the text) and ``NAME.ann`` (its annotations).

brat offsets are Python string indices into the ``.txt`` as brat's server reads it (UTF-8,
no newline translation), i.e. code points with ``\\r`` counted, so they match canonical offsets
one to one. Decisions, each because brat's model is narrower than ours:

- **Annotators.** brat has no annotator. Documents whose spans all come from one annotator go
  flat into OUT; when several annotators are exported, each gets its own brat collection
  ``OUT/ANNOTATOR/`` (with its own ``annotation.conf``), the way brat projects keep one copy per
  annotator. Reading assigns ``ReadOptions.annotator``/``layer`` to everything.
- **Attributes.** ``True`` is a binary attribute (``A1<TAB>Negated T1``), ``False`` is its
  absence; a string is a value (``A2<TAB>actor_type T1 state``), spaces included: brat's own
  parser (``annotation.py``) takes the first space-separated token of an ``A`` line's second field
  as the name, the second as the id and all the rest, spaces and all, as the value
  (``A3<TAB>where T1 New York``), and so do we. A list writes one ``A`` line per value and reads
  back as a list when a name repeats on one span (a one-element list therefore comes back as a
  plain value); numbers are written as values and come back as strings. Empty strings, values
  holding a tab or a line break (a value is the rest of one tab-separated field of one line) and
  attributes of relations cannot be brat attribute values: they are counted in the LossReport,
  never bent into notes. Text after a second tab of an ``A`` line, which brat ignores, is counted.
- **Notes.** A span note is one ``#`` AnnotatorNotes line per line of the note; reading joins
  the lines of a span with ``\\n``. Notes of other types (TDT's ``Lemma``) read as ``Type: text``.
- **Reviewer comments.** One ``#`` note of type ``ReviewerComment`` each (``#3<TAB>ReviewerComment
  T1<TAB>rita: text``), which brat shows with the span and reading takes back as the comment of
  that reviewer. A comment over several lines, and the time of each, have no place and are
  counted; so is gold provenance (``review_loss``).
- **CRLF.** Reading checks the ``.ann`` against the ``.txt`` exactly as written, then stores the
  text with ``\\r\\n`` and lone ``\\r`` turned into ``\\n`` (as every other import does) and
  shifts offsets so they point at the same characters.
- Events (``E``), equivalences (``*``) and normalizations (``N``) are counted as left out.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from annotator.errors import Errors, UserError
from annotator.formats.base import (
    Format,
    LossReport,
    ReadOptions,
    register,
)
from annotator.formats.canonical import (
    CanonicalDoc,
    CanonicalRelation,
    CanonicalSpan,
    ItemId,
)
from annotator.output_files import OutputSet, staging

_UNSAFE_NAME = re.compile(r"[^\w.-]+")
_BRAT_NAME = re.compile(r"\s+")
#: What ends an ``A`` line's value for brat: the tab before a line's third field, or the line itself.
_UNWRITABLE_VALUE = re.compile(r"[\t\n\r]")
COMMENT_TYPE = "ReviewerComment"  # the brat note type a reviewer's comment on a span is written as


# --- export ------------------------------------------------------------------------------


def export_brat(docs: Iterable[CanonicalDoc], out: Path, report: LossReport, outputs: OutputSet | None = None) -> None:
    """Write ``.txt``/``.ann`` pairs and an ``annotation.conf`` per annotator collection."""
    with staging(outputs) as files:
        _export(docs, out, report, files)


def _export(docs: Iterable[CanonicalDoc], out: Path, report: LossReport, outputs: OutputSet) -> None:
    if out.exists() and not out.is_dir():
        raise UserError(Errors.E848.format(path=out))
    collections: dict[str, list[tuple[CanonicalDoc, list[CanonicalSpan]]]] = defaultdict(list)
    unannotated: list[CanonicalDoc] = []
    for doc in docs:
        by_annotator: dict[str, list[CanonicalSpan]] = defaultdict(list)
        for span in doc.get("spans", []):
            by_annotator[span.get("annotator") or ""].append(span)
        for annotator, spans in by_annotator.items():
            collections[annotator].append((doc, spans))
        if not by_annotator:
            unannotated.append(doc)
    # A document nobody annotated belongs in every annotator's collection (as in brat projects).
    for entries in collections.values() if collections else [collections[""]]:
        entries.extend((doc, []) for doc in unannotated)
    nested = len(collections) > 1
    for annotator, entries in collections.items():
        folder = out / _safe_name(annotator or "unknown") if nested else out
        conf = _Conf()
        used_names: set[str] = set()
        for doc, spans in entries:
            name = _unique(_safe_name(str(doc["id"])), used_names)
            outputs.write_text(folder / f"{name}.txt", doc["text"], newline="")
            ann = _ann_lines(doc, spans, conf, report)
            outputs.write_text(folder / f"{name}.ann", "".join(line + "\n" for line in ann), newline="")
        outputs.write_text(folder / "annotation.conf", conf.render())
    _report_document_level(docs_seen=[doc for entries in collections.values() for doc, _ in entries],
                           report=report)


def _ann_lines(doc: CanonicalDoc, spans: list[CanonicalSpan], conf: _Conf,
               report: LossReport) -> list[str]:
    """The ``.ann`` of one document restricted to one annotator's spans."""
    text: str = doc["text"]
    lines: list[str] = []
    brat_ids: dict[ItemId, str] = {}
    labels: dict[ItemId, str] = {}
    n_attr = n_note = 0
    for number, span in enumerate(spans, start=1):
        tid = f"T{number}"
        brat_ids[span["id"]] = tid
        label = labels[span["id"]] = _brat_type(span["label"], report)
        pieces = [(piece[0], piece[1]) for piece in span.get("fragments") or [[span["start"], span["end"]]]]
        offsets = ";".join(f"{start} {end}" for start, end in pieces)
        shown = " ".join(text[start:end] for start, end in pieces).replace("\n", " ").replace("\r", " ")
        lines.append(f"{tid}\t{label} {offsets}\t{shown}")
        conf.entities.add(label)
        for attr_name, value in (span.get("attrs") or {}).items():
            name = _brat_type(attr_name, report)
            for brat_value in _attr_values(value, report):
                n_attr += 1
                lines.append(f"A{n_attr}\t{name} {tid}" + (f" {brat_value}" if brat_value else ""))
                conf.attributes[name][label].add(brat_value)
        if span.get("note"):
            for note_line in str(span["note"]).split("\n"):
                n_note += 1
                lines.append(f"#{n_note}\tAnnotatorNotes {tid}\t{note_line}")
        for comment in span.get("comments") or []:
            if _UNWRITABLE_VALUE.search(comment["text"] + comment["annotator"]) or ": " in comment["annotator"]:
                report.add("reviewer comments over several lines (a brat note is one line)")
                continue
            n_note += 1
            lines.append(f"#{n_note}\t{COMMENT_TYPE} {tid}\t{comment['annotator']}: {comment['text']}")
            report.add("times of reviewer comments (a brat note has none)", 1 if comment.get("created") else 0)
        if span.get("actor") is not None:
            report.add("actor links of spans (brat has no actor registry)")
    n_rel = 0
    for relation in doc.get("relations", []):
        head, tail = relation["head"], relation["tail"]
        if head not in brat_ids or tail not in brat_ids:
            continue  # another annotator's relation: it goes with their collection
        n_rel += 1
        rel_type = _brat_type(relation["label"], report)
        lines.append(f"R{n_rel}\t{rel_type} Arg1:{brat_ids[head]} Arg2:{brat_ids[tail]}")
        conf.relations[rel_type][0].add(labels[head])
        conf.relations[rel_type][1].add(labels[tail])
        if relation.get("attrs"):
            report.add("relation attributes (brat attributes describe entities)", len(relation["attrs"]))
    return lines


def _attr_values(value: Any, report: LossReport) -> list[str]:
    """brat values of one attribute: ``""`` for a binary flag, nothing for what brat cannot hold."""
    if value is True:
        return [""]
    if value is False or value is None:
        return []
    values = value if isinstance(value, list) else [value]
    kept = [str(item) for item in values if str(item) and not _UNWRITABLE_VALUE.search(str(item))]
    report.add("attribute values that are empty or hold a tab or line break (a brat value is the rest of one line)",
               len(values) - len(kept))
    return kept


def _brat_type(name: str, report: LossReport) -> str:
    """brat type names cannot hold whitespace; replace it with '_' and say so."""
    cleaned = _BRAT_NAME.sub("_", name)
    if cleaned != name:
        report.add("spaces in label or attribute names (written as '_')")
    return cleaned


def _report_document_level(docs_seen: list[CanonicalDoc], report: LossReport) -> None:
    """What brat has no place for at document level, counted once per document."""
    seen: set[int] = set()
    for doc in docs_seen:
        if id(doc) in seen:
            continue
        seen.add(id(doc))
        report.add("document labels (brat annotates spans only)", len(doc.get("doc_labels") or []))
        report.add("document notes (brat notes belong to annotations)", len(doc.get("notes") or []))
        span_ids = {span["id"] for span in doc.get("spans", [])}
        for relation in doc.get("relations", []):
            if relation["head"] not in span_ids or relation["tail"] not in span_ids:
                report.add("relations whose spans are not exported")
        by_span = {span["id"]: span.get("annotator") for span in doc.get("spans", [])}
        report.add("relations between spans of different annotators",
                   sum(1 for r in doc.get("relations", [])
                       if r["head"] in by_span and r["tail"] in by_span
                       and by_span[r["head"]] != by_span[r["tail"]]))


def _safe_name(name: str) -> str:
    """A file name from a document id: letters, digits, '.', '-', '_' only, never hidden."""
    cleaned = _UNSAFE_NAME.sub("_", name).lstrip(".") or "document"
    return cleaned[:120]


def _unique(name: str, used: set[str]) -> str:
    candidate, n = name, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{name}-{n}"
    used.add(candidate.casefold())
    return candidate


class _Conf:
    """The types seen while exporting, rendered as brat's ``annotation.conf``."""

    def __init__(self) -> None:
        self.entities: set[str] = set()
        self.relations: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
        self.attributes: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

    def render(self) -> str:
        lines = ["[entities]", *sorted(self.entities), "", "[relations]"]
        for rel_type, (heads, tails) in sorted(self.relations.items()):
            lines.append(f"{rel_type}\tArg1:{'|'.join(sorted(heads))}, Arg2:{'|'.join(sorted(tails))}")
        # Spans may overlap and nest freely in annotator; tell brat so it does not flag them.
        lines += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]", "",
                  "[attributes]"]
        for name, per_label in sorted(self.attributes.items()):
            values = sorted({value for values in per_label.values() for value in values if value})
            line = f"{name}\tArg:{'|'.join(sorted(per_label))}"
            lines.append(line + (f", Value:{'|'.join(values)}" if values else ""))
        return "\n".join(lines) + "\n"


# --- import ------------------------------------------------------------------------------


def read_brat(paths: Sequence[Path], options: ReadOptions, report: LossReport) -> Iterator[CanonicalDoc]:
    """One canonical document per ``.txt``/``.ann`` pair under the paths (folders recursively)."""
    for txt, ann in _pairs(paths):
        yield _read_pair(txt, ann, options, report)


def _pairs(paths: Sequence[Path]) -> Iterator[tuple[Path, Path | None]]:
    """``(NAME.txt, NAME.ann or None)`` for each document; a ``.ann`` alone is an error."""
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in (".txt", ".ann") and p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
        elif path.is_file() and path.suffix in (".txt", ".ann"):
            files = [path]
        else:
            raise UserError(Errors.E847.format(path=path, what="folder or .txt/.ann file"))
        for file in files:
            txt, ann = file.parent / f"{file.stem}.txt", file.parent / f"{file.stem}.ann"
            if txt in seen:
                continue
            seen.add(txt)
            if not txt.is_file():
                raise UserError(Errors.E845.format(path=ann, txt=txt.name))
            yield txt, ann if ann.is_file() else None


def _read_utf8(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise UserError(Errors.E846.format(path=path, problem=error)) from error


def _read_pair(txt: Path, ann: Path | None, options: ReadOptions, report: LossReport) -> CanonicalDoc:
    for file in (txt, ann) if ann else (txt,):  # a .txt beside a named .ann was not checked by the pipeline
        options.limits.check_file(file)
    raw = _read_utf8(txt)
    text, shift = _normalise_newlines(raw)
    spans: dict[str, CanonicalSpan] = {}
    relations: dict[str, dict[str, Any]] = {}  # R lines, resolved into canonical relations at the end
    attr_values: dict[tuple[str, str], list[Any]] = defaultdict(list)
    notes: dict[str, list[str]] = defaultdict(list)
    other_ids: set[str] = set()  # events and the like: valid targets that we do not carry
    pending: list[tuple[int, str, str]] = []  # (line, kind, rest) resolved once all T/R/E are known
    lines = _read_utf8(ann).split("\n") if ann else []
    ann = ann or txt.with_suffix(".ann")  # named in errors; only read when it exists
    for number, line in enumerate(lines, start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        fields = line.split("\t", 2)
        ann_id = fields[0]
        if len(fields) < 2 or not ann_id:
            raise UserError(Errors.E840.format(path=ann, line=number, problem="no tab after the id"))
        if ann_id in spans or ann_id in relations or ann_id in other_ids:
            raise UserError(Errors.E844.format(path=ann, line=number, ref=ann_id))
        kind = ann_id[0]
        if kind == "T":
            span = _text_bound(fields, raw, ann, txt, number)
            start, end = shift(span["start"]), shift(span["end"])
            pieces = [[shift(s), shift(e)] for s, e in span["fragments"]]
            spans[ann_id] = {
                "id": len(spans) + 1, "start": start, "end": end, "text": text[start:end],
                "label": span["label"], "annotator": options.annotator, "layer": options.layer,
                "attrs": {}, "note": None, "actor": None,
            }
            if len(pieces) > 1:
                spans[ann_id]["fragments"] = pieces
        elif kind == "R":
            parts = fields[1].split()
            if len(parts) != 3 or not all(":" in arg for arg in parts[1:]):
                raise UserError(Errors.E840.format(path=ann, line=number,
                                                   problem="a relation needs a type and two ROLE:ID arguments"))
            relations[ann_id] = {"label": parts[0], "args": [arg.split(":", 1)[1] for arg in parts[1:]],
                                 "line": number}
        elif kind in "E*N":
            if kind == "E":
                other_ids.add(ann_id)
            report.add({"E": "brat events", "*": "brat equivalences", "N": "brat normalizations"}[kind])
        elif kind in "AM#":
            pending.append((number, kind, line))
        else:
            raise UserError(Errors.E840.format(path=ann, line=number,
                                               problem=f"'{ann_id}' is not a brat id (T, R, E, A, M, N, * or #)"))
    for number, kind, line in pending:
        fields = line.split("\t", 2)
        if kind == "#":
            parts = fields[1].split()
            if len(parts) != 2:
                raise UserError(Errors.E840.format(path=ann, line=number,
                                                   problem="a note needs a type and the id it describes"))
            note_type, target = parts
            _check_ref(target, spans, relations, other_ids, ann, number)
            note = fields[2] if len(fields) > 2 else ""
            reviewer, said, comment = note.partition(": ")
            if target in spans and note_type == COMMENT_TYPE and said and reviewer.strip() and comment.strip():
                spans[target].setdefault("comments", []).append({"annotator": reviewer.strip(), "text": comment})
            elif target in spans:
                notes[target].append(note if note_type == "AnnotatorNotes" else f"{note_type}: {note.strip()}")
            else:
                report.add("brat notes on relations or events")
        else:
            name, target, value = _attribute(fields[1])
            if not name or not target:
                raise UserError(Errors.E840.format(path=ann, line=number,
                                                   problem="an attribute needs a name and the id it describes"))
            _check_ref(target, spans, relations, other_ids, ann, number)
            if len(fields) > 2:
                report.add("texts after a second tab of brat attribute lines (brat ignores them)")
            if target in spans:
                attr_values[(target, name)].append(value)
            else:
                report.add("brat attributes of relations or events")
    for (target, name), values in attr_values.items():
        spans[target].setdefault("attrs", {})[name] = values[0] if len(values) == 1 else values
    for target, lines_of_note in notes.items():
        spans[target]["note"] = "\n".join(lines_of_note)
    canonical_relations: list[CanonicalRelation] = []
    for rel in relations.values():
        for ref in rel["args"]:
            _check_ref(ref, spans, relations, other_ids, ann, rel["line"])
        head, tail = rel["args"]
        if head in spans and tail in spans:
            canonical_relations.append({
                "id": len(canonical_relations) + 1, "head": spans[head]["id"], "tail": spans[tail]["id"],
                "label": rel["label"], "annotator": options.annotator, "layer": options.layer, "attrs": {},
            })
        else:
            report.add("brat relations with an event or relation as argument")
    return {"id": txt.stem, "title": txt.stem, "text": text, "meta": {}, "spans": list(spans.values()),
            "relations": canonical_relations, "doc_labels": [], "notes": [], "status": {}}


def _attribute(data: str) -> tuple[str, str, str | bool]:
    """Name, target id and value of an ``A`` (or old ``M``) line's second field, as brat reads it.

    brat matches ``(.+?) (.+?) (.+?)$``: the name up to the first space, the id up to the next, the
    value all the rest, inner and outer spaces kept; no value makes a binary flag (``True``). Runs of
    spaces before the id, which brat refuses, are passed over as the old whitespace split did.
    """
    name, _, rest = data.partition(" ")
    target, _, value = rest.lstrip(" ").partition(" ")
    return name, target, value if value else True


def _text_bound(fields: list[str], raw: str, ann: Path, txt: Path, number: int) -> dict[str, Any]:
    """Label and fragments of a ``T`` line, checked against the raw text (offsets and characters)."""
    label, _, offsets = fields[1].partition(" ")
    pieces: list[tuple[int, int]] = []
    for piece in offsets.split(";"):
        bounds = piece.split()
        if len(bounds) != 2 or not all(b.isascii() and b.isdigit() for b in bounds):  # not '²', which int() refuses
            raise UserError(Errors.E840.format(path=ann, line=number,
                                               problem=f"'{offsets}' are not offsets such as '0 5' or '0 5;9 14'"))
        start, end = int(bounds[0]), int(bounds[1])
        if not start < end <= len(raw):
            raise UserError(Errors.E841.format(path=ann, line=number, start=start, end=end, txt=txt.name,
                                               length=len(raw)))
        pieces.append((start, end))
    if len(fields) > 2:
        expected = " ".join(raw[s:e] for s, e in pieces)
        found = fields[2]
        # brat writes line breaks inside a span's text as spaces (the .ann is line-based).
        if len(found) != len(expected) or any(f != e and not (f == " " and e.isspace())
                                              for f, e in zip(found, expected, strict=True)):
            raise UserError(Errors.E842.format(path=ann, line=number, found=found, expected=expected,
                                               txt=txt.name, offsets=offsets))
    pieces.sort()
    return {"label": label, "start": pieces[0][0], "end": max(e for _, e in pieces), "fragments": pieces}


def _check_ref(ref: str, spans: dict[str, Any], relations: dict[str, Any], others: set[str],
               ann: Path, number: int) -> None:
    if ref not in spans and ref not in relations and ref not in others:
        raise UserError(Errors.E843.format(path=ann, line=number, ref=ref))


def _normalise_newlines(raw: str) -> tuple[str, Any]:
    """The text with CRLF/CR as LF, and a function moving raw offsets onto it."""
    if "\r" not in raw:
        return raw, lambda offset: offset
    dropped = [i for i in range(len(raw) - 1) if raw[i] == "\r" and raw[i + 1] == "\n"]
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return text, lambda offset: offset - bisect_left(dropped, offset)


FORMAT = register(Format(
    name="brat",
    description="brat standoff: a folder of NAME.txt + NAME.ann pairs with annotation.conf",
    target="folder",
    suffix="",
    export=export_brat,
    read=read_brat,
    carries_review=frozenset({"comments"}),
))

__all__ = ["FORMAT", "export_brat", "read_brat"]
