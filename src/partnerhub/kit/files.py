"""Files that hold personal data and secrets: readable by the service's own user only.

The data folder is created 0700; the SQLite database, its ``-wal`` / ``-shm`` files and the master key are
0600. A folder the operator created beforehand is left as it is (it may be shared on purpose); the files in it
are tightened.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) with mode 0700, whatever the umask."""
    if not path.exists():
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(PRIVATE_DIR_MODE)
    return path


def make_private(*paths: Path) -> None:
    """Set 0600 on each existing file among ``paths``."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if path.is_file() and path.stat().st_mode & 0o777 != PRIVATE_FILE_MODE:
                os.chmod(path, PRIVATE_FILE_MODE)


def sqlite_files(database: Path) -> tuple[Path, Path, Path]:
    return database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")
