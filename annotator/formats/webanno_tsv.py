"""WebAnno TSV 3 (INCEpTION's main exchange format): one document per ``.tsv`` file, both ways.

The file, as INCEpTION's documentation and its TSV3 test suite show it: ``#FORMAT=WebAnno TSV
3.3``; one header line per layer (``#T_SP=`` span, ``#T_RL=`` relation, ``#T_CH=`` chain) naming
its type and features (``|``), a relation layer last with ``BT_`` and the type its ends are on;
two blank lines; then each sentence as ``#Text=`` lines and one row per token (``1-3``) and
sub-token (``1-3.1``): id, offsets, form, and one cell per feature column. ``_`` is no
annotation, ``*`` an annotation without a value; stacked annotations are separated by ``|``;
``[N]`` marks an annotation that spans several rows or shares one (its disambiguation id); a
relation sits on its dependent's row with the governor's row in its ``BT_`` column (``1-1[0_2]``
with their ids when either needs one). Offsets count UTF-16 units (converted to code points
here); the text is the sentences' lines, sentences joined by a line break or the spaces their
offsets leave, exactly as INCEpTION rebuilds it (without the line break it adds at the end).

Reading: span and relation layers become labels as ``inception_layers`` decides (the user's
``--map``, else the label feature's value, else the layer's name); a relation is kept when both
its ends are spans read from the file. Chains, slot features, zero-width annotations, DKPro
linguistic layers (POS, Lemma, Dependency…) and sentence ids are counted in the loss report by
kind. This app's own export (``webanno_tsv_write``) comes back with its annotators, layers, notes,
actors and text attributes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.errors import Errors, UserError
from annotator.formats.base import Format, LossReport, ReadOptions, register
from annotator.formats.canonical import CanonicalDoc, ItemId, new_document
from annotator.formats.foreign import add_relation, add_span
from annotator.formats.inception_layers import (
    OWN_FEATURES,
    LabelMap,
    Layer,
    label_and_attributes,
    linguistic_kind,
    linguistic_loss,
    short_name,
)
from annotator.formats.webanno_tsv_escaping import split_suffix, split_unescaped, unescape_text, unescape_value
from annotator.formats.webanno_tsv_write import export

NAME = "webanno-tsv"
_FORMAT = re.compile(r"#FORMAT=(.*) (\d+)\.(\d+)")
_UNIT_ID = re.compile(r"(\d+)-(\d+)(?:\.(\d+))?")
_OFFSETS = re.compile(r"(\d+)-(\d+)")
_PREFIXES = {"#T_SP=": "span", "#T_RL=": "relation", "#T_CH=": "chain"}
TOKEN_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token"
DEPENDENCY_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.syntax.type.dependency.Dependency"
_CHAIN_NOTE = "chain layer; chains are not part of the schema"


@dataclass(frozen=True)
class _Column:
    """One feature column: ``role`` is value, placeholder (a layer without features), ref (a
    relation's ``BT_`` column), slot_role, slot_target, chain_type or chain_link."""

    layer: str
    kind: str
    role: str
    feature: str = ""
    target: str = ""  # the type a relation's ends or a slot's targets are on


@dataclass(eq=False)
class _Annotation:
    layer: str
    begin: int
    end: int
    line: int
    values: dict[str, str | None] = field(default_factory=dict)


@dataclass(eq=False)
class _Relation:
    layer: str
    unit: _Unit
    line: int
    values: dict[str, str | None] = field(default_factory=dict)
    source: str = ""  # the governor's unit id
    ids: tuple[int, int] = (0, 0)  # the governor's and dependent's disambiguation ids (0: none needed)


@dataclass(eq=False)
class _Unit:
    """A token or sub-token row, offsets in UTF-16 units, with its annotations by layer in
    stacking order."""

    id: str
    begin: int
    end: int
    line: int
    spans: dict[str, list[_Annotation]] = field(default_factory=dict)
    relations: dict[str, list[_Relation]] = field(default_factory=dict)


def read(paths: Sequence[Path], options: ReadOptions, report: LossReport) -> Iterator[CanonicalDoc]:
    """Every ``.tsv`` of each PATH (a file, or a folder searched recursively), a file read as its
    document is taken (ingestion rolls the whole input back when a later file is bad)."""
    files = []
    for path in paths:
        found = [path] if path.is_file() else sorted(path.rglob("*.tsv"))
        if not found:
            raise UserError(Errors.E879.format(path=path, what=".tsv"))
        files += found
    for file in files:
        yield _TsvReader(file, options, report).document()


class _TsvReader:
    def __init__(self, path: Path, options: ReadOptions, report: LossReport) -> None:
        self.path, self.options, self.report = path, options, report
        self.label_map = LabelMap(options.label_map)
        self.columns: list[_Column] = []
        self.minor = 3
        self.text: list[str] = []  # the document text so far, in pieces
        self.length16 = 0  # its length in UTF-16 units
        self.units: dict[str, _Unit] = {}
        self.annotations: list[_Annotation] = []
        self.relations: list[_Relation] = []
        self.by_id: dict[int, _Annotation] = {}  # disambiguation id → annotation, over all layers
        self.chain_links: dict[str, set[str]] = {}  # chain layer → "chain-element" positions
        self.layers: dict[str, Layer] = {}

    def fail(self, line: int, problem: str) -> UserError:
        return UserError(Errors.E964.format(path=self.path, line=line, problem=problem))

    def document(self) -> CanonicalDoc:
        try:
            content = self.path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise UserError(Errors.E962.format(path=self.path, problem=error)) from None
        lines = [line.removesuffix("\r") for line in content.split("\n")]
        body = self._header(lines)
        self._body(lines, body)
        text = "".join(self.text).removesuffix("\n")  # INCEpTION ends the last sentence with a line break
        doc = new_document(self.path.stem, text)
        self._store(doc, _code_points(text))
        return doc

    # --- header

    def _header(self, lines: list[str]) -> int:
        """Read the format line and the layer declarations; returns the body's first line index."""
        found = _FORMAT.fullmatch(lines[0].strip()) if lines else None
        if not found or found[1] != "WebAnno TSV" or found[2] != "3":
            raise UserError(Errors.E963.format(path=self.path, line=(lines[0] if lines else "")[:80]))
        self.minor = int(found[3])
        index = 1
        while index < len(lines) and lines[index][:6] in _PREFIXES:
            self._layer_line(lines[index], index + 1)
            index += 1
        return index

    def _layer_line(self, line: str, number: int) -> None:
        kind = _PREFIXES[line[:6]]
        parts = [part for part in line[6:].split("|") if part]
        if not parts:
            raise self.fail(number, f"the layer line '{line[:6]}' names no layer")
        layer, *fields = parts
        if not fields:
            self.columns.append(_Column(layer, kind, "placeholder"))
        for position, name in enumerate(fields):
            if kind == "span" and name.startswith("ROLE_"):
                role = name.split("_")[1] if name.count("_") >= 2 else ""
                self.columns.append(_Column(layer, kind, "slot_role", role.partition(":")[2] or role))
            elif kind == "span" and position and self.columns[-1].role == "slot_role":
                self.columns.append(_Column(layer, kind, "slot_target", self.columns[-1].feature, name))
            elif kind == "relation" and name.startswith("BT_"):
                self.columns.append(_Column(layer, kind, "ref", target=name.removeprefix("BT_")))
            elif kind == "chain" and name in ("referenceType", "referenceRelation"):
                self.columns.append(_Column(layer, kind, "chain_type" if name == "referenceType" else "chain_link"))
            else:
                self.columns.append(_Column(layer, kind, "value", name))
        if kind == "relation" and not any(c.layer == layer and c.role == "ref" for c in self.columns):
            raise self.fail(number, f"the relation layer {layer} names no BT_ column (the type its ends are on)")

    # --- body

    def _body(self, lines: list[str], start: int) -> None:
        state, token = "between", None
        sentence: list[str] = []
        for index in range(start, len(lines)):
            line, number = lines[index], index + 1
            if state != "tokens" and line.startswith("#"):
                if state == "between":
                    sentence = []
                state = "header"
                self._sentence_header(line, sentence)
            elif not line:
                if state == "header":
                    raise self.fail(number, "a sentence (#Text=) has no token rows")
                state = "between"
            elif state == "between":
                raise self.fail(number, "a token row must follow its sentence's #Text= line")
            else:
                unit = self._unit(line, number, token)
                if state == "header":
                    self._place_sentence(sentence, unit.begin, number)
                if "." not in unit.id:
                    token = unit
                state = "tokens"
                self._cells(unit, line.split("\t")[3:])
        if state == "header":
            raise self.fail(len(lines), "a sentence (#Text=) has no token rows")

    def _sentence_header(self, line: str, sentence: list[str]) -> None:
        if line.startswith("#Text="):
            sentence.append(unescape_text(line[6:], self.minor) + "\n")
        elif line.startswith("#Sentence.id="):
            self.report.add("sentence ids (#Sentence.id; sentences are not stored)")
        else:
            self.report.add("sentence header lines other than #Text and #Sentence.id")

    def _place_sentence(self, sentence: list[str], begin: int, number: int) -> None:
        """Append a sentence where its first token says it begins, as INCEpTION does: over the
        previous sentence's closing line break, or after spaces filling a gap."""
        if self.length16 == begin + 1 and self.text and self.text[-1].endswith("\n"):
            self.text[-1] = self.text[-1][:-1]
            self.length16 -= 1
        elif self.length16 > begin:
            raise self.fail(number, f"the sentence's first token starts at {begin}, inside the text before it "
                                    f"({self.length16} UTF-16 units long)")
        elif begin > self.options.limits.max_document_chars:  # the gap would be filled with spaces
            raise self.fail(number, f"the sentence starts at offset {begin:,}, past the longest document this "
                                    f"project takes ({self.options.limits.max_document_chars:,} characters, see "
                                    "'annotator limits')")
        self.text.append(" " * (begin - self.length16) + "".join(sentence))
        self.length16 = begin + sum(_utf16_length(part) for part in sentence)

    def _unit(self, line: str, number: int, token: _Unit | None) -> _Unit:
        fields = line.split("\t")
        if len(fields) < 3 + len(self.columns):
            raise self.fail(number, f"a token row needs {3 + len(self.columns)} tab-separated fields (id, "
                                    f"offsets, token and one per column of the header), this one has {len(fields)}")
        unit_id, offsets = _UNIT_ID.fullmatch(fields[0]), _OFFSETS.fullmatch(fields[1])
        if not unit_id or not offsets or int(offsets[1]) > int(offsets[2]):
            raise self.fail(number, f"'{fields[0]}\t{fields[1]}' is not a token id and offsets such as '1-3\t9-14'")
        if fields[0] in self.units:
            raise self.fail(number, f"the token id {fields[0]} is used twice")
        if unit_id[3] is not None and (token is None or not fields[0].startswith(token.id + ".")):
            raise self.fail(number, f"the sub-token {fields[0]} does not follow its token")
        unit = _Unit(fields[0], int(offsets[1]), int(offsets[2]), number)
        self.units[unit.id] = unit
        return unit

    def _cells(self, unit: _Unit, cells: list[str]) -> None:
        for column, cell in zip(self.columns, cells, strict=False):
            if cell == "_":
                continue
            for stack, value in enumerate(split_unescaped(cell, "|")):
                if column.kind == "span":
                    self._span_value(unit, column, stack, value)
                elif column.kind == "relation":
                    self._relation_value(unit, column, stack, value)
                elif column.role == "chain_link":
                    self.chain_links.setdefault(column.layer, set()).add(split_suffix(value)[1] or unit.id)

    def _span_value(self, unit: _Unit, column: _Column, stack: int, value: str) -> None:
        suffix = None
        if column.role != "slot_target":
            value, suffix = split_suffix(value)
        annotation = self._annotation(unit, column.layer, stack, self._number(suffix, unit.line))
        if column.role == "value":
            annotation.values[column.feature] = None if value == "*" else unescape_value(value)
        elif column.role == "slot_target":
            links = [link for link in split_unescaped(value, ";") if link not in ("*", "_", "")]
            self.report.add(f"slot links of {short_name(column.layer)} ({column.feature}; slot features are not "
                            "part of the schema)", len(links))

    def _annotation(self, unit: _Unit, layer: str, stack: int, number: int | None) -> _Annotation:
        """The annotation at this stacking position of the unit: one another column of the layer
        made, one with the same disambiguation id on an earlier row (now reaching this row), or new."""
        stacked = unit.spans.setdefault(layer, [])
        if stack < len(stacked):
            annotation = stacked[stack]
        elif number and number in self.by_id:
            annotation = self.by_id[number]
            annotation.end = unit.end
            stacked.append(annotation)
        else:
            annotation = _Annotation(layer, unit.begin, unit.end, unit.line)
            self.annotations.append(annotation)
            stacked.append(annotation)
        if number:
            self.by_id[number] = annotation
        return annotation

    def _relation_value(self, unit: _Unit, column: _Column, stack: int, value: str) -> None:
        stacked = unit.relations.setdefault(column.layer, [])
        if stack >= len(stacked):
            stacked.append(_Relation(column.layer, unit, unit.line))
            self.relations.append(stacked[-1])
        relation = stacked[stack]
        value, suffix = split_suffix(value)
        if column.role == "value":
            relation.values[column.feature] = None if value == "*" else unescape_value(value)
        elif column.role == "ref":
            ids = (suffix or "0_0").split("_")
            relation.source = value
            relation.ids = (self._number(ids[0], unit.line) or 0, self._number(ids[-1], unit.line) or 0)

    def _number(self, text: str | None, line: int) -> int | None:
        if text is None:
            return None
        if not text.isdigit():
            raise self.fail(line, f"'[{text}]' is not a disambiguation id (a number in brackets)")
        return int(text)

    # --- the canonical document

    def _store(self, doc: CanonicalDoc, code_points: list[int]) -> None:
        for unit in self.units.values():
            if unit.end >= len(code_points) or code_points[unit.begin] < 0 or code_points[unit.end] < 0:
                raise self.fail(unit.line, f"the offsets {unit.begin}-{unit.end} do not fit the sentences' text "
                                           f"({len(code_points) - 1} UTF-16 units) or cut a character in two")
        ids: dict[_Annotation | None, ItemId] = {}
        for annotation in self.annotations:
            span_id = self._span(doc, annotation, code_points)
            if span_id is not None:
                ids[annotation] = span_id
        for relation in self.relations:
            self._relation(doc, relation, ids)
        for layer, links in self.chain_links.items():
            self.report.add(f"{short_name(layer)} chain links ({_CHAIN_NOTE})", len(links))
            head = short_name(layer).removesuffix("Link") + "Chain"  # INCEpTION's naming of a chain's head type
            self.report.add(f"{head} chains ({_CHAIN_NOTE})", len({link.split("-")[0] for link in links}))

    def _layer(self, name: str) -> Layer:
        if name not in self.layers:
            self.layers[name] = Layer(name, tuple(c.feature for c in self.columns if c.layer == name
                                                  and c.role == "value"))
        return self.layers[name]

    def _relation_ends(self, name: str) -> tuple[str, bool]:
        """The type a relation layer's ends are on, and whether the file has a span layer of it."""
        target = next(c.target for c in self.columns if c.layer == name and c.role == "ref")
        if name == DEPENDENCY_TYPE:  # INCEpTION writes BT_…POS for dependencies on tokens
            target = TOKEN_TYPE
        return target, any(c.layer == target and c.kind == "span" for c in self.columns)

    def _span(self, doc: CanonicalDoc, annotation: _Annotation, code_points: list[int]) -> ItemId | None:
        layer = self._layer(annotation.layer)
        kind = linguistic_kind(layer.name)
        if kind:
            self.report.add(linguistic_loss(kind))
            return None
        start, end = code_points[annotation.begin], code_points[annotation.end]
        if start == end:
            self.report.add(f"{layer.short} annotations of zero width (a span needs at least one character)")
            return None
        label, extra = self._labelled(layer, annotation.values, annotation.line)
        return add_span(doc, start, end, label, self.options, where=(self.path, annotation.line), **extra)["id"]

    def _relation(self, doc: CanonicalDoc, relation: _Relation, ids: dict[_Annotation | None, ItemId]) -> None:
        layer = self._layer(relation.layer)
        kind = linguistic_kind(layer.name)
        if kind:
            self.report.add(linguistic_loss(kind, "relations"))
            return
        target, in_file = self._relation_ends(relation.layer)
        head = self._resolve(target, relation.source, relation.ids[0])
        tail = self._resolve(target, relation.unit.id, relation.ids[1])
        if head in ids and tail in ids:
            label, extra = self._labelled(layer, relation.values, relation.line)
            extra.pop("note", None), extra.pop("actor", None)
            add_relation(doc, ids[head], ids[tail], label, self.options, **extra)
        elif head is not None and tail is not None:
            self.report.add(f"{layer.short} relations whose ends were left out")
        elif in_file:
            self.report.add(f"{layer.short} relations whose ends are not in the file")
        else:
            self.report.add(f"{layer.short} relations between {short_name(target)} annotations, which are not "
                            "imported")

    def _resolve(self, layer: str, unit_id: str, number: int) -> _Annotation | None:
        """The annotation a relation end refers to: by its disambiguation id, else the first of
        its layer on the unit (INCEpTION writes an id whenever that would be ambiguous)."""
        if number > 0:
            return self.by_id.get(number)
        unit = self.units.get(unit_id)
        stacked = unit.spans.get(layer) if unit else None
        return stacked[0] if stacked else None

    def _labelled(self, layer: Layer, values: dict[str, str | None], line: int) -> tuple[str, dict[str, Any]]:
        label, attrs = label_and_attributes(layer, values, self.label_map, self.path)
        if not layer.own:
            return label, {"attrs": attrs}
        return label, {**{name: values[name] for name in OWN_FEATURES[1:] if values.get(name)}, "attrs": attrs}


def _utf16_length(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _code_points(text: str) -> list[int]:
    """UTF-16 offset → code point offset of ``text`` (its length + 1 entries), -1 inside a pair."""
    table = []
    for index, char in enumerate(text):
        table.append(index)
        if ord(char) > 0xFFFF:
            table.append(-1)
    table.append(len(text))
    return table


FORMAT = register(Format(
    name=NAME,
    description="WebAnno TSV 3 (INCEpTION; span, relation and stacked annotations, one .tsv per document)",
    target="folder",
    suffix="",
    export=export,
    read=read,
))
