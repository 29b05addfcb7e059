"""The ``annotator`` command: the GUI when given a project (or nothing), else a subcommand.

``annotator [PROJECT] [--annotator NAME]`` opens the window; ``annotator COMMAND …`` runs one of
the commands in ``COMMANDS`` (one module each, thin over the core, as spaCy's CLI is). A user
error prints one actionable sentence to stderr and exits 1; nothing here prints a traceback for
something the user can fix.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from annotator import __version__
from annotator.cli import (
    cmd_actors,
    cmd_agreement,
    cmd_dashboard,
    cmd_copy,
    cmd_backup,
    cmd_docs,
    cmd_export,
    cmd_gui,
    cmd_import,
    cmd_init,
    cmd_limits,
    cmd_merge,
    cmd_restore,
    cmd_schema,
    cmd_search,
    cmd_show,
    cmd_stats,
    cmd_suggest,
)
from annotator.cli.output import error
from annotator.errors import UserError

COMMANDS: dict[str, ModuleType] = {
    "init": cmd_init,
    "import": cmd_import,
    "export": cmd_export,
    "docs": cmd_docs,
    "show": cmd_show,
    "stats": cmd_stats,
    "schema": cmd_schema,
    "suggest": cmd_suggest,
    "actors": cmd_actors,
    "merge": cmd_merge,
    "agreement": cmd_agreement,
    "search": cmd_search,
    "dashboard": cmd_dashboard,
    "copy": cmd_copy,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "limits": cmd_limits,
}

EPILOG = "commands:\n" + "\n".join(
    f"  {name:<9} {module.HELP}" for name, module in COMMANDS.items()
) + "\n\nRun 'annotator COMMAND --help' for a command's options."


def build_command_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="annotator", description="Annotation workbench: command line.")
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in COMMANDS.items():
        sub = subparsers.add_parser(name, help=module.HELP, description=module.__doc__)
        module.add_arguments(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if args_list and args_list[0] in COMMANDS:
            args = build_command_parser().parse_args(args_list)
            return COMMANDS[args.command].run(args)
        gui_parser = cmd_gui.build_parser(EPILOG)
        return cmd_gui.run(gui_parser.parse_args(args_list))
    except UserError as exc:
        error(str(exc))
        return 1
    except KeyboardInterrupt:
        error("interrupted; whatever was committed before is kept, and an import or copy that was running is undone entirely.")
        return 130
