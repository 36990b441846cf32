import numpy as np
import pytest
from scipy.signal import lfilter

from hrsnn.sim.states import ROW_LOOP_MIN, RunResult, StateSpec, filtered_traces, spike_counts


def test_counts_per_step():
    i = np.array([0, 1, 1, 0, 2])
    t = np.array([0.001, 0.004, 0.0049, 0.006, 0.0149])  # s; steps of 5 ms
    X = spike_counts(i, t, n_neurons=3, n_steps=3, step=0.005)
    assert X.tolist() == [[1, 2, 0], [1, 0, 0], [0, 0, 1]]


def test_traces_match_direct_sum():
    rng = np.random.default_rng(0)
    i = rng.integers(0, 4, 200)
    t = np.sort(rng.uniform(0, 0.5, 200))
    step, tau = 0.005, 0.02
    X = filtered_traces(i, t, 4, 100, step, tau)
    ends = (np.arange(100) + 1) * step
    direct = np.zeros((100, 4))
    for n in range(4):
        ts = t[i == n]
        for k, e in enumerate(ends):
            past = ts[ts < e]
            direct[k, n] = np.exp(-(e - past) / tau).sum()
    assert np.allclose(X, direct)


def test_traces_are_lfilter_bit_for_bit_on_either_side_of_the_row_loop_size():
    rng = np.random.default_rng(1)
    step, tau, n_steps = 0.005, 0.03, 300
    for n in (ROW_LOOP_MIN - 1, ROW_LOOP_MIN + 40):
        i = rng.integers(0, n, 20000)
        t = rng.uniform(0, n_steps * step, 20000)
        X = filtered_traces(i, t, n, n_steps, step, tau)
        jumps = np.zeros((n_steps, n))                                   # each step's own spikes
        k = np.floor(t / step + 1e-9).astype(int)
        np.add.at(jumps, (k, i), np.exp(-((k + 1) * step - t) / tau))
        assert np.array_equal(X, lfilter([1.0], [1.0, -np.exp(-step / tau)], jumps, axis=0))


def test_no_spikes_gives_zeros():
    assert not filtered_traces(np.zeros(0, int), np.zeros(0), 3, 10, 0.005, 0.01).any()
    assert spike_counts(np.zeros(0, int), np.zeros(0), 3, 10, 0.005).shape == (10, 3)


@pytest.mark.parametrize("kind", ["count", "trace"])
def test_gram_in_blocks_is_the_gram_of_the_states(kind):
    """RunResult.gram accumulates X Xᵀ over blocks of active neurons without holding X: the same matrix as the
    dense states' (silent neurons included there), for blocks of 1, 7 and all columns."""
    rng = np.random.default_rng(1)
    n, T, step = 300, 120, 0.005
    i = rng.integers(0, n, 4000)
    i[np.isin(i, [0, 5, 299])] = 1                            # three silent neurons, one of them the last
    t = np.sort(rng.uniform(0, T * step, 4000))
    run = RunResult(i, t, StateSpec(kind, step, 0.03), n, T, T * step, 0.0)
    want = run.states @ run.states.T
    for columns in (1, 7, n):
        K = run.gram(block_bytes=8 * T * columns)
        assert np.allclose(K, want, rtol=1e-12, atol=1e-12 * np.abs(want).max())
        assert np.array_equal(K, K.T)


def test_streamed_capacities_match_the_dense_states():
    """evaluate() fits the memory-capacity and nonlinear-capacity readouts from the streamed Gram matrix when the
    run has no more rows than neurons: the same numbers as the dense states give, to 1e-9."""
    from hrsnn.measure.evaluate import capacities, evaluate, memory_input
    from hrsnn.model.config import ReservoirConfig
    cfg = ReservoirConfig().with_updates({"n_neurons": 400, "task.train_steps": 50, "task.eval_steps": 300,
                                          "task.k_max": 15, "task.washout": 10, "task.capacity": "ipc",
                                          "neuron.tau_m.cv": 0.8})
    r = evaluate(cfg, seed=2, keep_run=True)
    assert r.run.n_steps <= cfg.n_neurons and r.memory_capacity > 0.5
    mc, ipc = capacities(r.run.states, memory_input(cfg, 2)[1], cfg.task)
    assert abs(mc.total - r.memory_capacity) <= 1e-9 * mc.total
    assert np.allclose(mc.per_delay, r.mc_per_delay, rtol=1e-9, atol=1e-12)
    assert abs(ipc - r.nonlinear_capacity) <= 1e-9 * ipc
