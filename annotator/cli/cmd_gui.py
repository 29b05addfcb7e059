"""Open the annotation window: ``annotator [PROJECT] [--annotator NAME]``.

Qt is imported only here, after the arguments are read, so every other command starts without
loading it.
"""

from __future__ import annotations

import argparse

USAGE = "annotator [PROJECT] [--annotator NAME]\n       annotator COMMAND ..."
DESCRIPTION = ("Annotation workbench for political and security discourse. With no PROJECT, opens the default "
               "project holding the sample articles.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", nargs="?", help="project file or database URL")
    parser.add_argument("--annotator", metavar="NAME", help="annotate as NAME without being asked")
    parser.add_argument("--version", action="store_true", help="print the version and exit")


def run(args: argparse.Namespace) -> int:
    if args.version:
        from annotator import __version__

        print(f"annotator {__version__}")
        return 0
    from annotator.gui.app import run_app

    return run_app(project=args.project, annotator=args.annotator)
