"""Real small and read-only disks for tests: a tmpfs of the test's own, unmounted afterwards.

Root ignores file permissions, and CI runs as root, so "read-only" and "full" must be what the
kernel says of a whole disk: a tmpfs mounted with a size limit, remounted read-only when asked.
Mounting needs root (or CAP_SYS_ADMIN); elsewhere the tests that need a disk are skipped with
the reason.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def tmpfs(mount_point: Path, size: str = "256k") -> Iterator[Path]:
    """Mount a tmpfs of ``size`` on ``mount_point`` (created) for the block."""
    mount_point.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs ({mounted.stderr.strip()}); these tests need root")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "--lazy", str(mount_point)], check=True)


def remount_read_only(mount_point: Path) -> None:
    """Make a tmpfs from ``tmpfs`` read-only (nothing on it may be open for writing)."""
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)


def fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` until about ``leave`` bytes are free."""
    info = os.statvfs(disk)
    (disk / "filler").write_bytes(b"\0" * max(0, info.f_bavail * info.f_frsize - leave))
