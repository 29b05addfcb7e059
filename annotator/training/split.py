"""The held-out documents: chosen by document identity, so they stay the same across trainings.

A document is held out when the hash of its ``content_hash`` (the hash of its text, unique in a
project) falls below ``fraction``: the decision depends on the document alone, not on which other
documents are selected or in what order, so a document evaluated once is never trained on by a
later version (as long as the fraction stays the same), and scores of versions are comparable.

Only when the rule holds out none of the selected documents (a handful of documents) is the one
with the smallest hash held out, so that there is always something to evaluate on; once more
documents are annotated and one falls under the fraction, that fallback ends.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

DEFAULT_HELD_OUT = 0.2
_SALT = b"annotator-held-out:"


def position(content_hash: str) -> float:
    """Where a document falls in [0, 1): the same for the same text in every project and run."""
    digest = hashlib.sha256(_SALT + content_hash.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def held_out(hashes: Mapping[int, str], doc_ids: Sequence[int], fraction: float = DEFAULT_HELD_OUT) -> set[int]:
    """The ids among ``doc_ids`` to evaluate on, never to train on (empty for fewer than two)."""
    if len(doc_ids) < 2:
        return set()
    chosen = {doc_id for doc_id in doc_ids if position(hashes[doc_id]) < fraction}
    if not chosen:
        chosen = {min(doc_ids, key=lambda doc_id: position(hashes[doc_id]))}
    if len(chosen) == len(doc_ids):  # nothing left to train on: keep the one furthest above the line
        chosen.discard(max(doc_ids, key=lambda doc_id: position(hashes[doc_id])))
    return chosen
