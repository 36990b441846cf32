import numpy as np

from hrsnn.states import filtered_traces, spike_counts


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


def test_no_spikes_gives_zeros():
    assert not filtered_traces(np.zeros(0, int), np.zeros(0), 3, 10, 0.005, 0.01).any()
    assert spike_counts(np.zeros(0, int), np.zeros(0), 3, 10, 0.005).shape == (10, 3)
