"""spaCy v2 training tuples: the ``TRAIN_DATA`` that spaCy v2's training loop took, saved as JSON.

Before spaCy v3's DocBin, training data was a list of ``(text, annotations)`` pairs, and teams
still keep it as JSON (tuples become lists)::

    [["Angela Merkel met Macron", {"entities": [[0, 13, "PER"], [18, 24, "PER"]],
                                   "cats": {"POLITICS": 1.0, "SPORT": 0.0}}], ...]

Read here too: the same pairs one a line in a ``.jsonl`` file, the ``{"classes": [...],
"annotations": [pairs]}`` object that NER Annotator (tecoholic/ner-annotator) saves, and what
spaCy v3's ``Example.from_dict`` adds to the annotations: ``"spans": {KEY: [[start, end, label],
...]}``. Offsets are code points into the text, as spaCy counts them (an entity may carry a fourth
item, its knowledge-base id, kept as the span's ``kb_id``).

What becomes what, as for a DocBin (``docbin``), so that an export to DocBin puts everything back:
``entities`` are spans recorded for ``doc.ents`` and each span key's spans recorded under their key
(``spacy_key``); the same span in both is one span with both places; ``cats`` at 0.5 or more are
document labels, those below kept as negative examples in the document's metadata. Token-level
annotations (``words``, ``tags``, ``heads``, ``deps``…), entity links, BILUO tag lists without
offsets, and keys this reader does not know are counted by kind. Entities without a label and
examples with an empty text are counted.

A file that is not such data (not JSON, a pair that is not ``[text, object]``, an offset outside
the text or not a whole number, a label that is not a string) is refused with a message naming the
file, the example and the problem, and nothing of it is imported. Examples are parsed and handed on
one at a time (``json_items``, or a line at a time), so a file is never held whole; a bad example
late in a file is met after the documents before it, which the import's one transaction for the
file then rolls back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from annotator.corpus.file_checks import open_regular_file
from annotator.errors import Errors, UserError
from annotator.formats.base import CanonicalDoc, Format, LossReport, ReadOptions, register
from annotator.formats.canonical import new_document
from annotator.formats.docbin import ENTS, PlacedSpans, read_cats
from annotator.formats.json_items import json_file
from annotator.formats.utf8_blocks import NotUtf8, check_utf8, utf8_lines

#: Token-level annotations of spaCy v2's GoldParse (and v3's Example.from_dict), lower-cased.
TOKEN_KEYS = ("words", "spaces", "tags", "pos", "morphs", "morphology", "lemmas", "heads", "deps", "sent_starts",
              "orth", "tag", "lemma", "dep", "head", "morph", "sent_start", "spacy")


def read(paths: Sequence[Path], options: ReadOptions, report: LossReport) -> Iterator[CanonicalDoc]:
    """Each file's documents, an example parsed and handed on at a time (``json_items``, or a line
    of a ``.jsonl`` file): ingestion writes them into its open transaction as they come, and an
    example refused late in a file rolls the whole file back."""
    for path in paths:
        yield from _read_file(path, options, report)


def _read_file(path: Path, options: ReadOptions, report: LossReport) -> Iterator[CanonicalDoc]:
    labels: set[str] = set()
    classes: list[Any] = []
    with _examples(path, options, classes) as examples:
        for number, (where, example) in enumerate(examples, start=1):
            doc = _Example(path, where, options, report).read(example, f"{path.stem}-{number}")
            if doc is not None:
                labels.update(span["label"] for span in doc["spans"])
                yield doc
    report.add('label names listed in "classes" that no entity uses (a label is made when it is used)',
               len({name for name in classes if isinstance(name, str)} - labels))


@contextmanager
def _examples(path: Path, options: ReadOptions, classes: list[Any]) -> Iterator[Iterator[tuple[str, Any]]]:
    """The file's examples, each with where it is ("example 3", "line 3"), parsed one at a time;
    NER Annotator's classes are put in ``classes`` (its object is read whole: the tool saves what
    one person annotated in a browser)."""
    if path.suffix.lower() == ".jsonl":
        with open_regular_file(path, options.limits) as handle:
            try:
                check_utf8(handle)  # as decoding the whole file did: an encoding is refused before any line
                yield ((f"line {number}", _parse(path, line, f", line {number}"))
                       for number, line in enumerate(utf8_lines(handle), start=1) if line.strip())
            except NotUtf8 as error:
                raise UserError(Errors.E1103.format(path=path, problem=error)) from None
        return
    with json_file(path, options.limits, Errors.E1100, Errors.E1103) as text:
        if text.start() == "[":
            items: Iterator[Any] = text.items()
        else:
            value = text.value()
            if not (isinstance(value, dict) and isinstance(value.get("annotations"), list)):
                raise UserError(Errors.E1101.format(path=path, problem=f"it holds a JSON {type(value).__name__}, "
                                                                       "not a list of [text, annotations] pairs"))
            classes.extend(value["classes"] if isinstance(value.get("classes"), list) else [])
            items = iter(value["annotations"])
        yield ((f"example {number}", example) for number, example in enumerate(items, start=1))


def _parse(path: Path, text: str, where: str) -> Any:
    """One line of a ``.jsonl`` file."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        problem = f"{error.msg}{where}, column {error.colno}"
    except ValueError as error:  # NaN or Infinity, which are not JSON
        problem = f"{error}{where}"
    except RecursionError:
        problem = f"it is nested too deeply{where}"
    raise UserError(Errors.E1100.format(path=path, problem=problem))


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON value")


class _Example:
    """One ``[text, annotations]`` pair into a canonical document, counting what it cannot carry."""

    def __init__(self, path: Path, where: str, options: ReadOptions, report: LossReport) -> None:
        self.path, self.where, self.options, self.report = path, where, options, report

    def fail(self, problem: str) -> UserError:
        return UserError(Errors.E1102.format(path=self.path, where=self.where, problem=problem))

    def read(self, example: Any, doc_id: str) -> CanonicalDoc | None:
        if not isinstance(example, list) or len(example) != 2:
            raise self.fail(f"an example must be a [text, annotations] pair, not {_shape(example)}")
        text, annotations = example
        if not isinstance(text, str):
            raise self.fail(f"the text must be a string, not {_shape(text)}")
        if not isinstance(annotations, dict):
            raise self.fail(f"the annotations must be a JSON object, not {_shape(annotations)}")
        if not text.strip():
            self.report.add("spaCy v2 examples with an empty text")
            return None
        doc = new_document(doc_id, text)
        placed = PlacedSpans(doc, self.options)
        placed.start_place(ENTS)
        self._entities(placed, annotations.get("entities"), "entities")
        spans = annotations.get("spans")
        if spans is not None and not isinstance(spans, dict):
            raise self.fail(f'"spans" must be an object of span keys, not {_shape(spans)}')
        for key, listed in (spans or {}).items():
            placed.start_place(key)
            self._entities(placed, listed, f'spans "{key}"')
        cats = annotations.get("cats")
        if cats is not None and not isinstance(cats, dict):
            raise self.fail(f'"cats" must be an object of labels and scores, not {_shape(cats)}')
        read_cats(cats or {}, doc, self.options, self.report)
        self._count_others(annotations)
        return doc

    def _entities(self, placed: PlacedSpans, listed: Any, what: str) -> None:
        if listed is None:
            return
        if not isinstance(listed, list):
            raise self.fail(f'{what} must be a list of [start, end, label], not {_shape(listed)}')
        if listed and all(isinstance(tag, str) for tag in listed):
            self.report.add("spaCy v2 entities given as BILUO tags of tokens (no character offsets)", len(listed))
            return
        length = len(placed.canonical["text"])
        for item in listed:
            if not isinstance(item, list) or len(item) not in (3, 4):
                raise self.fail(f"an item of {what} must be [start, end, label], not {_shape(item)}")
            start, end, label = item[:3]
            if not (_is_int(start) and _is_int(end)):
                raise self.fail(f"an item of {what} has offsets {start!r}-{end!r}, which are not whole numbers")
            if not 0 <= start < end <= length:
                raise self.fail(f"an item of {what}, {start}-{end}, does not fit the text, which has {length} "
                                "characters")
            if not isinstance(label, str):
                raise self.fail(f"an item of {what} has the label {label!r}, which is not a string")
            kb_id = item[3] if len(item) == 4 else ""
            if not isinstance(kb_id, str):
                raise self.fail(f"an item of {what} has the knowledge-base id {kb_id!r}, which is not a string")
            if label.strip():
                placed.add(start, end, label, kb_id)
            else:
                self.report.add("spaCy v2 entities without a label")

    def _count_others(self, annotations: dict[str, Any]) -> None:
        for key, value in annotations.items():
            if key in ("entities", "spans", "cats"):
                continue
            count = len(value) if isinstance(value, (list, dict)) else 1
            if key.lower() in TOKEN_KEYS:
                self.report.add(f'spaCy v2 token annotations "{key}" (per token; tokens are not part of the schema)',
                                count)
            elif key == "links":
                self.report.add('spaCy v2 entity links ("links"; a span keeps a kb_id given with the entity)', count)
            else:
                self.report.add(f'spaCy v2 annotations under "{key}" (not something spaCy v2 trains on)', count)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _shape(value: Any) -> str:
    """What a misplaced value is, shortly: its JSON type, and a list's length."""
    if isinstance(value, list):
        return f"a list of {len(value)}"
    names = {dict: "an object", str: "a string", bool: "true or false", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


FORMAT = register(Format(
    name="spacy-v2",
    description="spaCy v2 training tuples as JSON: [text, {entities, spans, cats}] pairs (import only)",
    target="file",
    suffix=".json",
    read=read,
))
