"""Inter-annotator agreement: Krippendorff's αu, span F1, token κ, α and AC1, attributes and
relations, with bootstrap intervals on request.

Which documents and annotators count is --observed (each rule is listed below); the header says
the rule and what it counted, each figure the documents and annotators it rests on, and a figure
that cannot be computed is "n/a" with the reason (null and a ``_reason`` field in --json), never
1.0.
"""

from __future__ import annotations

import argparse

from annotator.cli.output import ProgressBar, note, print_json, print_table, say
from annotator.errors import Errors, UserError
from annotator.review.agreement import AgreementOptions, AgreementReport, agreement
from annotator.review.agreement_report import GoldScores
from annotator.review.bootstrap import HIGHEST, LOWEST, REPLICATES, Resampling
from annotator.review.corpus import GOLD_RULE, OBSERVED, OBSERVED_RULES
from annotator.review.differences import KINDS
from annotator.review.figures import Figure
from annotator.store import Project

#: Documents listed worst first in the table (``--json`` lists every one).
WORST = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL")
    parser.add_argument("--annotators", nargs="+", metavar="NAME", help="annotators to compare (default: all people)")
    parser.add_argument("--labels", nargs="+", metavar="LABEL", help="only these span labels")
    parser.add_argument("--docs", nargs="+", metavar="DOC", help="only these documents (ids or names)")
    parser.add_argument("--observed", choices=OBSERVED, default="done",
                        help="which annotators count in a document: "
                             + "; ".join(f"{name}: {rule}" for name, rule in OBSERVED_RULES.items())
                             + " (default: done)")
    parser.add_argument("--all-annotated", action="store_true", help="the same as --observed with-spans")
    parser.add_argument("--ci", action="store_true",
                        help="95%% bootstrap intervals for αu and the token figures (documents resampled)")
    parser.add_argument("--replicates", type=int, default=REPLICATES, metavar="N",
                        help=f"bootstrap resamples with --ci (default: {REPLICATES})")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed with --ci (default: 0): same seed, same intervals")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")


def run(args: argparse.Namespace) -> int:
    if not LOWEST <= args.replicates <= HIGHEST:
        raise UserError(Errors.E1010.format(low=LOWEST, high=HIGHEST, value=args.replicates))
    options = AgreementOptions(
        annotators=tuple(args.annotators) if args.annotators else None,
        labels=tuple(args.labels) if args.labels else None,
        documents=tuple(args.docs) if args.docs else None,
        observed="with-spans" if args.all_annotated else args.observed,
    )
    resampling = Resampling(args.replicates, args.seed) if args.ci else None
    with Project.open(args.project, create=False) as project, \
            ProgressBar("Agreement", unit="step", with_message=True) as control:
        report = agreement(project, options, resampling, control)
    if args.json:
        print_json(report.to_json())
    else:
        _print(report)
    for warning in report.warnings:
        note(f"warning: {warning}")
    return 0


def _print(report: AgreementReport) -> None:
    for line in report.header():
        say(line)
    reasons: dict[str, list[str]] = {}
    intervals = report.resampling is not None

    notes: dict[str, list[str]] = {}

    def cells(figure: Figure, where: str, with_interval: bool = False) -> list[str]:
        """The value (``n/a``, its reason listed under the tables), and the interval column."""
        if figure.value is None:
            reasons.setdefault(figure.reason or "", []).append(where)
        if intervals and with_interval and figure.interval_note:
            notes.setdefault(figure.interval_note, []).append(where)
        return [figure.text()] + ([figure.interval_text()] if intervals and with_interval else [])

    def headers(*names: str) -> list[str]:
        return [part for name in names for part in ([name[:-1], "95% CI"] if name.endswith("*") else [name])
                if intervals or part != "95% CI"]

    everyone, fleiss = len(report.annotators), report.fleiss
    say()
    print_table(headers("figure", "value*", "documents", "annotators"), [
        ["αu (characters)", *cells(report.alpha_u, "αu", True), report.documents, everyone],
        ["Krippendorff's α (tokens)", *cells(report.token_alpha, "token α", True), report.documents, everyone],
        ["Gwet's AC1 (tokens)", *cells(report.ac1, "AC1", True), report.documents, everyone],
        ["Fleiss' κ (tokens)", *cells(report.fleiss_kappa, "Fleiss' κ", True), fleiss.documents,
         len(fleiss.annotators)]])
    if report.per_label:
        say()
        print_table(headers("label", "units", "αu*", "F1 exact", "F1 overlap", "token α*", "AC1*"),
                    [[label, s.units, *cells(s.alpha_u, f"{label} αu", True), *cells(s.f1_exact, f"{label} F1"),
                      *cells(s.f1_overlap, f"{label} F1 overlap"), *cells(s.token_alpha, f"{label} token α", True),
                      *cells(s.ac1, f"{label} AC1", True)] for label, s in report.per_label.items()])
    if report.pairwise:
        say()
        say("pairs (precision P and recall R of a against b: matches / a's units, matches / b's units):")
        print_table(headers("a", "b", "documents", "F1 exact", "P exact", "R exact", "F1 overlap", "P overlap",
                            "R overlap", "Cohen κ*", "relation F1"),
                    [[p.a, p.b, p.documents, *cells(p.f1_exact, f"{p.a}-{p.b} F1"),
                      *cells(p.precision_exact, f"{p.a}-{p.b} P"), *cells(p.recall_exact, f"{p.a}-{p.b} R"),
                      *cells(p.f1_overlap, f"{p.a}-{p.b} F1 overlap"),
                      *cells(p.precision_overlap, f"{p.a}-{p.b} P overlap"),
                      *cells(p.recall_overlap, f"{p.a}-{p.b} R overlap"), *cells(p.cohen_kappa, f"{p.a}-{p.b} κ", True),
                      *cells(p.relation_f1, f"{p.a}-{p.b} relation F1")] for p in report.pairwise])
    if report.gold and not report.gold_documents:
        say()
        say(f"against gold: n/a: {report.gold[0].f1_exact.reason}")
    elif report.gold:
        say()
        say(f"against gold ({report.gold_documents} counted documents with gold; {GOLD_RULE}):")
        print_table(["annotator", "documents", "units", "gold units", "P exact", "R exact", "F1 exact",
                     "P overlap", "R overlap", "F1 overlap", "αu"],
                    [[g.annotator, g.documents, g.units, g.gold_units,
                      *[cell for name in GoldScores.FIGURES
                        for cell in cells(getattr(g, name), f"{g.annotator} {name.replace('_', ' ')} against gold")]]
                     for g in report.gold])
    if report.attributes:
        say()
        print_table(["attribute", "κ", "each pair: matched spans, same value, κ"],
                    [[item.key, *cells(item.kappa, f"{item.key} κ"),
                      "; ".join(f"{p.a}-{p.b}: {p.spans}, {p.observed.text(2)}, {p.kappa.text(3)}" for p in item.pairs)]
                     for item in report.attributes], max_width=90)
    relations = report.relations
    say()
    say(f"relations: F1 {cells(relations.f1, 'relation F1')[0]} over {relations.relations} relations"
        + "".join(f"; {name} {figure.text()}" for name, figure in relations.per_type.items()))
    if report.document_scores:
        shown = report.document_scores[:WORST]
        say()
        say(f"documents, worst first ({len(shown)} of {len(report.document_scores)}; differences summed over "
            "the pairs: --json lists them all):")
        print_table(["document", "differences", *KINDS, "αu"],
                    [[row.title, row.differences.total, *[getattr(row.differences, kind) for kind in KINDS],
                      row.alpha_u.text()] for row in shown], max_width=40)
    if reasons or notes:
        say()
        for reason, where in reasons.items():
            say(f"n/a ({', '.join(where)}): {reason}")
        for note_text, where in notes.items():
            say(f"interval ({', '.join(where)}): {note_text}")
