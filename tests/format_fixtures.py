"""Canonical documents shared by the format tests: emoji, CRLF-normalised text, overlaps, relations, attributes."""

from __future__ import annotations

from typing import Any


def span(sid: int, text: str, start: int, end: int, label: str, **extra: Any) -> dict[str, Any]:
    return {"id": sid, "start": start, "end": end, "text": text[start:end], "label": label, "annotator": "alice",
            "layer": "annotation", "attrs": {}, "note": None, "actor": None} | extra


def sample_docs() -> list[dict[str, Any]]:
    text = "Putin 🇷🇺 warned NATO 😀 today.\nThe Kremlin threatened Kyiv."
    nato, kremlin = text.index("NATO"), text.index("Kremlin")
    threat = text.index("warned")
    spans = [
        span(1, text, 0, 5, "ACTOR", attrs={"tone": ["hostile", "formal"], "confidence": 0.9, "named": True},
             note="check", actor="Vladimir Putin"),
        span(2, text, nato, nato + 4, "ACTOR", attrs={"role": "target"}),
        span(3, text, threat, nato + 4, "THREAT"),  # overlaps span 2
        span(4, text, kremlin, kremlin + 7, "ACTOR"),
    ]
    relations = [{"id": 9, "head": 1, "tail": 2, "label": "THREATENS", "annotator": "alice", "layer": "annotation",
                  "attrs": {"explicit": "yes"}}]
    return [
        {"id": "doc-1", "title": "Warning", "text": text, "meta": {"source": "wire"}, "spans": spans,
         "relations": relations, "doc_labels": [{"label": "conflict", "annotator": "alice"}], "notes": [],
         "status": {"alice": "done"}},
        {"id": "doc-2", "title": None, "text": "No annotations here.", "meta": {}, "spans": [], "relations": [],
         "doc_labels": [], "notes": [], "status": {}},
    ]


def carried(doc: dict[str, Any], span_keys: tuple[str, ...], relation_keys: tuple[str, ...] = ("label",),
            doc_keys: tuple[str, ...] = ("id", "text")) -> dict[str, Any]:
    """What a format can carry, with span ids replaced by offsets so new ids compare equal."""
    by_id = {s["id"]: (s["start"], s["end"], s["label"]) for s in doc["spans"]}
    return {
        **{key: doc.get(key) for key in doc_keys},
        "spans": sorted(tuple(s.get(key) if not isinstance(s.get(key), dict) else repr(sorted(s[key].items()))
                              for key in span_keys) for s in doc["spans"]),
        "relations": sorted((by_id[r["head"]], by_id[r["tail"]], *(repr(r.get(key)) for key in relation_keys))
                            for r in doc["relations"]),
    }
