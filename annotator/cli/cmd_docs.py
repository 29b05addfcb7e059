"""List a project's documents: id, name, title, characters, spans per annotator, status."""

from __future__ import annotations

import argparse

from annotator.cli.output import format_counts, print_json, print_table
from annotator.review.ordering import ORDER_TITLES, ORDERS, compute_order
from annotator.store import Project

HELP = "list documents with span counts and status per annotator"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--order", choices=ORDERS,
                        help="; ".join(f"{kind}: {title.lower()}" for kind, title in ORDER_TITLES.items())
                        + " (the document list's active orders; each row says why it stands there)")


def run(args: argparse.Namespace) -> int:
    with Project.open(args.project, create=False) as project:
        rows = project.documents.overview()
        if args.order:
            order = compute_order(project, args.order)
            position = {doc_id: index for index, doc_id in enumerate(order.arrange([r["id"] for r in rows]))}
            rows = sorted(rows, key=lambda r: position[r["id"]])
            for row in rows:
                rank = order.ranks.get(row["id"])
                row["order"], row["order_score"] = order.note(row["id"]), rank.score if rank else None
    if args.json:
        for row in rows:
            print_json(row)
        return 0
    print_table(
        ["id", "name", "title", "chars", "spans", "status"] + (["order"] if args.order else []),
        [[r["id"], r["name"], r["title"], r["characters"], format_counts(r["spans"]), format_counts(r["status"])]
         + ([r["order"]] if args.order else []) for r in rows],
        max_width=48,
    )
    return 0
