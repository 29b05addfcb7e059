"""Put a backup back: ``annotator restore PROJECT [BACKUP]``.

Without BACKUP, the newest backup that passes SQLite's integrity check is used. The current
project file, if there is one, is moved aside to ``PROJECT.damaged-DATE`` (with its WAL files)
and never deleted. Close every annotator window on the project first.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import sqlalchemy as sa

from annotator.cli.output import say
from annotator.errors import Errors, UserError
from annotator.store.backups import project_file, restore_backup


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file")
    parser.add_argument("backup", nargs="?", type=Path,
                        help="backup file (a path, or a name from 'annotator backup PROJECT --list'); "
                             "default: the newest one that passes the integrity check")


def run(args: argparse.Namespace) -> int:
    path = project_file(args.project)
    if path is None:
        shown = sa.make_url(args.project).render_as_string(hide_password=True)  # no password on screen
        raise UserError(Errors.E120.format(command="restore", location=shown))
    restored = restore_backup(path, args.backup, location=args.project)
    say(f"Restored {args.project} from {restored.backup.path} (taken {restored.backup.taken:%Y-%m-%d %H:%M:%S}).")
    if restored.moved_aside is not None:
        say(f"The previous file was kept as {restored.moved_aside}.")
    return 0
