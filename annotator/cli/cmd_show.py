"""Show one document with its annotations; ``--json`` prints the canonical JSON object.

Offsets are code points into the text, exactly as stored: ``text[start:end]`` is the span (in
the ``--json`` output; the text printed for reading shows control characters as escapes). A gold
span shows whose version it is and who accepted it ("gold: alice → carol"), and reviewers'
comments follow the table.
"""

from __future__ import annotations

import argparse
import sqlite3
import textwrap

from annotator.cli.output import print_json, print_table, say
from annotator.formats.canonical import CanonicalDoc, CanonicalSpan
from annotator.formats.canonical_rows import DocumentRows, canonical_document, comments_by_span
from annotator.store.quick_reads import fetch_document, quick_read, resolve


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL")
    parser.add_argument("document", help="document id or name (see 'annotator docs')")
    parser.add_argument("--json", action="store_true", help="the document as one JSON object")


def run(args: argparse.Namespace) -> int:
    found = _quick(args.project, args.document) or _through_project(args.project, args.document)
    doc_id, data = found
    if args.json:
        print_json(data)
        return 0
    say(f"# {data['title']}  (id {doc_id}, {len(data['text'])} characters)")
    for key, value in data["meta"].items():
        say(f"{key}: {value}")
    say()
    say("\n".join(textwrap.fill(p, 100) if p else "" for p in data["text"].split("\n")))
    say()
    if data["spans"]:
        print_table(["span", "start", "end", "label", "annotator", "layer", "actor", "text"],
                    [[s["id"], s["start"], s["end"], s["label"], s["annotator"], _layer(s), s["actor"] or "", s["text"]]
                     for s in data["spans"]])
        comments = [(s["id"], c["annotator"], c["text"]) for s in data["spans"] for c in s.get("comments", [])]
        if comments:
            say()
            print_table(["span", "reviewer", "comment"], comments)
    if data["relations"]:
        say()
        print_table(["relation", "head", "tail", "label", "annotator"],
                    [[r["id"], r["head"], r["tail"], r["label"], r["annotator"]] for r in data["relations"]])
    return 0


def _quick(location: str, reference: str) -> tuple[int, CanonicalDoc] | None:
    """The document read without SQLAlchemy (``annotator.store.quick_reads``), where it can be."""
    return quick_read(location, lambda connection: _read_quickly(connection, reference))


def _read_quickly(connection: sqlite3.Connection, reference: str) -> tuple[int, CanonicalDoc] | None:
    doc_id = resolve(connection, reference)
    fetched = fetch_document(connection, doc_id) if doc_id is not None else None
    if fetched is None:
        return None
    rows = DocumentRows(fetched.spans, fetched.relations, fetched.doc_labels, fetched.notes, fetched.statuses,
                        comments_by_span(fetched.comments))
    return fetched.document.id, canonical_document(fetched.document, rows)


def _through_project(location: str, reference: str) -> tuple[int, CanonicalDoc]:
    """The normal path: opening the project (migrating or refusing it) and every message."""
    from annotator.formats.select import document_json
    from annotator.store import Project

    with Project.open(location, create=False) as project:
        doc_id = project.documents.resolve(reference)
        return doc_id, document_json(project, doc_id)


def _layer(span: CanonicalSpan) -> str:
    """The layer cell: a suggestion's status, a gold span's provenance."""
    if "status" in span:
        return f"{span['layer']} ({span['status']})"
    if "origin_annotator" in span or "adjudicator" in span:
        return f"{span['layer']}: {span.get('origin_annotator', '?')} → {span.get('adjudicator', '?')}"
    return str(span.get("layer", ""))
