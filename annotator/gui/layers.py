"""Which layer the main editor works in (View ▸ Layer): the analyst's own, gold, or a teammate's.

INCEpTION lets a curator pick the layer a document is shown and edited in; here the same choice
decides what the text view shows as *the* layer (full colour, walked by Tab, the one label keys
write to) while View ▸ Show other annotators adds every other layer on top, read-only:

- ``own``: the analyst's ``annotation`` layer, as the editor always worked;
- ``gold``: the adjudicated ``gold`` layer, whoever adjudicated each span. There is no reviewer
  role in a project (the comparison window lets anyone adjudicate), so whoever chooses Gold may
  edit it; a span made there is the analyst's, as origin and as adjudicator
  (``annotator.ops.gold_spans``);
- ``teammate``: another analyst's ``annotation`` layer, read-only: edits are refused with a
  message saying whose it is (E1240).

Pure values and rules, no widgets: the editor asks ``holds`` and ``shows``, the window's
``LayerSwitch`` offers the choices and remembers the one made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from annotator.store.records import RelationRecord, SpanRecord

ANNOTATION = "annotation"
GOLD = "gold"
TEAMMATE_PREFIX = "teammate:"

Kind = Literal["own", "gold", "teammate"]


@dataclass(frozen=True)
class Layer:
    """One choice of View ▸ Layer; ``teammate`` names whose layer a ``teammate`` choice is."""

    kind: Kind = "own"
    teammate: str = ""

    @classmethod
    def of_teammate(cls, name: str) -> Layer:
        return cls("teammate", name)

    @property
    def key(self) -> str:
        """How the choice is remembered (settings): ``own``, ``gold`` or ``teammate:NAME``."""
        return TEAMMATE_PREFIX + self.teammate if self.kind == "teammate" else self.kind

    @classmethod
    def from_key(cls, key: str | None) -> Layer:
        """The choice ``key`` names; anything else (nothing kept, a hand-edited file) is own."""
        if key == "gold":
            return GOLD_LAYER
        if key and key.startswith(TEAMMATE_PREFIX) and key[len(TEAMMATE_PREFIX):]:
            return cls.of_teammate(key[len(TEAMMATE_PREFIX):])
        return OWN_LAYER

    @property
    def editable(self) -> bool:
        """Label keys, Delete, the inspector and relations change this layer (not a teammate's)."""
        return self.kind != "teammate"

    @property
    def store_layer(self) -> str:
        """The store's name of the layer its spans are in."""
        return GOLD if self.kind == "gold" else ANNOTATION

    def annotators(self, user: str) -> list[str] | None:
        """Whose spans the layer holds: one person's, or anyone's (gold, adjudicated by several)."""
        if self.kind == "gold":
            return None
        return [self.teammate if self.kind == "teammate" else user]

    def holds(self, item: SpanRecord | RelationRecord, user: str) -> bool:
        """Whether ``item`` is in this layer for the analyst ``user``."""
        if self.kind == "gold":
            return item.layer == GOLD
        return item.layer == ANNOTATION and item.annotator == (self.teammate if self.kind == "teammate" else user)

    def owner(self, user: str) -> str | None:
        """The text view's owner: whose annotation-layer spans it tints as the current layer
        (gold spans have a look of their own, so in gold no annotation layer is tinted)."""
        if self.kind == "gold":
            return None
        return self.teammate if self.kind == "teammate" else user

    def title(self, user: str) -> str:
        """The menu's and the side column's name of the choice."""
        if self.kind == "gold":
            return "Gold"
        if self.kind == "teammate":
            return f"{self.teammate} (read-only)"
        return f"My annotations ({user})"

    def caption(self, user: str) -> str:
        """What the window title says while this layer is shown ("" for the analyst's own)."""
        if self.kind == "gold":
            return "Gold layer"
        if self.kind == "teammate":
            return f"{self.teammate}'s layer, read-only"
        return ""


OWN_LAYER = Layer()
GOLD_LAYER = Layer("gold")


def where(item: SpanRecord | RelationRecord, user: str) -> str:
    """The layer ``item`` is in, as a message names it."""
    if item.layer == GOLD:
        return "gold"
    if item.annotator == user:
        return "your own layer"
    return f"{item.annotator}'s layer"
