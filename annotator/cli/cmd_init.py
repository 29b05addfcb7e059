"""Create a new, empty project (or check an existing one), optionally with a label schema."""

from __future__ import annotations

import argparse

from annotator.cli.output import say
from annotator.schema import load_schema
from annotator.store import Project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL")
    parser.add_argument("--schema", help="label schema YAML file (default: political discourse)")


def run(args: argparse.Namespace) -> int:
    schema = load_schema(args.schema) if args.schema else None
    with Project.open(args.project) as project:
        if schema is not None:
            project.install_schema(schema)
        say(f"Project {project.location}: {project.documents.count()} documents, schema '{project.schema.name}'.")
    return 0
