"""Token tag schemes of CoNLL-style files: which one a file uses, its entities, and tags for spans.

- ``bio`` (IOB2): every entity starts with ``B-``, continues with ``I-``.
- ``iob1`` (the original CoNLL-2003 English files): ``I-`` starts an entity too; ``B-`` only
  starts one that directly follows an entity of the same label.
- ``bioes`` (IOBES; BILOU with ``L-``/``U-`` for ``E-``/``S-``): ``S-`` a one-token entity,
  ``B-`` … ``I-`` … ``E-`` a longer one.

Reading is lenient exactly as ``seqeval``'s default mode (``get_entities``), which is what NER
evaluations use: an ``I-``/``E-`` that does not continue an entity of its label starts one, an
entity without its ``E-`` ends where the next tag does not continue it. For well-formed tags that
reading is the right one for each of the three schemes, so the scheme does not change the
entities; it decides which tags are *ill-formed* (an ``I-`` starting an entity is right in IOB1
and a mistake in BIO), which the importer counts. The scheme is detected per file: a file never
mixes them, and one sentence alone cannot tell IOB1 from BIO.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Scheme = Literal["bio", "iob1", "bioes"]
SCHEMES: tuple[Scheme, ...] = ("bio", "bioes", "iob1")
#: How the report names each scheme.
SCHEME_NAMES: dict[Scheme, str] = {"bio": "BIO (IOB2)", "iob1": "IOB1", "bioes": "BIOES"}
_SINGLE = {"S": "S", "U": "S", "E": "E", "L": "E"}  # BILOU read as BIOES


@dataclass(frozen=True)
class Entity:
    """One entity of a sentence: its label and its first and last token (inclusive)."""

    label: str
    first: int
    last: int


def split_tag(tag: str) -> tuple[str, str]:
    """(prefix, label) of a tag, BILOU's ``L``/``U`` as BIOES's ``E``/``S``; ``("O", "")`` for O."""
    if tag == "O":
        return "O", ""
    prefix, _, label = tag.partition("-")
    return _SINGLE.get(prefix, prefix), label


def detect_scheme(sentences: Sequence[Sequence[str]]) -> Scheme:
    """The scheme of a file's tag sequences: BIOES when any tag is ``E-``/``S-`` (``L-``/``U-``),
    else IOB1 when it has fewer ill-formed tags as IOB1 than as BIO (an ``I-`` that starts an
    entity is evidence for IOB1, a ``B-`` after ``O`` or another label for BIO), else BIO."""
    if any(split_tag(tag)[0] in "ES" for sentence in sentences for tag in sentence):
        return "bioes"
    as_bio = sum(ill_formed(sentence, "bio") for sentence in sentences)
    as_iob1 = sum(ill_formed(sentence, "iob1") for sentence in sentences)
    return "iob1" if as_iob1 < as_bio else "bio"


def entities(tags: Sequence[str]) -> list[Entity]:
    """The entities of one sentence's tags, read as ``seqeval.get_entities`` reads them."""
    found: list[Entity] = []
    open_label: str | None = None  # the label of the entity the previous token belongs to, if it may go on
    for index, tag in enumerate(tags):
        prefix, label = split_tag(tag)
        if prefix == "O":
            open_label = None
            continue
        if open_label == label and prefix in "IE":
            found[-1] = Entity(label, found[-1].first, index)
        else:
            found.append(Entity(label, index, index))
        open_label = None if prefix in "ES" else label
    return found


def ill_formed(tags: Sequence[str], scheme: Scheme) -> int:
    """How many tags of one sentence break ``scheme`` (each is read as ``entities`` says)."""
    count = 0
    previous_prefix, previous_label = "O", ""
    for index, tag in enumerate(tags):
        prefix, label = split_tag(tag)
        continues = previous_prefix in "BI" and previous_label == label
        if scheme == "bio":
            count += prefix == "I" and not continues
        elif scheme == "iob1":
            follows_same = previous_prefix != "O" and previous_label == label
            count += prefix == "B" and not follows_same
        else:  # an I- or E- continues a B- or I- of its label, which an I- or E- of it follows
            following, following_label = split_tag(tags[index + 1]) if index + 1 < len(tags) else ("O", "")
            unclosed = prefix in "BI" and not (following in "IE" and following_label == label)
            count += (prefix in "IE" and not continues) or unclosed
        previous_prefix, previous_label = prefix, label
    return count


def encode(owners: Sequence[tuple[int, str] | None], scheme: Scheme) -> list[str]:
    """Tags for one sentence's tokens in ``scheme``. ``owners`` gives each token's entity as
    (entity number, label), None for outside; an entity's tokens are consecutive."""
    tags: list[str] = []
    for index, owner in enumerate(owners):
        if owner is None:
            tags.append("O")
            continue
        number, label = owner
        before = owners[index - 1] if index else None
        after = owners[index + 1] if index + 1 < len(owners) else None
        starts = before is None or before[0] != number
        ends = after is None or after[0] != number
        if scheme == "bioes":
            prefix = ("S" if ends else "B") if starts else ("E" if ends else "I")
        elif scheme == "iob1":
            prefix = "B" if starts and before is not None and before[1] == label else "I"
        else:
            prefix = "B" if starts else "I"
        tags.append(f"{prefix}-{label}")
    return tags
