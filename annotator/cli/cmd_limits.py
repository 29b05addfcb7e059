"""Show or set a project's import size limits: the largest file and the largest document.

``annotator limits PROJECT`` prints them; ``--max-file-mb N`` and ``--max-document-mb N`` store
new values in the project, for every later import (command line and GUI). One import can
override them without storing anything: 'annotator import ... --max-file-mb N'.
"""

from __future__ import annotations

import argparse

from annotator.cli.output import say
from annotator.limits import describe, project_limits, save_limits, with_overrides
from annotator.store import Project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL")
    add_limit_arguments(parser)


def add_limit_arguments(parser: argparse.ArgumentParser) -> None:
    """The size-limit options, shared with 'annotator import' (which would pull in every
    importer if this command took them from there)."""
    parser.add_argument("--max-file-mb", type=float, metavar="N",
                        help="refuse files larger than N megabytes (default: the project's limit, 512)")
    parser.add_argument("--max-document-mb", type=float, metavar="N",
                        help="refuse documents longer than N million characters (default: the project's limit, 64)")


def run(args: argparse.Namespace) -> int:
    with Project.open(args.project, create=False) as project:
        limits = project_limits(project)
        if args.max_file_mb is not None or args.max_document_mb is not None:
            limits = with_overrides(limits, max_file_mb=args.max_file_mb, max_document_mb=args.max_document_mb)
            save_limits(project, limits)
            say(f"Saved new import limits in {project.location}:")
        else:
            say(f"Import limits of {project.location}:")
        say(describe(limits))
    return 0
