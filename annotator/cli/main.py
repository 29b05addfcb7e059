"""The ``annotator`` command: the GUI when given a project (or nothing), else a subcommand.

``annotator [PROJECT] [--annotator NAME]`` opens the window; ``annotator COMMAND …`` runs one of
the commands in ``COMMANDS`` (one module each, thin over the core, as spaCy's CLI is). A user
error prints one actionable sentence to stderr and exits 1; nothing here prints a traceback for
something the user can fix. A bug prints one line naming its crash report file and exits 70;
``--debug`` (anywhere before a ``--``, with any command or the window) prints the report, with
its traceback, on stderr as well.
"""

from __future__ import annotations

import argparse
import errno
import os
import shlex
import sys
from collections.abc import Sequence
from types import ModuleType

from annotator import __version__
from annotator.cli import (
    cmd_actors,
    cmd_agreement,
    cmd_backup,
    cmd_copy,
    cmd_dashboard,
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
from annotator.cli.output import error, note
from annotator.crash_reports import crash_report_dir, echo_reports, write_crash_report
from annotator.errors import Errors, UserError

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
        _add_debug_option(sub)
    return parser


def _add_debug_option(parser: argparse.ArgumentParser) -> None:
    """List ``--debug`` in the parser's help. ``main`` takes it out of the arguments before
    parsing, so it works anywhere on the line: before the command, after it, or for the window."""
    parser.add_argument("--debug", action="store_true",
                        help="on an internal error (a bug), also print its report and traceback")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every way it can end is an exit code and at most a catalogue message."""
    args_list, debug = _take_debug(list(sys.argv[1:] if argv is None else argv))
    echo_reports(note if debug else None)
    try:
        return _run(args_list)
    finally:
        echo_reports(None)  # main() runs more than once in one process (tests)


def _run(args_list: list[str]) -> int:
    try:
        if args_list and args_list[0] in COMMANDS:
            args = build_command_parser().parse_args(args_list)
            return COMMANDS[args.command].run(args)
        gui_parser = cmd_gui.build_parser(EPILOG)
        _add_debug_option(gui_parser)
        return cmd_gui.run(gui_parser.parse_args(args_list))
    except UserError as exc:
        error(str(exc))
        return 1
    except KeyboardInterrupt:
        error("interrupted; whatever was committed before is kept, and an import or copy that was running is undone entirely.")
        return 130
    except BrokenPipeError:
        return _reader_went_away()
    except OSError as exc:  # a file the command meets that no reader foresaw: named, not traced
        error(Errors.E156.format(action="use", path=exc.filename or "a file", reason=_os_reason(exc)))
        return 1
    except Exception as exc:  # a bug: its details go to a file (and with --debug to stderr), one line here
        report = write_crash_report(exc, f"command line: annotator {_shown_command(args_list)}")
        if report.path is not None:
            error(Errors.E155.format(kind=type(exc).__name__, reason=exc, log=report.path))
        else:
            error(Errors.E186.format(kind=type(exc).__name__, reason=exc, folder=crash_report_dir(),
                                     problem=report.problem))
        return 70  # EX_SOFTWARE


def _take_debug(args_list: list[str]) -> tuple[list[str], bool]:
    """The arguments without ``--debug``, and whether it was there (after ``--`` it is an
    argument like any other: a file may be called that)."""
    end = args_list.index("--") if "--" in args_list else len(args_list)
    kept = [arg for arg in args_list[:end] if arg != "--debug"] + args_list[end:]
    return kept, len(kept) < len(args_list)


def _shown_command(args_list: list[str]) -> str:
    """The command line for a crash report, with a database URL's password hidden: the report
    is meant to be sent to someone."""
    from annotator.store.database import shown_location

    return shlex.join(shown_location(arg) for arg in args_list)


def _reader_went_away() -> int:
    """The program reading our output stopped (``annotator show P 1 | head -3``): end quietly,
    as command-line tools do, without Python's complaint when stdout is flushed at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 141  # 128 + SIGPIPE, what a shell reports for a tool ended by a closed pipe


def _os_reason(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full; free some space and try again"
    return (exc.strerror or str(exc)).lower()
