"""One small input of each kind an import meets, for the tests that every way in gives the same result.

``write_input(kind, folder)`` writes it and returns the path to import: a brat folder (a pair and
its annotation.conf), a CoNLL file, a canonical JSONL file, a plain .txt and a plain .csv.
``EXPECTED`` says what each brings: documents, spans, relations.
"""

from __future__ import annotations

import json
from pathlib import Path

TEXT = "Minsk accused Moscow of pressure, and NATO said Minsk would stay sovereign."
OTHER = "Kyiv accused Moscow of pressure, and NATO said Kyiv would stay sovereign."

KINDS = ("brat", "conll", "jsonl", "txt", "csv")
#: kind -> (documents, spans, relations) an import of it into an empty project adds
EXPECTED = {"brat": (1, 2, 1), "conll": (2, 3, 0), "jsonl": (2, 2, 1), "txt": (1, 0, 0), "csv": (2, 0, 0)}


def write_input(kind: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return {"brat": _brat, "conll": _conll, "jsonl": _jsonl, "txt": _txt, "csv": _csv}[kind](folder)


def _brat(folder: Path) -> Path:
    brat = folder / "brat"
    brat.mkdir()
    (brat / "statement.txt").write_text(TEXT, encoding="utf-8")
    (brat / "statement.ann").write_text("T1\tACTOR 0 5\tMinsk\nT2\tACTOR 14 20\tMoscow\n"
                                        "R1\taccuses Arg1:T1 Arg2:T2\n", encoding="utf-8")
    (brat / "annotation.conf").write_text("[entities]\nACTOR\n[relations]\naccuses\tArg1:ACTOR, Arg2:ACTOR\n",
                                          encoding="utf-8")
    return brat


def _conll(folder: Path) -> Path:
    path = folder / "news.conll"
    path.write_text("-DOCSTART- -X- O O\nMinsk -X- _ B-ACTOR\nspoke -X- _ O\n\n"
                    "-DOCSTART- -X- O O\nNATO -X- _ B-ACTOR\nand -X- _ O\nthe -X- _ B-ACTOR\nKremlin -X- _ I-ACTOR\n"
                    "met -X- _ O\n", encoding="utf-8")
    return path


def _jsonl(folder: Path) -> Path:
    path = folder / "export.jsonl"
    records = [
        {"id": "statement", "title": "Statement", "text": OTHER, "meta": {"source": "wire"},
         "spans": [{"id": 1, "start": 0, "end": 4, "text": "Kyiv", "label": "ACTOR", "annotator": "alice",
                    "layer": "annotation", "attrs": {}, "note": "", "actor": None},
                   {"id": 2, "start": 13, "end": 19, "text": "Moscow", "label": "ACTOR", "annotator": "alice",
                    "layer": "annotation", "attrs": {}, "note": "", "actor": None}],
         "relations": [{"id": 1, "head": 1, "tail": 2, "label": "accuses", "annotator": "alice",
                        "layer": "annotation", "attrs": {}}],
         "doc_labels": [], "notes": [], "status": {"alice": "done"}},
        {"id": "plain", "title": "Plain", "text": "A second article, not annotated yet.", "meta": {},
         "spans": [], "relations": [], "doc_labels": [], "notes": [], "status": {}},
    ]
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    return path


def _txt(folder: Path) -> Path:
    path = folder / "article.txt"
    path.write_text(TEXT + "\n", encoding="utf-8")
    return path


def _csv(folder: Path) -> Path:
    path = folder / "articles.csv"
    path.write_text("id,title,text,outlet\nc1,First,Minsk rejects interference.,Belsat\n"
                    "c2,Second,Moscow warns of a reserve force.,TASS\n", encoding="utf-8")
    return path
