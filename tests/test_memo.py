"""The size-bounded in-process cache behind the per-structure wiring and synapse layout."""
import numpy as np
import pytest

from hrsnn.memo import Memo


def megabyte(value: float) -> dict:
    return {"a": np.full(2**17, value)}


def test_memo_keeps_values_within_its_budget_least_recently_used_out_first():
    memo = Memo(max_mb=2)
    a = memo.get("a", lambda: megabyte(1.0))
    memo.get("b", lambda: megabyte(2.0))
    assert memo.get("a", lambda: megabyte(9.0)) is a                  # kept; now the most recently used
    memo.get("c", lambda: megabyte(3.0))                              # over budget: b goes
    assert memo.get("b", lambda: megabyte(4.0))["a"][0] == 4.0        # made again
    assert memo.get("c", lambda: megabyte(5.0))["a"][0] == 3.0
    assert (memo.hits, memo.misses) == (2, 4)
    with pytest.raises(ValueError, match="read-only"):
        a["a"][0] = 0.0


def test_memo_returns_but_does_not_keep_a_value_over_budget():
    memo = Memo(max_mb=1)
    assert memo.get("big", lambda: {"a": np.zeros(2**18)})["a"].size == 2**18
    assert memo.get("big", lambda: {"a": np.ones(1)})["a"][0] == 1.0


def test_memo_accounting_holds_under_threads():
    from concurrent.futures import ThreadPoolExecutor
    memo = Memo(max_mb=3)
    keys = [i % 7 for i in range(400)]
    with ThreadPoolExecutor(8) as pool:
        values = list(pool.map(lambda k: memo.get(k, lambda: megabyte(float(k)))["a"][0], keys))
    assert values == [float(k) for k in keys]
    assert memo.hits + memo.misses == len(keys)
    assert memo._bytes == sum(size for _, size in memo._items.values()) <= memo.max_bytes


def test_memo_keeps_a_bare_array_read_only():
    memo = Memo(max_mb=1)
    kept = memo.get("a", lambda: np.arange(3.0))
    assert memo.get("a", lambda: np.zeros(3)) is kept and not kept.flags.writeable


def test_the_caches_keep_an_n_100000_reservoirs_values():
    """make bench's N = 100 000 SC-ML reservoir has 11 026 880 synapses; each cache's value for it, scaled from a
    one-layer reservoir's per synapse, must fit its budget, or every evaluation at that size remakes it."""
    from hrsnn.bench import large_config
    from hrsnn.model.parameters import STDP_DRAWS, WIRING, Parameters
    from hrsnn.model.seeds import seed_streams
    from hrsnn.sim.eventsim import _WIRING_FIELDS, LAYOUTS, layout
    from hrsnn.memo import _arrays
    cfg = large_config(2500)
    params = Parameters.draw(cfg, 1, seed_streams(12345)[0])
    scale = 11_026_880 / params.n_synapses
    wiring = sum(getattr(params, f).nbytes for f in _WIRING_FIELDS)
    stdp = sum(getattr(params, f).nbytes for f in ("tau_plus", "tau_minus", "a_plus", "a_minus"))
    lay = sum(a.nbytes for a in _arrays(layout(params, cfg.dt, 2)))
    for memo, size in ((WIRING, wiring), (STDP_DRAWS, stdp), (LAYOUTS, lay)):
        assert 1.2 * scale * size <= memo.max_bytes, (memo, scale * size / 2**20)
