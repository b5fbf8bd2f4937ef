"""Real disk faults for tests: a tiny tmpfs that fills up, a disk remounted read-only, file permissions that bind.

Mounting needs root (CI and the developers' machines run as root); elsewhere the tests that need it skip.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)


@contextmanager
def tiny_disk(folder: Path, size_kb: int = 2048) -> Iterator[Path]:
    """A tmpfs of `size_kb` KiB mounted at `folder` for the block; skips the test where mounting is not allowed."""
    if shutil.which("mount") is None:
        pytest.skip("no mount command here")
    folder.mkdir(parents=True, exist_ok=True)
    done = _mount("-t", "tmpfs", "-o", f"size={size_kb}k,mode=0700", "tmpfs", str(folder))
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], capture_output=True, timeout=30)


def fill(disk: Path) -> Path:
    """Fill `disk` to its last byte with one file, returned: remove it to free the space again."""
    filler = disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for chunk in (1 << 16, 1 << 12, 1):
            try:
                while True:
                    os.write(descriptor, b"\0" * chunk)
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
    finally:
        os.close(descriptor)
    return filler


def remount_read_only(disk: Path) -> None:
    done = _mount("-o", "remount,ro", str(disk))
    assert done.returncode == 0, done.stderr


def bound_by_permissions(command: list[str]) -> list[str]:
    """`command` run as a user whom file permissions stop: as it is for an ordinary user; for root (whom no
    permission stops), through setpriv without the capabilities that let root ignore them."""
    if os.geteuid() != 0:
        return command
    if shutil.which("setpriv") is None:
        pytest.skip("no setpriv here, to run a command as root bound by file permissions")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
