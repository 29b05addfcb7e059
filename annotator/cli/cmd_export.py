"""Export a project's annotations as a dataset: canonical JSONL, spaCy DocBin, brat, CoNLL, XMI…

Filters choose what goes out (annotators, layer, labels, done documents, named documents);
``--split 0.8,0.1,0.1 --seed N`` writes train/dev/test parts into the folder OUT, the same parts
for the same seed. What the format cannot carry is reported with counts, never dropped silently.
The canonical JSONL writes its actor registry beside OUT (``data.jsonl`` → ``data.actors.jsonl``),
spaCy's DocBin a ``config.cfg``. Nothing is written onto the project or into its backups folder,
an existing file is replaced only with ``--force`` (all of them are named otherwise), and the
files appear only once the whole export is written.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.cli.output import ProgressBar, note, say
from annotator.formats.base import EXPORT_LAYERS, ExportOptions
from annotator.formats.pipeline import export_project
from annotator.store import Project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL")
    parser.add_argument("out", type=Path, help="file or folder to write (a folder with --split)")
    parser.add_argument("--format", required=True, dest="format_name", metavar="NAME",
                        help="jsonl, spacy, brat, conll, xmi, webanno-tsv, doccano, prodigy or csv")
    parser.add_argument("--annotators", nargs="+", metavar="NAME", help="only these annotators' layers")
    parser.add_argument("--layer", choices=EXPORT_LAYERS,
                        help="which layer (default: all for jsonl, annotation for the others)")
    parser.add_argument("--labels", nargs="+", metavar="LABEL", help="only these span and document labels")
    parser.add_argument("--done-only", action="store_true", help="only documents marked done")
    parser.add_argument("--docs", nargs="+", metavar="DOC", help="only these documents (ids or names)")
    parser.add_argument("--split", metavar="RATIOS", help="train,dev[,test] fractions, e.g. 0.8,0.1,0.1")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split's shuffle (default 0)")
    parser.add_argument("--doccano-label-column", metavar="NAME",
                        help="doccano: the column of the document labels (default label, what doccano's text "
                             "classification reads; cats for its intent detection)")
    parser.add_argument("--conll-scheme", choices=("bio", "bioes", "iob1"),
                        help="conll: the tag scheme, bio (IOB2, the default), bioes or iob1 (the original "
                             "CoNLL-2003 tagging)")
    parser.add_argument("--force", action="store_true",
                        help="replace files that already exist, such as OUT or a config.cfg beside it (without "
                             "it, nothing is written if any of them exists)")


def run(args: argparse.Namespace) -> int:
    layer = args.layer or ("all" if args.format_name == "jsonl" else "annotation")
    options = ExportOptions(
        annotators=tuple(args.annotators) if args.annotators else None, layer=layer,
        labels=tuple(args.labels) if args.labels else None, done_only=args.done_only,
        documents=tuple(args.docs) if args.docs else None,
        format_options=tuple((name, value) for name, value in (("label_column", args.doccano_label_column),
                                                               ("conll_scheme", args.conll_scheme))
                             if value is not None),
    )
    with Project.open(args.project, create=False) as project, ProgressBar("Exporting", unit="doc") as control:
        result = export_project(project, args.out, args.format_name, options, split=args.split, seed=args.seed,
                                control=control, force=args.force)
    for line in result.loss.lines():
        note(line)
    parts = ", ".join(f"{name} {count}" for name, count in result.parts.items())
    say(f"Exported {result.documents} documents, {result.spans} spans and {result.relations} relations "
        f"({layer} layer) to {', '.join(str(path) for path in result.files)}" + (f" ({parts})." if parts else "."))
    return 0
