"""Kill a running command with SIGKILL (its workers included) once a trial store holds enough trials."""
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path


def kill_after_trials(cmd: list[str], env: dict, store: Path, count: int, timeout: float = 120.0) -> None:
    """Start ``cmd`` in a session of its own and kill -9 the whole session once ``store`` has ``count`` trials."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + timeout
    stored = 0
    while time.time() < deadline and stored < count:
        time.sleep(0.2)
        if store.exists():
            try:
                stored = sqlite3.connect(store).execute("SELECT COUNT(*) FROM trials").fetchone()[0]
            except sqlite3.OperationalError:
                stored = 0
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
