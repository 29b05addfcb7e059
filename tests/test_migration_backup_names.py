"""The backup made before a project is upgraded never fails on a name that is taken: two
processes opening an older project in the same second both back it up (a crash test with a
reader beside the writer met "[E121] … File exists" there), and neither file is replaced."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from annotator.store import Project
from annotator.store.migrate import backup_sqlite


def test_a_taken_backup_name_gives_the_next_free_one(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    Project.open(path).close()
    now = datetime.now()
    taken = [path.with_name(f"p.db.before-0099-{(now + timedelta(seconds=s)).strftime('%Y%m%d-%H%M%S')}.bak")
             for s in (0, 1, 2)]  # whichever second the backup is made in, its first name is taken
    for name in taken:
        name.write_bytes(b"another process's backup")
    backup = backup_sqlite(path, "before-0099")
    assert backup not in taken and backup.name.endswith("-2.bak")
    assert all(name.read_bytes() == b"another process's backup" for name in taken)
    with Project.open(backup, create=False) as copy:
        assert copy.documents.count() == 0
    assert not list(tmp_path.glob(".*.partial"))
