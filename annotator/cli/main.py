"""The ``annotator`` command: the GUI when given a project (or nothing), else a subcommand.

``annotator [PROJECT] [--annotator NAME]`` opens the window; ``annotator COMMAND …`` runs one of
the commands in ``COMMANDS`` (one module each, thin over the core, as spaCy's CLI is). A user
error prints one actionable sentence to stderr and exits 1; nothing here prints a traceback for
something the user can fix. A bug prints one line naming its crash report file and exits 70;
``--debug`` (anywhere before a ``--``, with any command or the window) prints the report, with
its traceback, on stderr as well.

Start-up time is the point of the layout: the table below names each command's module and
one-line help, so ``--help`` and ``--version`` import no command, and a command imports only its
own module (the store, numpy or spaCy only when the command needs them).
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import re
import shlex
import sys
import textwrap
from collections.abc import Sequence
from typing import Any

from annotator.cli import cmd_gui
from annotator.cli.output import error, note
from annotator.errors import Errors, UserError

#: Each command: the module it lives in (with ``add_arguments(parser)`` and ``run(args)``; its
#: docstring is the command's ``--help`` description) and its line in ``annotator --help``.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("annotator.cli.cmd_init", "create a project database (SQLite path or URL)"),
    "import": ("annotator.cli.cmd_import", "import documents from files and folders"),
    "export": ("annotator.cli.cmd_export", "export annotations as a dataset (jsonl, spacy, brat, conll, xmi, "
                                           "webanno-tsv, doccano, prodigy, csv)"),
    "docs": ("annotator.cli.cmd_docs", "list documents with span counts and status per annotator"),
    "show": ("annotator.cli.cmd_show", "show one document and its annotations (by id or name)"),
    "stats": ("annotator.cli.cmd_stats", "count documents, annotators and spans per label and annotator"),
    "schema": ("annotator.cli.cmd_schema", "show the project's label schema, or set it from a YAML file"),
    "suggest": ("annotator.cli.cmd_suggest", "suggest actors, claims and threats with spaCy"),
    "actors": ("annotator.cli.cmd_actors", "list or edit the registry of canonical actors"),
    "merge": ("annotator.cli.cmd_merge", "merge other projects or canonical JSONL exports into a project"),
    "agreement": ("annotator.cli.cmd_agreement", "measure agreement between annotators (αu, span F1, "
                                                 "precision and recall, token κ/α/AC1, attributes, relations, "
                                                 "each annotator against gold, documents worst first)"),
    "search": ("annotator.cli.cmd_search", "full-text search with filters; a concordance of hits or spans"),
    "dashboard": ("annotator.cli.cmd_dashboard", "write the dashboard (progress, labels, agreement, actor "
                                                 "network, timeline) as HTML, PDF or PNG/SVG"),
    "copy": ("annotator.cli.cmd_copy", "copy a whole project into a new file or an empty database "
                                       "(SQLite ↔ PostgreSQL)"),
    "backup": ("annotator.cli.cmd_backup", "make a verified backup copy of a project file now (or --list them)"),
    "restore": ("annotator.cli.cmd_restore", "replace a project file with its newest good backup (the old "
                                             "file is kept aside)"),
    "limits": ("annotator.cli.cmd_limits", "show or set the largest file and document an import accepts"),
    "train": ("annotator.cli.cmd_train", "train a suggestion model from the project's annotations and score it"),
    "models": ("annotator.cli.cmd_models", "list trained model versions, choose which suggests, delete one, "
                                           "set thresholds"),
    "check": ("annotator.cli.cmd_check", "list texts labelled differently, and unlabelled occurrences of texts "
                                         "labelled elsewhere"),
}

#: Widest a help text is wrapped to, however wide the terminal (long lines are hard to read).
_HELP_WIDTH = 100


class HelpParser(argparse.ArgumentParser):
    """A parser whose help is finished only when it is printed: fitting the texts to the
    terminal needs its width, which a command that runs never asks for. The description, a
    module docstring, is printed as ``plain_text``; the window's parser (``lists_commands``)
    lists the commands under its options."""

    lists_commands = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def format_help(self) -> str:
        if self.description:
            self.description = plain_text(self.description)
        if self.lists_commands:
            self.epilog = epilog()
        return super().format_help()


def epilog() -> str:
    """The command list under ``annotator --help``, each help wrapped beside its name."""
    width = _help_width()
    indent = max(map(len, COMMANDS)) + 4
    lines = [textwrap.fill(help_line, width, initial_indent=f"  {name}".ljust(indent),
                           subsequent_indent=" " * indent) for name, (_module, help_line) in COMMANDS.items()]
    return "commands:\n" + "\n".join(lines) + "\n\nRun 'annotator COMMAND --help' for a command's options."


def command_parser(name: str) -> argparse.ArgumentParser:
    """The parser of one command, its module imported now (and only now)."""
    module = importlib.import_module(COMMANDS[name][0])
    parser = HelpParser(prog=f"annotator {name}", description=module.__doc__)
    module.add_arguments(parser)
    _add_debug_option(parser)
    parser.set_defaults(run=module.run)
    return parser


def parse_command(name: str, arguments: list[str]) -> argparse.Namespace:
    """The command's arguments, options allowed before, between and after the positionals
    ('annotator search P --json minsk'). argparse's intermixed parsing cannot read a command
    with actions of its own ('annotator actors P add NAME'); there the action's parser takes
    what follows its name, options included."""
    parser = command_parser(name)
    if parser._subparsers is not None:
        return parser.parse_args(arguments)
    return parser.parse_intermixed_args(arguments)


def plain_text(docstring: str) -> str:
    """A module docstring as a ``--help`` description: reST's ``literal`` marks taken off and
    each paragraph wrapped to the terminal (the source wraps at its own width)."""
    text = re.sub(r"``(.+?)``", r"\1", textwrap.dedent(docstring), flags=re.DOTALL)
    paragraphs = [" ".join(part.split()) for part in re.split(r"\n\s*\n", text.strip())]
    return "\n\n".join(textwrap.fill(paragraph, _help_width()) for paragraph in paragraphs if paragraph)


def _help_width() -> int:
    import shutil

    return max(40, min(_HELP_WIDTH, shutil.get_terminal_size().columns - 2))


def _add_debug_option(parser: argparse.ArgumentParser) -> None:
    """List ``--debug`` in the parser's help. ``main`` takes it out of the arguments before
    parsing, so it works anywhere on the line: before the command, after it, or for the window."""
    parser.add_argument("--debug", action="store_true",
                        help="on an internal error (a bug), also print its report and traceback")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every way it can end is an exit code and at most a catalogue message."""
    args_list, debug = _take_debug(list(sys.argv[1:] if argv is None else argv))
    if not debug:
        return _run(args_list)
    from annotator.crash_reports import echo_reports

    echo_reports(note)
    try:
        return _run(args_list)
    finally:
        echo_reports(None)  # main() runs more than once in one process (tests)


def _run(args_list: list[str]) -> int:
    try:
        if args_list and args_list[0] in COMMANDS:
            args = parse_command(args_list[0], args_list[1:])
            return int(args.run(args))
        return _run_window(args_list)
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
        from annotator.crash_reports import crash_report_dir, write_crash_report

        report = write_crash_report(exc, f"command line: annotator {_shown_command(args_list)}")
        if report.path is not None:
            error(Errors.E155.format(kind=type(exc).__name__, reason=exc, log=report.path))
        else:
            error(Errors.E186.format(kind=type(exc).__name__, reason=exc, folder=crash_report_dir(),
                                     problem=report.problem))
        return 70  # EX_SOFTWARE


def _run_window(args_list: list[str]) -> int:
    """``annotator [PROJECT] [--annotator NAME]``, or a mistyped command: a first word that is
    no command, followed by more than the window takes or close to a command's name and not a
    file, is reported as an unknown command rather than opened (or created) as a project."""
    parser = HelpParser(prog="annotator", usage=cmd_gui.USAGE, description=cmd_gui.DESCRIPTION)
    parser.lists_commands = True
    cmd_gui.add_arguments(parser)
    _add_debug_option(parser)
    args, extra = parser.parse_known_args(args_list)
    word = args.project
    if word is not None and _could_be_a_command(word):
        import difflib

        close = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.75)
        if extra or close:
            guess = f" Did you mean '{close[0]}'?" if close else ""
            error(Errors.E1370.format(word=word, guess=guess, commands=", ".join(COMMANDS)))
            return 2  # as argparse ends on any other mistake in the command line
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return cmd_gui.run(args)


def _could_be_a_command(word: str) -> bool:
    """A bare word that names nothing on disk: not a path, a file name with a suffix, or a URL."""
    return re.fullmatch(r"[A-Za-z][\w-]*", word) is not None and not os.path.exists(word)


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
