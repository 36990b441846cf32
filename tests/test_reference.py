"""The Numba reference simulator implements the same model as the Brian2 reservoir: identical spikes."""
import numpy as np
import pytest

from hrsnn import Reservoir
from hrsnn.evaluate import memory_input

from .conftest import TARGET

pytest.importorskip("numba")


def test_reference_reproduces_brian2_spikes_and_weights(small_config):
    from hrsnn.reference import run_reference
    cfg = small_config.with_updates({"stdp.a_plus.mean": 0.05, "stdp.a_minus.mean": 0.05})
    u_train, u_eval = memory_input(cfg, 11)
    train, run, params, events = run_reference(cfg, 11, u_train, u_eval)
    brian = Reservoir(cfg, seed=11, target=TARGET)
    b_train = brian.train_stdp(u_train)
    b_run = brian.run(u_eval)
    assert train.n_spikes == b_train.n_spikes and run.n_spikes == b_run.n_spikes > 0
    assert np.array_equal(run.spike_i, b_run.spike_i)
    assert np.allclose(run.spike_t, b_run.spike_t, atol=1e-9)
    assert np.allclose(params.w, brian.params.w, atol=1e-12) and not np.allclose(params.w, cfg.stdp.w_init)
    out_degree = params.out_degree(cfg.n_neurons)
    spikes = np.concatenate([train.spike_i, run.spike_i])
    emitted = out_degree[spikes].sum()     # events still in flight at the end are not delivered
    assert 0.9 * emitted < events <= emitted
