"""The reservoir as a reservoirpy node: the states of hrsnn's own harness, and a working ``node >> Ridge()``."""
import numpy as np
import pytest

from hrsnn import HRSNNRegressor, InputError, Reservoir
from hrsnn.measure.metrics import nrmse
from hrsnn.sim.drive import PAD_STEPS
from hrsnn.sim.node import HRSNNNode

from .conftest import TARGET


def _series(seed, n):
    return np.random.default_rng(seed).uniform(-1, 1, (n, 2))


def test_node_states_are_the_harness_states_and_brian2s(small_config):
    u_fit, u_new = _series(0, 120), _series(1, 80)
    node = HRSNNNode(small_config, seed=4)
    fit_states = node.run(u_fit)
    new_states = node.run(u_new)
    assert new_states.shape == (80, small_config.n_neurons) and new_states.sum() > 0
    harness = HRSNNRegressor(small_config, seed=4, input_features=False)
    harness._fit_scaling([u_fit])
    assert np.allclose(harness._spiking_states([u_fit], 0, train=True)[0][0], fit_states)
    assert np.allclose(harness._spiking_states([u_new], 0, train=False)[0][0], new_states)
    # Brian2, the simulator of record: STDP on u_fit, then a fresh reservoir with the learned weights runs u_new
    # (both padded with rest steps to PAD_STEPS, as hrsnn.sim.drive runs every phase)
    def padded(u):
        return np.vstack([u, np.zeros((PAD_STEPS - len(u), 2))])
    learner = Reservoir(small_config, seed=4, n_channels=2, target=TARGET)
    learner.train_stdp(padded(u_fit))
    assert np.allclose(learner.params.w, node.weights_, atol=1e-12)
    frozen = Reservoir(small_config, seed=4, n_channels=2, target=TARGET)
    frozen.params.w = node.weights_.copy()
    assert np.allclose(frozen.run(padded(u_new)).states[:80], new_states)


def test_node_composes_with_reservoirpy_ridge(small_config):
    from reservoirpy.nodes import Ridge
    cfg = small_config.with_updates({"n_neurons": 100})
    u = np.random.default_rng(2).uniform(-1, 1, (600, 1))
    y = 0.5 * u                                                   # read the input back from the spikes
    model = HRSNNNode(cfg, seed=0) >> Ridge(ridge=1e-2)
    model.fit(u[:400], y[:400], warmup=20)
    pred = model.run(u[400:])
    assert pred.shape == (200, 1) and nrmse(y[420:], pred[20:]) < 0.95
    # the same as a readout fitted by hand on the node's states
    node = HRSNNNode(cfg, seed=0)
    train_states = node.run(u[:400])
    readout = Ridge(ridge=1e-2).fit(train_states, y[:400], warmup=20)
    assert np.allclose(readout.run(node.run(u[400:])), pred)
    assert model.nodes[0].weights_ is not None and model.nodes[0].output_dim == 100


def test_node_refuses_single_steps(small_config):
    node = HRSNNNode(small_config, seed=0, train=False)
    node.run(_series(0, 10))
    with pytest.raises(InputError, match="runs whole sequences"):
        node.step(np.zeros(2))


def test_node_takes_spike_counts_and_a_batch_of_sequences(small_config):
    cfg = small_config.with_updates({"input.encoding": "events", "input.step": 1.0})
    counts = np.random.default_rng(0).poisson(1.5, (3, 80, 2)).astype(float)     # counts above 1 stay
    node = HRSNNNode(cfg, seed=1)
    states = node.run(counts)
    assert states.shape == (3, 80, cfg.n_neurons)
    # learned once: later runs start the frozen network from rest, so a sequence alone gives what it gives inside a
    # batch, and the same again on a second run
    batch = node.run(counts)
    assert batch.shape == (3, 80, cfg.n_neurons) and batch.sum() > 0
    for i in range(3):
        assert np.array_equal(node.run(counts[i]), batch[i])
    assert np.array_equal(node.run(counts[0]), batch[0])
    frozen = HRSNNNode(cfg, seed=1, train=False)              # the drawn weights, not the learned ones
    frozen.weights_, frozen.thresholds_ = node.weights_, node.thresholds_
    assert np.array_equal(frozen.run(counts[2]), batch[2])
    clipped = HRSNNNode(cfg, seed=1, train=False).run(np.minimum(counts[0], 1.0))
    assert not np.allclose(HRSNNNode(cfg, seed=1, train=False).run(counts[0]), clipped)
