"""Writing WebAnno TSV 3.3: one ``<document id>.tsv`` per document in the folder OUT.

The layers follow INCEpTION's custom-layer conventions, as the XMI export does:
``webanno.custom.Span`` with features ``label``, ``annotator``, ``layer``, ``note``, ``actor`` and
one per attribute name, and ``webanno.custom.Relation`` (``label``, ``annotator``, ``layer``,
attributes) on it. Every file of an export declares the same features, so INCEpTION needs the
two layers defined once.

TSV has no sentences or tokens of ours, so they are made so that the text and every span come
back exactly: a sentence per line (a line break that a span starts or ends on stays inside its
sentence, since INCEpTION rebuilds the text between sentences from offsets), tokens at
whitespace, cut at every span boundary; whitespace becomes a token only where a span or the
text begins with it. A span covering several tokens, or sharing one with another span, carries
its disambiguation id (``[N]``); a relation sits on the first token of its dependent (tail) with
the governor's (head's) token in the ``BT_`` column.

Reported, not written: document labels, notes, titles, metadata and statuses, the gaps of
discontinuous spans (exported whole) and suggestions' scores, sources and statuses. Attribute
values that are not text are written as JSON text (``true``, ``0.9``, ``["a", "b"]``) and come
back as text, and attribute names that are not TSV feature names are written under a changed
name; both are counted.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from annotator.formats.base import LossReport
from annotator.formats.canonical import CanonicalDoc, CanonicalRelation, CanonicalSpan, ItemId
from annotator.formats.foreign import report_unexportable
from annotator.formats.inception_layers import OWN_FEATURES
from annotator.formats.webanno_tsv_escaping import escape_text, escape_value
from annotator.output_files import OutputSet, staging

SPAN_LAYER = "webanno.custom.Span"
RELATION_LAYER = "webanno.custom.Relation"
RELATION_FEATURES = OWN_FEATURES[:3]
FORMAT_HEADER = "#FORMAT=WebAnno TSV 3.3\n"
_FEATURE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_RESERVED = (*OWN_FEATURES, "referenceType", "referenceRelation")
_FORM_BREAKS = re.compile(r"[\t\n\r]")  # a token's form is not read back, but must keep its row one line


def export(docs: Iterable[CanonicalDoc], out: Path, report: LossReport, outputs: OutputSet | None = None) -> None:
    with staging(outputs) as files:
        docs = list(docs)
        span_features = _attribute_features(span for doc in docs for span in doc["spans"])
        relation_features = _attribute_features(relation for doc in docs for relation in doc["relations"])
        header = (f"{FORMAT_HEADER}#T_SP={'|'.join([SPAN_LAYER, *OWN_FEATURES, *span_features.values()])}\n"
                  f"#T_RL={'|'.join([RELATION_LAYER, *RELATION_FEATURES, *relation_features.values()])}"
                  f"|BT_{SPAN_LAYER}\n\n")
        used: set[str] = set()
        for doc in docs:
            _report(doc, report, span_features, relation_features)
            body = _Document(doc, span_features, relation_features).lines()
            files.write_text(out / _file_name(doc["id"], used), header + "".join(body), newline="")


def _attribute_features(items: Iterable[CanonicalSpan | CanonicalRelation]) -> dict[str, str]:
    """Attribute name → its feature name, in order of first use; names that are not Java
    identifiers (or are taken by the layer's own features) get one that is."""
    features: dict[str, str] = {}
    for item in items:
        for name in item.get("attrs") or {}:
            if name not in features:
                base = name if _FEATURE_NAME.fullmatch(name) else re.sub(r"\W", "_", name, flags=re.ASCII)
                base = base if base[:1].isalpha() and not base.startswith(("ROLE_", "BT_")) else f"a_{base}"
                feature, number = base, 1
                while feature in _RESERVED or feature in features.values():
                    number += 1
                    feature = f"{base}_{number}"
                features[name] = feature
    return features


def _report(doc: CanonicalDoc, report: LossReport, span_features: dict[str, str],
            relation_features: dict[str, str]) -> None:
    report_unexportable(doc, report, "WebAnno TSV", doc_labels=True, fragments=True)
    report.add("document notes (WebAnno TSV has none)", len(doc.get("notes", [])))
    report.add("document titles (WebAnno TSV has only the text; the file is named after the document)",
               1 if doc.get("title") and doc["title"] != doc["id"] else 0)
    report.add("documents' metadata (WebAnno TSV has none)", 1 if doc.get("meta") else 0)
    report.add("document statuses (WebAnno TSV has none)", len(doc.get("status") or {}))
    spans: list[CanonicalSpan] = doc["spans"]
    report.add("suggestions' scores, sources and review statuses (WebAnno TSV has none)",
               sum(1 for span in spans if span.get("score") is not None or span.get("source") or span.get("status")))
    attrs = [(features, name, value) for items, features in ((spans, span_features),
                                                             (doc["relations"], relation_features))
             for item in items for name, value in (item.get("attrs") or {}).items()]
    report.add("span and relation attribute values that are not text (written as JSON text, read back as text)",
               sum(1 for _features, _name, value in attrs if not isinstance(value, str)))
    report.add("span and relation attributes whose name is not a TSV feature name (written under another name)",
               sum(1 for features, name, _value in attrs if features[name] != name))


def _file_name(doc_id: str, used: set[str]) -> str:
    base = re.sub(r"[^\w.-]", "_", str(doc_id)).strip(".") or "document"
    name, number = base, 1
    while name.lower() in used:
        number += 1
        name = f"{base}_{number}"
    used.add(name.lower())
    return f"{name}.tsv"


def _cell_value(value: Any) -> str:
    """``*`` is no value; an empty string is an empty cell, as INCEpTION writes it."""
    if value is None:
        return "*"
    return escape_value(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


class _Document:
    """One document's sentences, tokens and cells."""

    def __init__(self, doc: CanonicalDoc, span_features: dict[str, str], relation_features: dict[str, str]) -> None:
        self.doc, self.text = doc, doc["text"]
        self.span_features, self.relation_features = span_features, relation_features
        self.spans = sorted(doc["spans"], key=lambda span: (span["start"], span["end"]))
        self.starts = {span["start"] for span in self.spans}
        self.ends = {span["end"] for span in self.spans}
        self.boundaries = sorted(self.starts | self.ends)
        self.utf16 = [0]
        for char in self.text:
            self.utf16.append(self.utf16[-1] + (2 if ord(char) > 0xFFFF else 1))

    def lines(self) -> list[str]:
        sentences = self._sentences()
        units = [(f"{number}-{position}", begin, end) for number, (sentence_begin, sentence_end) in
                 enumerate(sentences, start=1)
                 for position, (begin, end) in enumerate(self._tokens(sentence_begin, sentence_end), start=1)]
        on_unit: list[list[CanonicalSpan]] = [[] for _ in units]
        first_unit: dict[ItemId, int] = {}
        covered: dict[ItemId, int] = {}
        begins = [begin for _id, begin, _end in units]
        for span in self.spans:
            index = bisect_left(begins, span["start"])
            first_unit[span["id"]] = index
            while index < len(units) and units[index][2] <= span["end"]:
                on_unit[index].append(span)
                covered[span["id"]] = covered.get(span["id"], 0) + 1
                index += 1
        shared = {span["id"] for stacked in on_unit if len(stacked) > 1 for span in stacked}
        numbers = {span["id"]: number for number, span in enumerate(
            (span for span in self.spans if covered[span["id"]] > 1 or span["id"] in shared), start=1)}
        relations_on: dict[int, list[CanonicalRelation]] = {}
        for relation in self.doc["relations"]:
            relations_on.setdefault(first_unit[relation["tail"]], []).append(relation)
        out = []
        unit_index = 0
        blank = "_\t" * (len(OWN_FEATURES) + len(self.span_features) + len(RELATION_FEATURES)
                         + len(self.relation_features) + 1)  # a token nothing is on
        for sentence_begin, sentence_end in sentences:
            out.append("\n" + "".join(f"#Text={escape_text(line)}\n"
                                      for line in self.text[sentence_begin:sentence_end].split("\n")))
            while unit_index < len(units) and units[unit_index][1] < sentence_end:
                unit_id, begin, end = units[unit_index]
                cells = blank
                if on_unit[unit_index] or unit_index in relations_on:
                    cells = "".join(cell + "\t" for cell in self._span_cells(on_unit[unit_index], numbers)
                                    + self._relation_cells(relations_on.get(unit_index, []), units, first_unit,
                                                           numbers))
                form = _FORM_BREAKS.sub(lambda match: repr(match[0])[1:-1], self.text[begin:end])
                out.append(f"{unit_id}\t{self.utf16[begin]}-{self.utf16[end]}\t{form}\t{cells}\n")
                unit_index += 1
        return out

    def _sentences(self) -> list[tuple[int, int]]:
        """One sentence per line; a line break a span starts on or ends after stays inside."""
        sentences, begin = [], 0
        for index, char in enumerate(self.text):
            if (char == "\n" and index > begin and index + 1 < len(self.text) and not self.text[index + 1].isspace()
                    and index not in self.starts and index + 1 not in self.ends):
                sentences.append((begin, index))
                begin = index + 1
        sentences.append((begin, len(self.text)))
        return sentences

    def _tokens(self, begin: int, end: int) -> list[tuple[int, int]]:
        inside = self.boundaries[bisect_right(self.boundaries, begin):bisect_left(self.boundaries, end)]
        cuts = sorted({begin, end, *inside, *(index for index in range(begin + 1, end)
                                              if self.text[index - 1].isspace() != self.text[index].isspace())})
        return [(left, right) for left, right in zip(cuts, cuts[1:], strict=False)
                if not self.text[left].isspace() or left == begin or left in self.starts or right in self.ends]

    def _span_cells(self, stacked: Sequence[CanonicalSpan], numbers: dict[ItemId, int]) -> list[str]:
        def cell(values: list[Any]) -> str:
            return "|".join(_cell_value(value) + (f"[{numbers[span['id']]}]" if span["id"] in numbers else "")
                            for span, value in zip(stacked, values, strict=True)) if stacked else "_"

        return [cell([span.get(name) for span in stacked]) for name in OWN_FEATURES] + [
            cell([(span.get("attrs") or {}).get(attribute) for span in stacked]) for attribute in self.span_features]

    def _relation_cells(self, relations: Sequence[CanonicalRelation], units: list[tuple[str, int, int]],
                        first_unit: dict[ItemId, int], numbers: dict[ItemId, int]) -> list[str]:
        cells = [[_cell_value(relation.get(name)) for relation in relations] for name in RELATION_FEATURES]
        cells += [[_cell_value((relation.get("attrs") or {}).get(attribute)) for relation in relations]
                  for attribute in self.relation_features]
        references = []
        for relation in relations:
            reference = units[first_unit[relation["head"]]][0]
            head, tail = numbers.get(relation["head"], 0), numbers.get(relation["tail"], 0)
            references.append(reference + (f"[{head}_{tail}]" if head or tail else ""))
        return ["|".join(cell) if relations else "_" for cell in [*cells, references]]


