"""Small input files a user names (a label schema, a pattern file), read without hanging.

Opening a named pipe for reading waits for a writer, possibly forever, and a device such as
/dev/zero never ends. So the file is opened with ``O_NONBLOCK`` and judged by ``fstat`` on the
open descriptor (nothing can be swapped in between a check and the read), only a regular file is
read, and only up to the size its reader allows: a path that names a huge file by mistake fails
at once instead of after minutes of parsing. A database this process has open is refused before
it is opened, because closing any descriptor of it would drop the process's SQLite locks
(``annotator.store.sqlite_files``). Corpus files have their own limits
(``annotator.corpus.file_checks``).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class UnreadableInput(Exception):
    """Why an input file cannot be read, as a phrase for the reader's own catalogue message."""


def read_input_file(path: Path, max_bytes: int, what: str) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes`` of them; ``what`` names the
    file's use for the refusal of an open database ("a label schema"). Raises UnreadableInput,
    or UserError (E146) for a database open in this process."""
    # Imported here: the store imports the schema package, whose loader uses this module.
    from annotator.corpus.file_checks import special_kind
    from annotator.store.sqlite_files import refuse_open_database

    refuse_open_database(path, what)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        with open(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise UnreadableInput(f"it is {special_kind(info.st_mode)}, not a file")
            data = b"" if info.st_size > max_bytes else handle.read(max_bytes + 1)  # it may grow meanwhile
            if info.st_size > max_bytes or len(data) > max_bytes:
                raise UnreadableInput(f"it holds more than the {max_bytes / 1_000_000:g} MB such a file may have; "
                                      "check that this is the right file")
            return data
    except OSError as error:
        raise UnreadableInput((error.strerror or str(error)).lower()) from None
