"""Print a project's label schema as YAML, or replace it with the schema in FILE.

Replacing the schema keeps every existing annotation: labels that the new schema no longer
lists stay in the data and are shown with a neutral colour.
"""

from __future__ import annotations

import argparse
import sys

from annotator.cli.output import say
from annotator.schema import load_schema
from annotator.store import Project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL")
    parser.add_argument("file", nargs="?", help="schema YAML file to install")


def run(args: argparse.Namespace) -> int:
    with Project.open(args.project, create=False) as project:
        if args.file:
            schema = load_schema(args.file)
            project.install_schema(schema)
            say(f"Installed schema '{schema.name}' ({len(schema.span_labels)} span labels, "
                f"{len(schema.relation_types)} relation types) in {project.location}.")
        else:
            sys.stdout.write(project.schema.to_yaml())
    return 0
