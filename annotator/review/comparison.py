"""What the reviewer compares: every place where the annotators' layers of one document differ.

Why a module of its own: the comparison covers everything the schema holds, and each kind of
item needs its own matching, while adjudication (``adjudicate``) only writes decisions.

Items, in text order (document labels first, they belong to no place):

- span items, the spans of the compared annotators grouped where they overlap, as before:
  ``agreement`` (every annotator has the same (start, end, label) spans), ``label`` (the labels
  differ), ``boundary`` (same labels, other offsets), ``only_one`` (not every annotator marked
  something here). Spans that agree on offsets and label but not on an attribute value or the
  actor link are not an agreement: each differing attribute is an ``attribute`` item (``key``;
  a value one annotator left unset is the value ``NOT_SET``, so "evaluation" against nothing is
  a difference), a differing actor link an ``actor`` item; the spans of the group that agree on
  everything stay one ``agreement`` item.
- ``relation`` items: relations matched by their two ends' (start, end, label), each annotator's
  version being the types they gave between those ends; listed when not every annotator made the
  same types there (one made none, or the ends match and the types differ).
- ``doc_label`` items: document labels one annotator set and another did not, per group of
  mutually exclusive labels (``key`` the group, a version the labels in it) or per ungrouped
  label.

Each item says whether gold already holds a decision for it (``in_gold``): gold has a span
identical to one of the versions (span kinds); the gold copy (same offsets and label) holds one of
the versions' values (attribute, actor); gold has, between the gold copies of the ends, exactly
one annotator's relation types (relation); gold's labels of the group are one annotator's
(doc_label). A version that is "nothing" (no relation, no label) cannot be told apart from "not
decided yet" in gold, and a non-span item has no spans of its own to mark rejected: such decisions
are kept in the ``review_decision`` table (``annotator.store.review_decisions``) under the item's
``item_key``, a text naming what the item is about (kind, offsets, labels, attribute key, relation
ends, the versions compared), never row ids, so it outlives re-imports; a changed version is a new
item, pending again. An item with a decision counts as decided (``rejected``, or ``gold`` for a
version taken). The review marks of the annotators' spans (accepted, rejected, None) come with the
span records (``status``).

Everything is read with one query per table (spans, relations, document labels, decisions), not
per item.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from annotator.store import review_decisions
from annotator.store.project import Project
from annotator.store.records import RelationRecord, SpanRecord
from annotator.store.tables import ANNOTATOR, DOC_LABEL, LABEL

GOLD = "gold"
SPAN_KINDS = ("agreement", "label", "boundary", "only_one")
KINDS = (*SPAN_KINDS, "attribute", "actor", "relation", "doc_label")

SpanKey = tuple[int, int, str]  # (start, end, label): what makes two spans the same span


class _NotSet:
    """The value of an attribute an annotator left unset: a value of its own in the comparison."""

    def __repr__(self) -> str:
        return "(not set)"


NOT_SET: Any = _NotSet()


@dataclass(frozen=True)
class Difference:
    """One compared item (module docstring). ``values`` is each compared annotator's version, in
    the order compared: an attribute value or ``NOT_SET``, an actor name or None, a tuple of
    relation types, a tuple of document labels. ``gold`` is the gold copy of the item's span
    (attribute and actor items), ``gold_value`` what gold holds now (None: no gold copy yet)."""

    kind: str
    start: int
    end: int
    spans: tuple[SpanRecord, ...]
    annotators: tuple[str, ...]
    in_gold: bool
    key: str | None = None
    values: tuple[tuple[str, Any], ...] = ()
    gold: SpanRecord | None = None
    gold_value: Any = None
    relations: tuple[RelationRecord, ...] = ()
    gold_relations: tuple[RelationRecord, ...] = ()
    scope: tuple[str, ...] = ()  # doc_label: the labels the item decides (the group's)
    document_id: int = 0  # the document (set on every item by ``compare``)
    item_key: str | None = None  # non-span items: the key a decision is kept under (module docstring)
    decision: str | None = None  # the reviewer's recorded decision: "rejected", "taken:<annotator>"

    def value_of(self, annotator: str) -> Any:
        return dict(self.values).get(annotator)

    @property
    def marks(self) -> dict[int, str | None]:
        """The review mark of each annotator span of the item: accepted, rejected or None (pending)."""
        return {span.id: span.status for span in self.spans}

    @property
    def rejected(self) -> bool:
        """Every annotator span of a span item was turned down, or the reviewer rejected the
        non-span item (nothing of it goes to gold)."""
        if self.kind not in SPAN_KINDS:
            return self.decision == review_decisions.REJECTED
        return bool(self.spans) and all(s.status == "rejected" for s in self.spans)

    @property
    def taken(self) -> bool:
        """The reviewer took a version gold already held (an annotator's "nothing")."""
        return self.decision is not None and self.decision.startswith(review_decisions.TAKEN)

    @property
    def state(self) -> str:
        """``gold`` (decided into gold, or a version taken that gold held), ``rejected`` or ``pending``."""
        return "gold" if self.in_gold or self.taken else "rejected" if self.rejected else "pending"


def value_text(value: Any) -> str:
    """A version as the reviewer reads it: "(not set)", "(none)", "yes", "a, b"."""
    if value is NOT_SET:
        return "(not set)"
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value) if value else "(none)"
    return str(value)


def _comparable(value: Any) -> Any:
    """Multichoice values compare as sets: ["a", "b"] and ["b", "a"] are the same answer."""
    if isinstance(value, list):
        return tuple(sorted(str(item) for item in value))
    return value


def _key(span: SpanRecord) -> SpanKey:
    return span.start, span.end, span.label


def _item_key(*parts: Any) -> str:
    """The text a non-span item's decision is kept under: what the item is about, as JSON."""
    return json.dumps(parts, separators=(",", ":"), sort_keys=True, default=str)


def _versions(values: tuple[tuple[str, Any], ...]) -> list[list[Any]]:
    """The compared versions for an item key: multichoice values as sets, an unset value marked."""
    return [[name, {"not_set": True} if value is NOT_SET else _comparable(value)] for name, value in values]


def compare(project: Project, doc_id: int, annotators: Sequence[str]) -> list[Difference]:
    """The compared items of one document, in text order (module docstring)."""
    names = tuple(dict.fromkeys(annotators))
    annotations = project.annotations
    spans, gold_spans = [], []
    for span in annotations.spans(doc_id, layers=["annotation", GOLD]):
        if span.layer == GOLD:
            gold_spans.append(span)
        elif span.annotator in names:
            spans.append(span)
    relations = annotations.relations(doc_id, layers=["annotation", GOLD])
    gold_index: dict[SpanKey, SpanRecord] = {}
    for span in sorted(gold_spans, key=lambda s: s.id):
        gold_index.setdefault(_key(span), span)
    items = _doc_label_items(project, doc_id, names)
    placed = [item for group in places(spans) for item in _span_items(group, names, gold_index)]
    placed += _relation_items(spans, gold_spans, relations, names)
    placed.sort(key=lambda item: (item.start, -item.end, KINDS.index(item.kind)))
    with project.reading() as connection:
        decisions = review_decisions.of_document(connection, doc_id)
    return [dataclasses.replace(item, document_id=doc_id,
                                decision=decisions.get(item.item_key) if item.item_key else None)
            for item in items + placed]


# --- spans -----------------------------------------------------------------------------------


def places(spans: Sequence[SpanRecord]) -> list[list[SpanRecord]]:
    """The spans grouped where they overlap, in text order: the places the comparison lists and
    Accept all agreed (``annotator.review.agreed``) decides on."""
    spans = sorted(spans, key=lambda s: (s.start, -s.end, s.id))
    groups: list[list[SpanRecord]] = []
    group_end = -1
    for span in spans:
        if groups and span.start < group_end:
            groups[-1].append(span)
            group_end = max(group_end, span.end)
        else:
            groups.append([span])
            group_end = span.end
    return groups


def _span_items(group: list[SpanRecord], names: tuple[str, ...],
                gold_index: dict[SpanKey, SpanRecord]) -> list[Difference]:
    present = tuple(name for name in names if any(s.annotator == name for s in group))
    keys = {name: sorted(_key(s) for s in group if s.annotator == name) for name in present}
    start, end = min(s.start for s in group), max(s.end for s in group)
    in_gold = any(_key(s) in gold_index for s in group)
    if len(present) < len(names):
        kind = "only_one"
    elif all(keys[name] == keys[present[0]] for name in present):
        return _agreed(group, present, gold_index)
    elif len({tuple(sorted(label for _s, _e, label in keys[name])) for name in present}) > 1:
        kind = "label"
    else:
        kind = "boundary"
    return [Difference(kind, start, end, tuple(group), present, in_gold)]


def _agreed(group: list[SpanRecord], names: tuple[str, ...],
            gold_index: dict[SpanKey, SpanRecord]) -> list[Difference]:
    """Spans all annotators made alike: an attribute or actor item for each value they differ
    on, and one agreement item for the spans that agree on everything."""
    own = {name: sorted((s for s in group if s.annotator == name), key=lambda s: (*_key(s), s.id)) for name in names}
    agreed: list[SpanRecord] = []
    items: list[Difference] = []
    for matched in zip(*(own[name] for name in names), strict=True):
        found = _value_items(matched, names, gold_index.get(_key(matched[0])))
        if found:
            items += found
        else:
            agreed += matched
    if agreed:
        in_gold = any(_key(s) in gold_index for s in agreed)
        items.insert(0, Difference("agreement", min(s.start for s in agreed), max(s.end for s in agreed),
                                   tuple(agreed), names, in_gold))
    return items


def _value_items(matched: tuple[SpanRecord, ...], names: tuple[str, ...],
                 gold: SpanRecord | None) -> list[Difference]:
    """The attribute values and actor link the matched spans (one per annotator) differ on."""
    first = matched[0]
    items = []
    for key in sorted({str(key) for span in matched for key in span.attrs}):
        values = tuple((span.annotator, span.attrs.get(key, NOT_SET)) for span in matched)
        if len({repr(_comparable(value)) for _name, value in values}) > 1:
            gold_value = None if gold is None else gold.attrs.get(key, NOT_SET)
            # a gold copy without the key is "not decided yet" as much as "decided: not set" (Accept
            # all agreed leaves disputed keys out): that decision is a review decision, not gold's
            decided = gold_value not in (None, NOT_SET) and any(
                _comparable(v) == _comparable(gold_value) for _n, v in values)
            items.append(Difference("attribute", first.start, first.end, matched, names, decided, key=key,
                                    values=values, gold=gold, gold_value=gold_value,
                                    item_key=_item_key("attribute", first.start, first.end, first.label, key,
                                                       _versions(values))))
    actors = tuple((span.annotator, span.actor) for span in matched)
    if len({actor for _name, actor in actors}) > 1:
        gold_actor = None if gold is None else gold.actor
        decided = gold_actor is not None and any(actor == gold_actor for _name, actor in actors)
        items.append(Difference("actor", first.start, first.end, matched, names, decided, key="actor",
                                values=actors, gold=gold, gold_value=gold_actor,
                                item_key=_item_key("actor", first.start, first.end, first.label, _versions(actors))))
    return items


# --- relations ---------------------------------------------------------------------------------


Ends = tuple[SpanKey, SpanKey]


def _relation_items(spans: list[SpanRecord], gold_spans: list[SpanRecord], relations: list[RelationRecord],
                    names: tuple[str, ...]) -> list[Difference]:
    by_id = {span.id: span for span in spans}
    gold_by_id = {span.id: span for span in gold_spans}
    made: dict[Ends, dict[str, list[RelationRecord]]] = defaultdict(lambda: defaultdict(list))
    in_gold: dict[Ends, list[RelationRecord]] = defaultdict(list)
    for relation in relations:
        if relation.layer == GOLD:
            head, tail = gold_by_id.get(relation.head_id), gold_by_id.get(relation.tail_id)
            if head is not None and tail is not None:
                in_gold[(_key(head), _key(tail))].append(relation)
        elif relation.annotator in names and relation.head_id in by_id and relation.tail_id in by_id:
            made[(_key(by_id[relation.head_id]), _key(by_id[relation.tail_id]))][relation.annotator].append(relation)
    items = []
    for ends, versions in made.items():
        values = tuple((name, _types(versions.get(name, ()))) for name in names)
        if len({types for _name, types in values}) == 1:
            continue  # everyone gave the same types between the same ends: agreed
        gold_relations = tuple(in_gold.get(ends, ()))
        gold_types = _types(gold_relations)
        ends_spans = tuple(by_id[end] for end in dict.fromkeys(
            end for found in versions.values() for r in found for end in (r.head_id, r.tail_id)))
        (head_start, head_end, _h), (tail_start, tail_end, _t) = ends
        items.append(Difference(
            "relation", min(head_start, tail_start), max(head_end, tail_end), ends_spans,
            tuple(name for name in names if versions.get(name)),
            bool(gold_types) and any(types == gold_types for _name, types in values),
            values=values, gold_value=gold_types,
            relations=tuple(r for name in names for r in versions.get(name, ())), gold_relations=gold_relations,
            item_key=_item_key("relation", list(ends[0]), list(ends[1]), _versions(values))))
    return items


def _types(relations: Iterable[RelationRecord]) -> tuple[str, ...]:
    return tuple(sorted({relation.label for relation in relations}))


# --- document labels ---------------------------------------------------------------------------


def _doc_label_items(project: Project, doc_id: int, names: tuple[str, ...]) -> list[Difference]:
    with project.reading() as connection:
        rows = connection.execute(
            sa.select(ANNOTATOR.c.name, DOC_LABEL.c.layer, LABEL.c.name)
            .join(ANNOTATOR, ANNOTATOR.c.id == DOC_LABEL.c.annotator_id)
            .join(LABEL, LABEL.c.id == DOC_LABEL.c.label_id)
            .where(DOC_LABEL.c.document_id == doc_id, DOC_LABEL.c.layer.in_(["annotation", GOLD]))
            .order_by(DOC_LABEL.c.id)).all()
    labels: dict[str, set[str]] = {name: set() for name in names}
    gold: set[str] = set()
    for who, layer, label in rows:
        if layer == GOLD:
            gold.add(label)
        elif who in labels:
            labels[who].add(label)
    groups = {spec.name: spec.group for spec in project.schema.document_labels}
    members: dict[str, list[str]] = defaultdict(list)
    for spec in project.schema.document_labels:
        if spec.group:
            members[spec.group].append(spec.name)
    scopes: dict[str, tuple[str, ...]] = {}
    for label in sorted(set().union(*labels.values())) if labels else ():
        group = groups.get(label)
        scopes.setdefault(group or label, tuple(members[group]) if group else (label,))
    items = []
    for key, scope in scopes.items():
        values = tuple((name, tuple(sorted(labels[name] & set(scope)))) for name in names)
        if len({value for _name, value in values}) == 1:
            continue
        gold_value = tuple(sorted(gold & set(scope)))
        decided = bool(gold_value) and any(value == gold_value for _name, value in values)
        items.append(Difference("doc_label", 0, 0, (), tuple(name for name, value in values if value), decided,
                                key=key, values=values, gold_value=gold_value, scope=scope, document_id=doc_id,
                                item_key=_item_key("doc_label", key, _versions(values))))
    return items
