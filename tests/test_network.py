import json
import math

import numpy as np
import pytest

from hrsnn import InputError, Reservoir, evaluate
from hrsnn.measure.evaluate import EfficiencyResult

from .conftest import HET_LTD, HET_TAU_MINUS, TARGET


def test_same_seed_same_spikes(small_config):
    u = np.random.default_rng(0).uniform(-0.8, 0.8, 120)
    runs = []
    for _ in range(2):
        res = Reservoir(small_config, seed=7, target=TARGET)
        res.train_stdp(u[:40])
        runs.append(res.run(u[40:]))
    assert runs[0].n_spikes > 0
    assert np.array_equal(runs[0].spike_i, runs[1].spike_i)
    assert np.array_equal(runs[0].spike_t, runs[1].spike_t)
    other = Reservoir(small_config, seed=8, target=TARGET).run(u[40:])
    assert not np.array_equal(other.spike_i, runs[0].spike_i)


def test_heterogeneity_is_per_neuron_and_twin_is_constant(small_config):
    het = Reservoir(small_config, seed=1).params
    hom = Reservoir(small_config.homogeneous(), seed=1).params
    assert np.unique(het.tau_m).size == small_config.n_neurons
    inside = het.tau_plus[(het.tau_plus > 1.0) & (het.tau_plus < 200.0)]   # draws not clipped to the range
    assert np.unique(inside).size == inside.size > 0.9 * het.tau_plus.size
    assert np.ptp(hom.tau_m) == 0 and hom.tau_m[0] == small_config.neuron.tau_m.mean
    assert np.ptp(hom.a_minus) == 0


def test_stdp_phase_changes_weights_and_freezes(small_config):
    u = np.random.default_rng(1).uniform(-0.8, 0.8, 100)
    res = Reservoir(small_config.with_updates({"stdp.a_plus.mean": 0.05, "stdp.a_minus": HET_LTD, "stdp.tau_minus": HET_TAU_MINUS}),
                    seed=2, target=TARGET)
    w0 = res.params.w.copy()
    res.train_stdp(u)
    w1 = res.params.w.copy()
    assert not np.allclose(w0, w1)
    assert w1.min() >= 0 and w1.max() <= small_config.stdp.w_max
    res.run(u)
    assert np.array_equal(res.params.w, w1)      # frozen in the evaluation run


def test_poisson_encoding_runs(small_config):
    cfg = small_config.with_updates({"input.encoding": "poisson", "input.scale": 100.0, "input.n_poisson": 10})
    u = np.random.default_rng(2).uniform(-0.8, 0.8, 60)
    run = Reservoir(cfg, seed=3, target=TARGET).run(u)
    assert run.states.shape == (60, cfg.n_neurons) and run.n_spikes > 0


def test_bad_input_is_rejected(small_config):
    res = Reservoir(small_config, seed=0, target=TARGET)
    with pytest.raises(InputError, match="u: contains NaN"):
        res.run(np.array([0.1, np.nan]))
    with pytest.raises(InputError, match="expected 1 channel"):
        res.run(np.zeros((10, 2)))


def test_evaluate_small_network(small_config, tmp_path):
    r = evaluate(small_config, seed=0, target=TARGET)
    assert not r.degenerate, r.reason
    assert 0 < r.memory_capacity <= small_config.n_neurons
    assert len(r.mc_per_delay) == small_config.task.k_max
    duration = small_config.task.eval_steps * small_config.input.step * 1e-3
    assert r.rate_hz == pytest.approx(r.spikes / (small_config.n_neurons * duration))
    assert r.E == pytest.approx(r.rate_hz / r.memory_capacity)
    assert r.E_raw == pytest.approx(r.spikes / r.memory_capacity)
    assert r.synaptic_events > r.spikes
    back = EfficiencyResult.from_dict(json.loads(r.save(tmp_path / "r.json").read_text()))
    assert back.E == r.E and back.config == small_config.to_dict() and back.seed == 0
    assert r.weight_std > 0                                      # STDP spread the E→E weights
    frozen = evaluate(small_config.with_updates({"stdp.enabled": False}), seed=0, target=TARGET)
    assert frozen.weight_std == 0 and frozen.weight_mean == small_config.stdp.w_init


@pytest.mark.parametrize("update, reason", [
    ({"input.bias": 0.0, "input.scale": 0.0}, "silent"),
    ({"task.max_rate": 0.5}, "runaway"),
])
def test_degenerate_networks_are_flagged(small_config, update, reason):
    r = evaluate(small_config.with_updates(update), seed=0, target=TARGET)
    assert r.degenerate and reason in r.reason
    assert r.E == math.inf and not math.isnan(r.memory_capacity)
    assert json.loads(json.dumps(r.to_dict()))["E"] is None


def test_twin_shares_wiring_delays_and_input_weights(small_config):
    het = Reservoir(small_config, seed=4).params
    hom = Reservoir(small_config.homogeneous(), seed=4).params
    for name in ("ee_pre", "ee_post", "st_pre", "st_post", "ee_delay", "st_delay", "w_in", "st_j"):
        assert np.array_equal(getattr(het, name), getattr(hom, name)), name
