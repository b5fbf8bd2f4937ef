"""Files only their owner can read: the ledger, receipts, reports, statements, labels and backups.

The ledger holds PIN hashes and participants' details, and every document the app writes holds
takings or people's names, so each file is created 0600 and each folder the app makes 0700,
whatever the process umask (under the usual umask 022 a plain `open(path, "w")` gives 0644).
The mode is given when the file is created and set again with fchmod, because the umask can only
take bits away: a umask of 077 or 000 gives the same files.

A SQLite ledger created here first (`create_private`) passes its mode on: SQLite gives its -wal,
-shm and -journal files the mode of the database file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
_GROUP_AND_OTHERS = 0o077


def private_dir(path: Path) -> Path:
    """Make the folder `path` and its missing parents, each made here 0700; folders already there stay as they are."""
    path = Path(path)
    missing: list[Path] = []
    folder = path
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, PRIVATE_DIR)
        except FileExistsError:
            continue  # another till made it a moment ago
        os.chmod(folder, PRIVATE_DIR)
    return path


def create_private(path: Path) -> Path:
    """Create the file `path` empty and 0600 if it is not there; a file already there keeps its contents and mode."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    try:
        os.fchmod(descriptor, PRIVATE_FILE)
    finally:
        os.close(descriptor)
    return path


def ensure_private(path: Path) -> Path:
    """`path` as an empty new 0600 file if it is not there, else made readable by its owner only (see keep_private)."""
    try:
        return create_private(path)
    except FileExistsError:
        keep_private([path])
        return path


def keep_private(paths: Iterable[Path]) -> None:
    """Take group and others' permissions off those of `paths` that exist; the owner's stay as they are
    (a file made read-only on purpose stays read-only). A file owned by someone else is left alone."""
    for path in paths:
        try:
            mode = os.stat(path).st_mode & 0o7777
            if mode & _GROUP_AND_OTHERS:
                os.chmod(path, mode & ~_GROUP_AND_OTHERS)
        except (FileNotFoundError, PermissionError):
            continue


def write_private(path: Path, data: bytes) -> Path:
    """Write `data` to the file `path`, 0600, whole: written beside it under a temporary name, then renamed
    into place, so `path` is never half written. On an OSError (a full disk) nothing is left and it is raised."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.unlink(missing_ok=True)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        with os.fdopen(descriptor, "wb") as file:
            os.fchmod(descriptor, PRIVATE_FILE)
            file.write(data)
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)
        raise
    return path
