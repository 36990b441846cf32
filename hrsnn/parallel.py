"""Cores, threads and worker processes: how a run, and a pool of runs, share the machine, and what a process
leaves behind."""
from __future__ import annotations

import atexit
import os
import shutil
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import cache
from multiprocessing import get_context


def _remove_reservoirpy_tempdir() -> None:
    """reservoirpy 0.4 makes a directory under the system's temp dir whenever it is imported and never removes it:
    remove this process's at exit (a spawned worker imports its own)."""
    path = getattr(sys.modules.get("reservoirpy"), "_TEMPDIR", None)
    if path and os.path.basename(path).startswith("reservoirpy-temp-"):
        shutil.rmtree(path, ignore_errors=True)


atexit.register(_remove_reservoirpy_tempdir)


def cores() -> int:
    """Cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def threads() -> int:
    """Threads one run may use: ``HRSNN_THREADS`` if set, else 1 off the process's main thread (a Dask task, a
    thread pool), else one per usable core."""
    env = os.environ.get("HRSNN_THREADS")
    if env:
        if not env.isdigit() or int(env) < 1:
            from .errors import HRSNNError
            raise HRSNNError(f"HRSNN_THREADS: {env!r} is not a whole number >= 1")
        return int(env)
    return cores() if threading.current_thread() is threading.main_thread() else 1


@cache
def _threadpools():
    """The process's thread pools, found once (a search of the loaded libraries costs ≈ 9 ms)."""
    from threadpoolctl import ThreadpoolController
    return ThreadpoolController()


def one_blas_thread():
    """A context in which this process's BLAS runs on one thread: small dense solves (ridge readouts, a GP
    surrogate's fit) run several times faster than on threads that compete with the other workers."""
    return _threadpools().limit(limits=1, user_api="blas")


@cache
def _pool(workers: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(workers, thread_name_prefix="hrsnn")


if hasattr(os, "register_at_fork"):     # a forked child has none of the parent's pool threads: make its own
    os.register_at_fork(after_in_child=_pool.cache_clear)


def map_threads(fn, items) -> list:
    """``[fn(x) for x in items]`` on ``threads()`` threads (for work that releases the GIL, like NumPy's
    random draws); in order."""
    items = list(items)
    n = min(threads(), len(items))
    return [fn(x) for x in items] if n <= 1 else list(_pool(n).map(fn, items))


def share_cores(workers: int) -> None:
    """Process-pool initializer: ``workers`` processes share the cores, each run gets its share of threads
    (``HRSNN_THREADS``, read by ``threads``), unless the user has set it."""
    os.environ.setdefault("HRSNN_THREADS", str(max(1, cores() // max(1, workers))))


WATCH_S = 0.5
"""How often (s) a pool worker checks that the process that started it is alive."""


def exit_with_parent(parent: int | None = None) -> None:
    """Exit this process as soon as ``parent`` (default: its parent now) is no longer its parent (killed, even by
    SIGKILL: the process is then re-parented). A daemon thread polls, so a process busy in a run still exits within
    about ``WATCH_S``. Every helper process hrsnn starts calls this."""
    parent = os.getppid() if parent is None else parent
    def watch():
        while os.getppid() == parent:
            time.sleep(WATCH_S)
        os._exit(1)
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=watch, name="hrsnn-parent-watch", daemon=True).start()


def _worker_init(workers: int, parent: int) -> None:
    share_cores(workers)
    exit_with_parent(parent)


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes (safe with Brian2 and threads) that share the cores and exit when
    the process that made the pool dies, however it dies (its resource tracker then ends with them)."""
    return ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_worker_init,
                               initargs=(workers, os.getpid()))
