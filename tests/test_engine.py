"""The Brian2 standalone target gives the same spikes as a fresh Brian2 runtime build, and compiles once."""
import shutil

import numpy as np
import pytest

from hrsnn import Reservoir, evaluate
from hrsnn.errors import HRSNNError
from hrsnn.measure.evaluate import memory_input
from hrsnn.sim.standalone import StandaloneEngine

pytestmark = pytest.mark.skipif(shutil.which("g++") is None, reason="needs a C++ compiler")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return StandaloneEngine(cache_dir=tmp_path_factory.mktemp("standalone"))


def test_fast_path_matches_fresh_runtime_build_and_compiles_once(engine, small_config):
    u_train, u_eval = memory_input(small_config, 5)
    train, run, params = engine.run(small_config, 5, u_train, u_eval)
    fresh = Reservoir(small_config, seed=5, target="numpy")
    fresh_train = fresh.train_stdp(u_train)
    fresh_run = fresh.run(u_eval)
    assert run.n_spikes > 0 and train.n_spikes == fresh_train.n_spikes
    assert np.array_equal(run.spike_i, fresh_run.spike_i)
    assert np.allclose(run.spike_t, fresh_run.spike_t, atol=1e-9)
    assert np.allclose(params.w, fresh.params.w, atol=1e-12)
    assert np.allclose(run.states, fresh_run.states)

    again = engine.run(small_config, 5, u_train, u_eval)[1]
    twin = engine.run(small_config.homogeneous(), 5, u_train, u_eval)[1]        # new values, same structure
    other = engine.run(small_config.with_updates({"neuron.tau_m.cv": 0.2, "stdp.a_plus.mean": 0.02}), 5,
                       u_train, u_eval)[1]
    assert engine.compiles == 1
    assert np.array_equal(again.spike_i, run.spike_i) and np.array_equal(again.spike_t, run.spike_t)
    assert twin.n_spikes != run.n_spikes and other.n_spikes != run.n_spikes


def test_scml_and_intrinsic_plasticity_match_the_runtime_build(engine, small_config):
    from .test_topology import SCML_IP
    cfg = small_config.with_updates(SCML_IP)
    u_train, u_eval = memory_input(cfg, 5)
    train, run, params = engine.run(cfg, 5, u_train, u_eval)
    fresh = Reservoir(cfg, seed=5, target="numpy")
    fresh_train, fresh_run = fresh.train_stdp(u_train), fresh.run(u_eval)
    assert run.n_spikes > 0 and train.n_spikes == fresh_train.n_spikes
    assert np.array_equal(run.spike_i, fresh_run.spike_i)
    assert np.allclose(params.w, fresh.params.w, atol=1e-12)
    assert np.allclose(params.v_th, fresh.params.v_th, atol=1e-9) and params.v_th.std() > 0


def test_evaluate_targets_agree(small_config, monkeypatch, engine):
    monkeypatch.setattr("hrsnn.sim.standalone._DEFAULT", engine)
    before = engine.compiles
    fast = evaluate(small_config, seed=5, target="standalone")
    slow = evaluate(small_config, seed=5, target="numpy")
    assert fast.spikes == slow.spikes
    assert fast.memory_capacity == pytest.approx(slow.memory_capacity, rel=1e-9)
    assert fast.E == pytest.approx(slow.E, rel=1e-9)
    assert engine.compiles == max(before, 1)          # the structure of the first test's binary


def test_poisson_input_needs_a_runtime_target(small_config, engine):
    cfg = small_config.with_updates({"input.encoding": "poisson"})
    with pytest.raises(HRSNNError, match="target standalone: input.encoding 'poisson' is not supported"):
        engine.run(cfg, 0, np.zeros(10), np.zeros(100))


def test_evaluate_many_in_parallel_matches_serial(small_config):
    from hrsnn import evaluate_many
    configs = [small_config.with_updates({"neuron.tau_m.cv": cv}) for cv in (0.0, 0.5, 1.0)]
    parallel = evaluate_many(configs, seeds=[1, 1, 2], workers=2, target="numpy", progress=False)
    serial = [evaluate(c, seed=s, target="numpy") for c, s in zip(configs, [1, 1, 2])]
    assert [r.seed for r in parallel] == [1, 1, 2]
    assert [r.spikes for r in parallel] == [r.spikes for r in serial]
    assert [r.E for r in parallel] == [r.E for r in serial]


def test_event_input_needs_the_kernel_or_a_runtime_target(small_config, engine):
    cfg = small_config.with_updates({"input.encoding": "events"})
    with pytest.raises(HRSNNError, match="target standalone: input.encoding 'events' is not supported"):
        engine.run(cfg, 0, np.zeros(10), np.zeros(100))


def test_the_weight_change_says_how_far_stdp_moved_the_weights(small_config):
    from hrsnn.measure.evaluate import weight_change
    assert weight_change(np.array([0.5, 1.0, 1.5, 3.0]), 1.0) == 0.75          # |Δw| 0.5, 0, 0.5, 2
    assert weight_change(np.array([0.5, 1.0, 1.5, 3.0]), 2.0) == 0.5           # 1.5, 1, 0.5, 1 over 2
    assert np.isnan(weight_change(np.array([]), 1.0))
    still = evaluate(small_config.with_updates({"stdp.enabled": False}), seed=3, target="numba")
    moved = evaluate(small_config.with_updates({"stdp.a_plus.mean": 0.05}), seed=3, target="numba")
    assert still.weight_change == 0.0 and moved.weight_change > 0 and moved.to_dict()["weight_change"] > 0
