"""Documents for the agreement tests, written into real projects through ``ingest_documents``."""

from __future__ import annotations

import random
from typing import Any

from annotator.formats.ingest import ingest_documents
from annotator.store import Project

Span = tuple[int, int, str]


def doc(name: str, text: str, layers: dict[str, list[Any]], status: str | dict[str, str] = "done",
        relations: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A canonical JSONL document; a layer's span is (start, end, label), or a dict with more
    (``fragments``, ``attrs``, ``id``); ``status`` is everyone's, or per annotator."""
    spans = []
    for who, items in layers.items():
        for item in items:
            if isinstance(item, dict):
                spans.append({"annotator": who, **item})
            else:
                spans.append({"start": item[0], "end": item[1], "label": item[2], "annotator": who})
    statuses = {who: status for who in layers} if isinstance(status, str) else status
    data: dict[str, Any] = {"id": name, "text": text, "spans": spans, "status": statuses}
    if relations:
        data["relations"] = relations
    return data


def text(length: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    words = []
    size = 0
    while size < length:
        word = "".join(rng.choice("abcdefghij") for _ in range(rng.randint(1, 7)))
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:length - 1] + "."


def noisy_corpus(seed: int, n_docs: int, annotators: tuple[str, ...], noise: float,
                 labels: tuple[str, ...] = ("PER", "ORG", "LOC")) -> list[dict[str, Any]]:
    """Documents where each annotator's spans are a noisy copy of one hidden truth."""
    rng = random.Random(seed)
    docs = []
    for index in range(n_docs):
        body = text(rng.randint(200, 600), seed * 1000 + index)
        truth = []
        position = 0
        while True:
            position += rng.randint(5, 60)
            end = position + rng.randint(2, 25)
            if end >= len(body):
                break
            truth.append((position, end, rng.choice(labels)))
            position = end
        layers = {}
        for who in annotators:
            spans = []
            for s, e, label in truth:
                roll = rng.random()
                if roll < noise:
                    continue
                if roll < 2 * noise:
                    label = rng.choice(labels)
                if roll < 3 * noise:
                    s = min(s + rng.randint(0, 2), e - 1)
                spans.append((s, e, label))
            layers[who] = spans
        docs.append(doc(f"d{index}", body, layers))
    return docs


def write(project: Project, docs: list[dict[str, Any]]) -> Project:
    ingest_documents(project, docs)
    return project
