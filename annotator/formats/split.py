"""Train/dev/test splits: every document in exactly one part, the same parts for the same seed.

Documents are assigned by a seeded shuffle of their ids (``random.Random(seed)``, whose
sequence Python keeps stable across versions for ``shuffle`` of a list), then cut at the
ratios, so the part sizes are exact rather than approximately right as hashing would give.
Two parts are train and dev (what ``spacy train`` needs); three are train, dev and test.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from annotator.errors import Errors, UserError

PART_NAMES = {2: ("train", "dev"), 3: ("train", "dev", "test")}


def parse_split(value: str | Sequence[float]) -> tuple[float, ...]:
    """Ratios from ``"0.8,0.1,0.1"`` (or a sequence), checked: 2 or 3 parts, each in [0, 1], sum 1."""
    try:
        ratios = tuple(float(part) for part in (value.split(",") if isinstance(value, str) else value))
    except ValueError:
        raise UserError(Errors.E803.format(value=value)) from None
    if (len(ratios) not in PART_NAMES or any(not math.isfinite(r) or not 0 <= r <= 1 for r in ratios)
            or abs(sum(ratios) - 1) > 1e-6):
        raise UserError(Errors.E803.format(value=value if isinstance(value, str) else ",".join(map(str, value))))
    return ratios


def assign_splits(doc_ids: Sequence[int], ratios: Sequence[float], seed: int) -> dict[str, list[int]]:
    """Part name -> document ids (sorted), for ratios already checked by ``parse_split``.

    Sizes are rounded down, and the documents left over by rounding go to the first part
    (train), so a tiny corpus never has an empty training set because of rounding.
    """
    names = PART_NAMES[len(ratios)]
    shuffled = sorted(doc_ids)
    random.Random(seed).shuffle(shuffled)
    sizes = [math.floor(len(shuffled) * ratio) for ratio in ratios]
    sizes[0] += len(shuffled) - sum(sizes)
    parts: dict[str, list[int]] = {}
    start = 0
    for name, size in zip(names, sizes, strict=True):
        parts[name] = sorted(shuffled[start:start + size])
        start += size
    return parts
