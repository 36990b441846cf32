"""Simulation targets (which engine runs a reservoir) and Brian2's code-generation settings."""
from __future__ import annotations

import importlib.util
import os
import shutil
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import cache
from multiprocessing import get_context

TARGETS = ("auto", "numba", "standalone", "cython", "numpy")
ENGINES = ("numba", "standalone")     # targets that run current-driven reservoirs outside Brian2's runtime


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


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes (safe with Brian2 and threads) that share the cores."""
    return ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=share_cores,
                               initargs=(workers,))


def resolve_target(target: str, config) -> str:
    """The target an evaluation uses. "auto" is the Numba event-driven kernel when the input is a current
    (numba installed), else the compiled standalone binary (g++ present), otherwise Brian2's runtime ("auto"
    there: cython if it compiles, else numpy). Poisson input always runs on Brian2's runtime."""
    if target not in TARGETS:
        from .errors import ConfigError
        raise ConfigError(f"target: {target!r} is not one of {', '.join(TARGETS)}")
    if target == "auto" and config.input.encoding == "current":
        if importlib.util.find_spec("numba") is not None:
            return "numba"
        if shutil.which("g++"):
            return "standalone"
    return target


def select_target(target: str = "auto") -> None:
    """Set Brian2's runtime code-generation target; "auto" is cython when a compiler works, else numpy.

    ``HRSNN_CACHE_DIR`` (if set) holds the compiled cython code, reused across runs and processes.
    """
    if target not in ("auto", "cython", "numpy"):
        from .errors import ConfigError
        raise ConfigError(f"target: {target!r} is not a Brian2 runtime target (auto, cython, numpy)")
    from brian2 import prefs
    prefs.codegen.target = target
    prefs.logging.file_log = False
    cache = os.environ.get("HRSNN_CACHE_DIR")
    if cache:
        path = os.path.join(os.path.abspath(cache), "cython")
        os.makedirs(path, exist_ok=True)
        prefs.codegen.runtime.cython.cache_dir = path
