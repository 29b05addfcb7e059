"""What "Accept all agreed" takes into gold: the spans, attribute values and relations every
compared annotator made the same way, and what it leaves to the reviewer.

Decisions:
- A place is agreed when every annotator marked it with the same spans (offsets and label);
  its spans are matched across annotators in text order, one group per gold copy.
- An attribute value is agreed when every annotator's span of a group gives that key the same
  value. The gold copy gets only agreed values: a key they gave differently (or only some gave)
  is left out and counted, so the attribute stays a difference for the reviewer to settle
  instead of the first annotator's value winning silently. The same holds for the actor link:
  the gold copy is linked only when every annotator linked the same actor.
- A relation is agreed when every annotator made a relation of that type between spans with the
  same offsets and labels at both ends; it goes to gold between the gold copies of its ends,
  with its agreed attribute values.
- A place already decided (every span there marked accepted or rejected) is the reviewer's: it
  is skipped, even when gold there differs from what the annotators now agree on (the reviewer
  may have relabelled the copy on purpose). A place not yet decided whose gold holds something
  else (a version taken before the annotators changed their spans) is replaced, as taking a
  version replaces (``annotator.review.gold_replace``).

This module only reads; ``annotator.ops.adjudication.AcceptAgreed`` carries the plan out as one
operation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from annotator.review.comparison import places
from annotator.store.project import Project
from annotator.store.records import RelationRecord, SpanRecord

SpanKey = tuple[int, int, str]
DECIDED = frozenset({"accepted", "rejected"})


def span_key(span: SpanRecord) -> SpanKey:
    return span.start, span.end, span.label


@dataclass(frozen=True)
class AgreedSpan:
    """Every annotator's span at one agreed place and label (in the order annotators were
    given), the attribute values they all gave, the keys they gave differently, and whether
    they linked the same actor (or none)."""

    spans: tuple[SpanRecord, ...]
    attrs: dict[str, Any]
    disputed: tuple[str, ...]
    actor_agreed: bool = True


@dataclass(frozen=True)
class AgreedRelation:
    """A relation every annotator made between the same ends; ``origin`` is the first
    annotator's, as a gold span copied from an agreed place is theirs."""

    label: str
    head: SpanKey
    tail: SpanKey
    attrs: dict[str, Any]
    disputed: tuple[str, ...]
    origin: str


@dataclass(frozen=True)
class AgreedPlan:
    """What Accept all agreed takes (``items``: each undecided agreed place's groups; the agreed
    relations) and what it leaves: places whose versions differ, relations not every annotator
    made."""

    items: tuple[tuple[AgreedSpan, ...], ...]
    relations: tuple[AgreedRelation, ...]
    differing_items: int
    differing_relations: int


@dataclass(frozen=True)
class AgreedReport:
    """What Accept all agreed did, for the status bar and its message."""

    spans: int = 0  # gold copies made
    marked: int = 0  # annotators' spans marked accepted
    relations: int = 0  # gold relations made
    attribute_values: int = 0  # values copied onto the new gold spans and relations
    replaced: int = 0  # gold spans an agreed place replaced
    dropped_relations: int = 0  # relations of replaced gold spans that could not be re-attached
    differing_items: int = 0  # places left because the versions differ
    disputed_values: int = 0  # attribute keys left out because annotators gave them differently
    disputed_actors: int = 0  # actor links left out because annotators linked different actors
    differing_relations: int = 0  # relations not every annotator made
    skipped_relations: int = 0  # agreed relations whose ends have no gold copy (decided otherwise)

    def text(self) -> str:
        taken = (f"Accepted into gold: {self.spans} span(s), {self.relations} relation(s), "
                 f"{self.attribute_values} attribute value(s)")
        if self.replaced:
            taken += f"; {self.replaced} earlier gold span(s) replaced"
            if self.dropped_relations:
                taken += f" ({self.dropped_relations} of their relations removed)"
        left = [f"{count} {what}" for count, what in (
            (self.differing_items, "item(s) whose versions differ"),
            (self.disputed_values, "attribute value(s) given differently"),
            (self.disputed_actors, "actor link(s) given differently"),
            (self.differing_relations, "relation(s) not every annotator made"),
            (self.skipped_relations, "agreed relation(s) whose ends are decided otherwise")) if count]
        return f"{taken}. Left for you: {', '.join(left)}." if left else f"{taken}. Nothing left to decide."


def _same(a: Any, b: Any) -> bool:
    """Equal answers: a multichoice value's order does not matter (as in the comparison)."""
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    return bool(a == b)


def _agreed_attrs(items: Sequence[SpanRecord | RelationRecord]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The attribute values every item gives alike, and the keys they do not."""
    keys = sorted({str(key) for item in items for key in item.attrs})
    agreed = {key: items[0].attrs[key] for key in keys
              if all(key in item.attrs and _same(item.attrs[key], items[0].attrs[key]) for item in items)}
    return agreed, tuple(key for key in keys if key not in agreed)


def plan(project: Project, doc_id: int, annotators: Sequence[str]) -> AgreedPlan:
    """Read what Accept all agreed would take on one document (see the module's decisions)."""
    names = tuple(dict.fromkeys(annotators))
    spans = project.annotations.spans(doc_id, annotators=names, layers=["annotation"])
    items: list[tuple[AgreedSpan, ...]] = []
    differing = 0
    for place in places(spans):
        own = {name: sorted((span for span in place if span.annotator == name), key=lambda s: (span_key(s), s.id))
               for name in names}
        keys = [[span_key(span) for span in own[name]] for name in names]
        if any(not found or found != keys[0] for found in keys):
            differing += 1
        elif not all(span.status in DECIDED for span in place):
            items.append(tuple(AgreedSpan(tuple(matched), *_agreed_attrs(matched),
                                          actor_agreed=len({span.actor for span in matched}) == 1)
                               for matched in zip(*(own[name] for name in names), strict=True)))
    relations, differing_relations = _agreed_relations(project, doc_id, names, {span.id: span for span in spans})
    return AgreedPlan(tuple(items), relations, differing, differing_relations)


def _agreed_relations(project: Project, doc_id: int, names: tuple[str, ...],
                      spans: dict[int, SpanRecord]) -> tuple[tuple[AgreedRelation, ...], int]:
    """The relations every annotator made alike (once for each time all made it), and how many
    relation keys some but not all made."""
    made: dict[str, dict[tuple[str, SpanKey, SpanKey], list[RelationRecord]]] = {name: {} for name in names}
    for relation in project.annotations.relations(doc_id, annotators=names, layers=["annotation"]):
        head, tail = spans.get(relation.head_id), spans.get(relation.tail_id)
        if head is None or tail is None or relation.annotator not in made:
            continue
        made[relation.annotator].setdefault((relation.label, span_key(head), span_key(tail)), []).append(relation)
    counts = {name: Counter({key: len(found) for key, found in made[name].items()}) for name in names}
    every = set.union(*(set(count) for count in counts.values())) if counts else set()
    agreed: list[AgreedRelation] = []
    differing = 0
    for key in sorted(every):
        times = min(counts[name][key] for name in names)
        differing += max(counts[name][key] for name in names) > times
        for index in range(times):
            versions = [made[name][key][index] for name in names]
            attrs, disputed = _agreed_attrs(versions)
            agreed.append(AgreedRelation(key[0], key[1], key[2], attrs, disputed, names[0]))
    return tuple(agreed), differing
