"""Output paths checked before any work: a missing folder is created, an unwritable path refused in one line."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError


def writable(path: str | Path, name: str, kind: str = "dir") -> Path:
    """``path`` (a ``"dir"`` or a ``"file"``) once it is known to be writable: missing folders are created (a file's
    parents too), and a path that cannot be written raises ``OutputError`` naming ``name`` (e.g. ``--out``)."""
    path = Path(path)
    folder = path if kind == "dir" else path.parent
    try:
        if kind == "file" and path.is_dir():
            raise IsADirectoryError(f"{path} is a folder")
        folder.mkdir(parents=True, exist_ok=True)
        if kind == "file" and path.exists():
            if not os.access(path, os.W_OK):
                raise PermissionError(f"{path} is read-only")
        else:
            fd, probe = tempfile.mkstemp(dir=folder, prefix=".hrsnn-write-probe-")
            os.close(fd)
            os.unlink(probe)
    except OSError as e:
        raise OutputError(f"{name}: cannot write {path} ({e.strerror or e})") from None
    return path
