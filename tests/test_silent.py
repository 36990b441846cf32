"""A silent reservoir is flagged degenerate with a reason on every target and state kind, never raised."""
import math
import shutil

import pytest

from hrsnn import evaluate
from hrsnn.sim.states import ROW_LOOP_MIN

SILENT = {"input.scale": 0.0, "input.bias": 0.0}
needs_gxx = pytest.mark.skipif(shutil.which("g++") is None, reason="needs a C++ compiler")


# both sizes (either side of the states' row-loop threshold) on every target; the compiled targets build one binary
# per size, so the second size of those runs with the slow checks
@pytest.mark.parametrize("target, n", [
    *((target, n) for target in ("numba", "numpy") for n in (ROW_LOOP_MIN - 6, ROW_LOOP_MIN + 44)),
    pytest.param("standalone", ROW_LOOP_MIN - 6, marks=needs_gxx),
    pytest.param("standalone", ROW_LOOP_MIN + 44, marks=[needs_gxx, pytest.mark.slow]),
    *(pytest.param("cython", n, marks=[needs_gxx, pytest.mark.slow]) for n in (ROW_LOOP_MIN - 6, ROW_LOOP_MIN + 44)),
])
@pytest.mark.parametrize("kind", ["count", "trace"])
def test_silent_reservoir_is_degenerate(small_config, target, kind, n):
    cfg = small_config.with_updates({**SILENT, "n_neurons": n, "states.kind": kind})
    r = evaluate(cfg, seed=0, target=target)
    assert r.spikes == 0
    assert r.degenerate and "silent" in r.reason
    assert r.E == math.inf
