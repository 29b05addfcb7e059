"""List the project's trained model versions (date, who trained, layer, documents, F1, size,
which one suggests), choose the version that suggests (--use ID, --use none), delete one
(--delete ID), or set the minimum score of a label's suggestions (--threshold CLAIM=0.4, with
--version ID; default: the version in use). Each change is one transaction.
"""

from __future__ import annotations

import argparse

from annotator.cli.output import print_json, print_table, say
from annotator.errors import Errors, UserError
from annotator.store import Project
from annotator.store.model_versions import ModelVersions


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL")
    parser.add_argument("--use", metavar="ID", help="let this version suggest ('none': no trained model)")
    parser.add_argument("--delete", type=int, metavar="ID", help="delete this version")
    parser.add_argument("--threshold", nargs="+", default=[], metavar="LABEL=SCORE",
                        help="minimum score of a label's suggestions, e.g. CLAIM=0.4")
    parser.add_argument("--version", type=int, metavar="ID", help="the version --threshold sets (default: the one in use)")
    parser.add_argument("--json", action="store_true", help="one JSON object per version and line")


def parse_thresholds(values: list[str]) -> dict[str, float]:
    """``["CLAIM=0.4"]`` as ``{"CLAIM": 0.4}``; anything else is E1273."""
    thresholds: dict[str, float] = {}
    for value in values:
        label, _sep, number = value.partition("=")
        try:
            score = float(number)
        except ValueError:
            raise UserError(Errors.E1273.format(value=value)) from None
        if not label.strip() or not 0.0 <= score <= 1.0:
            raise UserError(Errors.E1273.format(value=value))
        thresholds[label.strip()] = score
    return thresholds


def run(args: argparse.Namespace) -> int:
    thresholds = parse_thresholds(args.threshold)
    with Project.open(args.project, create=False) as project:
        versions = ModelVersions(project)
        if args.use is not None:
            chosen = None if args.use.strip().lower() == "none" else _version_id(args.use)
            versions.choose(chosen)
            say("No trained model suggests now." if chosen is None else f"model:v{chosen} suggests now.")
        if args.delete is not None:
            versions.delete(args.delete)
            say(f"Deleted model:v{args.delete}.")
        if thresholds:
            target = args.version if args.version is not None else versions.chosen()
            if target is None:
                raise UserError(Errors.E1272.format(version="in use", location=project.location,
                                                    known="choose one with --version ID"))
            merged = versions.set_thresholds(target, thresholds)
            say(f"model:v{target} thresholds: " + ", ".join(f"{label}={value:g}" for label, value in merged.items()))
        if args.use is None and args.delete is None and not thresholds:
            _list(versions, as_json=args.json)
    return 0


def _version_id(text: str) -> int:
    digits = text.strip().removeprefix("model:").removeprefix("v")
    if not digits.isdigit():
        raise UserError(Errors.E1272.format(version=text, location="this project", known="see 'annotator models'"))
    return int(digits)


def _list(versions: ModelVersions, *, as_json: bool) -> None:
    chosen = versions.chosen()
    listed = versions.all()
    if as_json:
        for info in listed:
            print_json({"id": info.id, "name": info.name, "created": info.created_at.isoformat(),
                        "trained_by": info.trained_by, "layer": info.layer, "components": info.labels,
                        "trained_on": info.trained_on, "scores": info.scores, "curve": info.curve,
                        "thresholds": info.thresholds, "size_bytes": info.size_bytes, "in_use": info.id == chosen})
        return
    if not listed:
        say("No trained models yet: 'annotator train PROJECT' trains one.")
        return
    rows = []
    for info in listed:
        overall = (info.scores or {}).get("overall") or {}
        rows.append([info.name + (" *" if info.id == chosen else ""), f"{info.created_at:%Y-%m-%d %H:%M}",
                     info.trained_by or "-", info.layer, info.trained_on.get("documents", "-"),
                     info.trained_on.get("held_out", "-"), f"{overall['f1']:.2f}" if "f1" in overall else "-",
                     f"{info.size_bytes / 1e6:.1f} MB"])
    print_table(["version", "trained", "by", "layer", "documents", "held-out", "F1", "size"], rows)
    say("* suggests now ('annotator models PROJECT --use ID' to choose)")
