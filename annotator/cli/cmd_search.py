"""Search the corpus: words, "phrases" and prefix* in the text, narrowed by span and document
filters; prints a concordance (or JSON lines, or writes CSV)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator.cli.output import note, print_json, print_table
from annotator.errors import Errors, UserError
from annotator.output_files import ProtectedPaths, check_outputs
from annotator.search import DEFAULT_LIMIT, SearchFilters, parse_attr, search, write_csv
from annotator.store import Project
from annotator.store.pending import pending_counts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL")
    parser.add_argument("query", nargs="?", default="",
                        help='words (all must occur), "a phrase", prefix*; may be empty with a span filter')
    parser.add_argument("--label", action="append", default=[], help="span label (repeat for either of several)")
    parser.add_argument("--attr", action="append", default=[], metavar="KEY=VALUE",
                        help="span attribute value, e.g. threat_type=nuclear (repeat: all must hold)")
    parser.add_argument("--annotator", action="append", default=[], help="spans by this annotator")
    parser.add_argument("--layer", action="append", default=[], help="annotation, suggestion or gold")
    parser.add_argument("--actor", action="append", default=[], help="spans linked to this canonical actor")
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="published on or after (YYYY[-MM[-DD]])")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="published on or before (YYYY[-MM[-DD]])")
    parser.add_argument("--status", action="append", default=[],
                        help="document status (of --annotator, or of anyone): todo, in_progress, done, reviewed")
    parser.add_argument("--lang", action="append", default=[], metavar="CODE",
                        help="documents in this language, e.g. ru (repeat for either of several; "
                             "also 'lang:ru' in the query)")
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT,
                        help=f"at most this many hits, 1 or more (default {DEFAULT_LIMIT})")
    parser.add_argument("--csv", type=Path, metavar="FILE", help="write the hits to this CSV file (a new file)")
    parser.add_argument("--force", action="store_true", help="with --csv: replace the file if it exists")
    parser.add_argument("--json", action="store_true", help="one JSON object per hit")


def run(args: argparse.Namespace) -> int:
    if args.limit < 1:  # 0 could mean "none" or "no limit": neither is what --limit 0 should silently do
        raise UserError(Errors.E401.format(limit=args.limit))
    filters = SearchFilters(
        labels=tuple(args.label), attrs=tuple(parse_attr(text) for text in args.attr),
        annotators=tuple(args.annotator), layers=tuple(args.layer), actors=tuple(args.actor),
        published_from=args.date_from, published_to=args.date_to, statuses=tuple(args.status),
        languages=tuple(args.lang),
    )
    with Project.open(args.project, create=False) as project:
        protected = ProtectedPaths.of(project.location)
        if args.csv is not None:
            check_outputs([args.csv], protected, force=args.force)  # refused before the search, not after
        if project.read_only is None and sys.stderr.isatty():  # the search catches up first: say why it waits
            waiting = pending_counts(project).index
            if waiting:
                note(f"indexing {waiting:,} documents for search…")
        result = search(project, args.query, filters, limit=args.limit)
    if args.csv is not None:
        write_csv(result.hits, args.csv, protected=protected, force=args.force)
    if args.json:
        for hit in result.hits:
            print_json(hit.to_json())
    elif args.csv is None:
        spans = filters.selects_spans
        headers = ["doc", "published", "left", "hit", "right"] + (["label", "annotator"] if spans else [])
        print_table(headers, [
            [hit.doc_id, hit.published or "", hit.left[-40:], hit.hit, hit.right[:40]]
            + ([hit.label, hit.annotator if hit.layer == "annotation" else f"{hit.annotator} ({hit.layer})"]
               if spans else [])
            for hit in result.hits
        ], max_width=60)
    note(result.summary() + (f"; written to {args.csv}" if args.csv else ""))
    return 0
