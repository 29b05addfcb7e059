"""Open the annotation window: ``annotator [PROJECT] [--annotator NAME]``.

Qt is imported only here, after the arguments are read, so every other command starts without
loading it.
"""

from __future__ import annotations

import argparse


def build_parser(epilog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator",
        usage="annotator [PROJECT] [--annotator NAME]\n       annotator COMMAND ...",
        description="Annotation workbench for political and security discourse. With no PROJECT,\n"
                    "opens the default project holding the sample articles.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("project", nargs="?", help="project file or database URL")
    parser.add_argument("--annotator", help="annotate as NAME without being asked")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    return parser


def run(args: argparse.Namespace) -> int:
    if args.version:
        from annotator import __version__

        print(f"annotator {__version__}")
        return 0
    from annotator.gui.app import run_app

    return run_app(project=args.project, annotator=args.annotator)
