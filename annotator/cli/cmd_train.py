"""Train a suggestion model from the project's annotations: spaCy's ner for the entity-like labels
(ACTOR, LOCATION, DATE…), spancat for long or overlapping ones (CLAIM, THREAT), textcat for the
document labels, on the CPU, starting from the installed English pipeline's tok2vec.

By default each document's gold layer is used where it has one, else the annotators' layers
(--layer gold-else-annotation); --layer, --labels, --annotators and --docs choose as export does.
A fixed part of the documents (chosen by each document's text, the same in every training) is
held out and never trained on: the scores (precision, recall, F1 per label and overall) are
measured on it. --curve trains on 25, 50, 75 and 100 % of the training documents and says whether
the last quarter still improved F1, i.e. whether more annotation is likely to help.
The model is stored in the project as a new version; 'annotator models PROJECT --use ID' lets it
suggest.
"""

from __future__ import annotations

import argparse

from annotator.cli.output import ProgressBar, note, print_json, print_table, say
from annotator.formats.base import EXPORT_LAYERS
from annotator.store import Project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from annotator.training.trainer import DEFAULT_LAYER, DEFAULT_MAX_STEPS

    parser.add_argument("project", help="project file or database URL")
    parser.add_argument("--layer", choices=EXPORT_LAYERS, default=DEFAULT_LAYER,
                        help=f"which layer to learn from (default: {DEFAULT_LAYER})")
    parser.add_argument("--labels", nargs="+", metavar="LABEL", help="only these span and document labels")
    parser.add_argument("--annotators", nargs="+", metavar="NAME", help="only these annotators' layers")
    parser.add_argument("--docs", nargs="+", metavar="DOC", help="only these documents (ids or names)")
    parser.add_argument("--max-steps", type=int, default=DEFAULT_MAX_STEPS, metavar="N",
                        help=f"training steps (default: {DEFAULT_MAX_STEPS})")
    parser.add_argument("--curve", action="store_true",
                        help="train on 25/50/75/100%% of the documents and say whether more data helps")
    parser.add_argument("--base", metavar="PIPELINE",
                        help="spaCy pipeline whose tok2vec to start from (default: the installed English one; "
                             "blank:en for none)")
    parser.add_argument("--by", default="", metavar="NAME", help="who trained it, kept with the version")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")


def run(args: argparse.Namespace) -> int:
    from annotator.training.trainer import TrainOptions, train  # loads spaCy: only this command pays

    options = TrainOptions(
        layer=args.layer, labels=tuple(args.labels) if args.labels else None,
        documents=tuple(args.docs) if args.docs else None,
        annotators=tuple(args.annotators) if args.annotators else None,
        max_steps=args.max_steps, curve=args.curve, base=args.base, trained_by=args.by)
    with Project.open(args.project, create=False) as project, \
            ProgressBar("Training", unit="step", with_message=True) as control:
        report = train(project, options, control)
    if args.json:
        print_json(report.as_json())
        return 0
    for line in report.counts.left_out.lines():
        note(line)
    say(f"Trained {report.version_name} on {len(report.trained_documents)} documents ({args.layer} layer), "
        f"scored on {len(report.held_out_documents)} held-out documents, in {report.steps} steps and "
        f"{report.seconds:.0f} s.")
    rows = [[label, score.support, f"{score.precision:.2f}", f"{score.recall:.2f}", f"{score.f1:.2f}"]
            for label, score in report.scores.labels.items()]
    if report.scores.overall is not None:
        overall = report.scores.overall
        rows.append(["(all spans)", overall.support, f"{overall.precision:.2f}", f"{overall.recall:.2f}",
                     f"{overall.f1:.2f}"])
    print_table(["label", "held-out", "precision", "recall", "F1"], rows)
    if report.curve:
        print_table(["training documents", "F1"],
                    [[f"{point.fraction:.0%} ({point.documents})", f"{point.f1:.2f}"] for point in report.curve])
        say(report.curve_message)
    say(f"Let it suggest with: annotator models {args.project} --use {report.version_id}")
    return 0
