"""Where a result was made: the code's commit, the versions of the packages that compute it and the processor.

Every study summary records it, so two runs that disagree can say how their machines differed.
"""
from __future__ import annotations

import platform
import subprocess
from functools import lru_cache
from importlib import metadata
from pathlib import Path

PACKAGES = ("numpy", "scipy", "scikit-learn", "scikit-optimize", "brian2", "numba", "llvmlite", "reservoirpy",
            "aeon", "threadpoolctl")
FLAGS = ("avx2", "fma", "avx512f")


def _commit() -> str:
    """The checkout's commit, with ``+modified`` when tracked files differ from it; ``unknown`` outside git."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "-uno"], capture_output=True,
                               text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (head + ("+modified" if dirty else "")) if head else "unknown"


def _processor() -> dict:
    """The processor's model name and the vector extensions that change floating-point paths."""
    model, flags = platform.processor() or platform.machine(), set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                model = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
                break
    except OSError:
        pass
    return {"model": model, "machine": platform.machine(), "flags": [f for f in FLAGS if f in flags]}


def _blas() -> str:
    from threadpoolctl import threadpool_info
    return ", ".join(dict.fromkeys(f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')})"
                                   for i in threadpool_info() if i.get("user_api") == "blas")) or "unknown"


@lru_cache(maxsize=1)
def provenance() -> dict:
    """``{"commit", "python", "packages": {name: version}, "processor", "blas"}`` of this process."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"commit": _commit(), "python": platform.python_version(), "packages": versions,
            "processor": _processor(), "blas": _blas()}


def provenance_line(p: dict | None = None) -> str:
    """One sentence for a report: commit, key versions, processor."""
    p = p or provenance()
    versions = ", ".join(f"{k} {v}" for k, v in p["packages"].items() if v)
    cpu = p["processor"]
    return (f"commit {p['commit'][:12]}{'+modified' if p['commit'].endswith('+modified') else ''}; Python "
            f"{p['python']}, {versions}; {cpu['model']} ({cpu['machine']}; {' '.join(cpu['flags']) or 'no AVX2'}), "
            f"BLAS {p['blas']}")
