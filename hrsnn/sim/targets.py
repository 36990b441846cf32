"""Simulation targets (which simulator runs a reservoir) and Brian2's code-generation settings."""
from __future__ import annotations

import importlib.util
import os
import shutil

from ..errors import ConfigError

TARGETS = ("auto", "numba", "standalone", "cython", "numpy")
ENGINES = ("numba", "standalone")     # targets that run current-driven reservoirs outside Brian2's runtime


def resolve_target(target: str, config) -> str:
    """The target an evaluation uses. "auto" is the Numba event-driven kernel when the input is a current or
    events (numba installed), else, for a current, the compiled standalone binary (g++ present), otherwise Brian2's
    runtime ("auto" there: cython if it compiles, else numpy). Poisson input always runs on Brian2's runtime."""
    if target not in TARGETS:
        raise ConfigError(f"target: {target!r} is not one of {', '.join(TARGETS)}")
    if target == "auto" and config.input.encoding != "poisson":
        if importlib.util.find_spec("numba") is not None:
            return "numba"
        if shutil.which("g++") and config.input.encoding == "current":
            return "standalone"
    return target


def select_target(target: str = "auto") -> None:
    """Set Brian2's runtime code-generation target; "auto" is cython when a compiler works, else numpy.

    ``HRSNN_CACHE_DIR`` (if set) holds the compiled cython code, reused across runs and processes.
    """
    if target not in ("auto", "cython", "numpy"):
        raise ConfigError(f"target: {target!r} is not a Brian2 runtime target (auto, cython, numpy)")
    from brian2 import prefs
    prefs.codegen.target = target
    prefs.logging.file_log = False
    cache = os.environ.get("HRSNN_CACHE_DIR")
    if cache:
        path = os.path.join(os.path.abspath(cache), "cython")
        os.makedirs(path, exist_ok=True)
        prefs.codegen.runtime.cython.cache_dir = path
