"""List a project's documents: id, name, title, language, characters, spans per annotator, status;
and correct a document's language (``--set-language DOC=CODE``, one undoable operation each)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from annotator.cli.output import format_counts, note, print_json, print_table
from annotator.errors import Errors, UserError
from annotator.review.order_names import ORDER_TITLES, ORDERS
from annotator.store.quick_reads import fetch_overview, quick_read

if TYPE_CHECKING:
    from annotator.store import Project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--set-language", action="append", default=[], metavar="DOC=CODE",
                        help="set a document's language (DOC: id or name; CODE: ISO 639-1 such as en, ru, be), "
                             "then list; repeat for several")
    parser.add_argument("--order", choices=ORDERS,
                        help="; ".join(f"{kind}: {title.lower()}" for kind, title in ORDER_TITLES.items())
                        + " (the document list's active orders; each row says why it stands there)")


def run(args: argparse.Namespace) -> int:
    wanted = [_language_change(value) for value in args.set_language]  # all checked before any is set
    rows = _quick(args.project) if not wanted and not args.order else None
    if rows is None:
        rows = _through_project(args.project, wanted, args.order)
    if args.json:
        for row in rows:
            print_json(row)
        return 0
    print_table(
        ["id", "name", "title", "lang", "chars", "spans", "status"] + (["order"] if args.order else []),
        [[r["id"], r["name"], r["title"], r["language"] or "", r["characters"], format_counts(r["spans"]),
          format_counts(r["status"])] + ([r["order"]] if args.order else []) for r in rows],
        max_width=48,
    )
    return 0


def _quick(location: str) -> list[dict[str, Any]] | None:
    """The list read without SQLAlchemy (``annotator.store.quick_reads``), where it can be."""
    return quick_read(location, fetch_overview)


def _through_project(location: str, wanted: list[tuple[str, str]], order_kind: str | None) -> list[dict[str, Any]]:
    """The normal path: opening the project (migrating or refusing it), language changes first,
    then the list, in an active order if one is asked for."""
    from annotator.review.ordering import compute_order
    from annotator.store import Project
    from annotator.store.languages import document_languages

    with Project.open(location, create=False) as project:
        for reference, language in wanted:
            _set_language(project, project.documents.resolve(reference), language)
        rows = project.documents.overview()
        languages = document_languages(project, [row["id"] for row in rows])
        for row in rows:
            row["language"] = languages.get(row["id"])
        if order_kind:
            order = compute_order(project, order_kind)
            position = {doc_id: index for index, doc_id in enumerate(order.arrange([r["id"] for r in rows]))}
            rows = sorted(rows, key=lambda r: position[r["id"]])
            for row in rows:
                rank = order.ranks.get(row["id"])
                row["order"], row["order_score"] = order.note(row["id"]), rank.score if rank else None
    return rows


def _language_change(value: str) -> tuple[str, str]:
    """(document reference, checked code) from DOC=CODE."""
    from annotator.corpus.language import checked_language

    reference, equals, code = value.rpartition("=")
    if not equals or not reference.strip() or not code.strip():
        raise UserError(Errors.E1321.format(value=value))
    return reference.strip(), checked_language(code)


def _set_language(project: Project, doc_id: int, language: str) -> None:
    """One operation (the CLI's edits are steps like the window's); setting the language a
    document already has changes nothing and says so."""
    from annotator.ops import execute
    from annotator.ops.languages import SetLanguage
    from annotator.store.languages import document_languages

    current = document_languages(project, [doc_id]).get(doc_id)
    if current == language:
        note(Errors.E1322.format(doc_id=doc_id, language=language))
        return
    execute(project, SetLanguage(doc_id, language, expected=current))
    note(f"Document {doc_id}: language {current or 'unknown'} -> {language}.")
