"""Inter-annotator agreement: Krippendorff's αu, span F1 and token κ between annotators.

Computed over documents at least two of the chosen annotators marked done (or, with
--all-annotated, in which they made spans), on the annotation layer.
"""

from __future__ import annotations

import argparse

from annotator.cli.output import print_json, print_table, say
from annotator.review.agreement import AgreementOptions, agreement
from annotator.store import Project

HELP = "measure agreement between annotators (αu, span F1, Cohen's and Fleiss' κ)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL")
    parser.add_argument("--annotators", nargs="+", metavar="NAME", help="annotators to compare (default: all people)")
    parser.add_argument("--labels", nargs="+", metavar="LABEL", help="only these span labels")
    parser.add_argument("--docs", nargs="+", metavar="DOC", help="only these documents (ids or names)")
    parser.add_argument("--all-annotated", action="store_true",
                        help="use every document two annotators made spans in, not only those marked done")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def run(args: argparse.Namespace) -> int:
    options = AgreementOptions(
        annotators=tuple(args.annotators) if args.annotators else None,
        labels=tuple(args.labels) if args.labels else None,
        documents=tuple(args.docs) if args.docs else None,
        all_annotated=args.all_annotated,
    )
    with Project.open(args.project, create=False) as project:
        report = agreement(project, options)
    data = report.to_json()
    if args.json:
        print_json(data)
        return 0
    say(f"documents:  {data['documents']}")
    say(f"alpha_u:    {_fmt(data['overall']['alpha_u'])}")
    say(f"fleiss κ:   {_fmt(data['fleiss_kappa'])}")
    if data["per_label"]:
        say()
        print_table(["label", "alpha_u", "F1 exact", "F1 overlap"],
                    [[label, _fmt(s["alpha_u"]), _fmt(s["f1_exact"]), _fmt(s["f1_overlap"])]
                     for label, s in data["per_label"].items()])
    if data["pairwise"]:
        say()
        print_table(["a", "b", "F1 exact", "F1 overlap", "Cohen κ"],
                    [[p["a"], p["b"], _fmt(p["f1_exact"]), _fmt(p["f1_overlap"]), _fmt(p["cohen_kappa"])]
                     for p in data["pairwise"]])
    return 0
