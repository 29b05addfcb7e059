"""Back up a project file now, or list its backups: ``annotator backup PROJECT [--list] [--keep N]``.

Backups are verified copies in ``PROJECT.backups/`` beside the file; the newest ``--keep`` are
kept. A project on a database server is backed up with the server's own tools, which the message
for a URL says.
"""

from __future__ import annotations

import argparse

import sqlalchemy as sa

from annotator.cli.output import print_table, say
from annotator.errors import Errors, UserError
from annotator.store.backups import (
    BACKUP_KEEP,
    backup_folder,
    list_backups,
    project_file,
    take_backup,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file")
    parser.add_argument("--list", action="store_true", help="list the backups, newest first, with time and size")
    parser.add_argument("--keep", type=int, default=BACKUP_KEEP,
                        help=f"how many backups to keep, oldest removed first (default {BACKUP_KEEP})")


def run(args: argparse.Namespace) -> int:
    path = project_file(args.project)
    if path is None:
        shown = sa.make_url(args.project).render_as_string(hide_password=True)  # no password on screen
        raise UserError(Errors.E120.format(command="backup", location=shown))
    if args.list:
        backups = list_backups(path)
        if not backups:
            say(f"No backups of {args.project} in {backup_folder(path)}.")
            return 0
        print_table(["taken", "size", "file"],
                    [(f"{b.taken:%Y-%m-%d %H:%M:%S}", _size(b.size), b.path) for b in backups], max_width=200)
        return 0
    backup = take_backup(path, keep=args.keep, location=args.project)
    if backup.unchanged:
        say(f"{args.project} has not changed since its backup {backup.path}; no new copy was needed.")
        return 0
    say(f"Backup of {args.project} written to {backup.path} ({_size(backup.size)}, integrity check ok).")
    return 0


def _size(size: int) -> str:
    """Bytes for people: 163.8 kB, 52.4 MB."""
    if size < 1000:
        return f"{size} B"
    amount = float(size)
    for unit in ("kB", "MB"):
        amount /= 1000
        if amount < 1000:
            return f"{amount:.1f} {unit}"
    return f"{amount / 1000:.1f} GB"
