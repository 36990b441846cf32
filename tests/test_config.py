import json

import pytest

from hrsnn import ConfigError, Constant, ReservoirConfig


@pytest.mark.parametrize("update, message", [
    ({"neuron.tau_m": -5}, r"neuron.tau_m: mean -5 outside the allowed range \[2, 200\] ms"),
    ({"neuron.tau_m.cv": -1}, "neuron.tau_m.cv: must be >= 0"),
    ({"neuron.tau_m": "20 mV"}, r"neuron.tau_m: expected a time \(in ms\)"),
    ({"neuron.tau_m": "20 parsecs"}, "neuron.tau_m: unknown unit .parsecs."),
    ({"neuron.tau_m": "twenty"}, "neuron.tau_m: cannot read .twenty."),
    ({"neuron.tau_m.dist": "weird"}, "neuron.tau_m.dist: unknown distribution"),
    ({"synapses.p_ee": 1.5}, r"synapses.p_ee: 1.5 outside the allowed range \[0, 1\]"),
    ({"synapses.p_ie": -0.1}, r"synapses.p_ie: -0.1 outside the allowed range \[0, 1\]"),
    ({"dt": float("nan")}, "dt: must be a finite number"),
    ({"n_neurons": 2.5}, "n_neurons: expected an integer"),
    ({"n_neurons": 1}, r"n_neurons: 1 outside the allowed range \[2, 1e\+06\]"),
    ({"stdp.enabled": "yes"}, "stdp.enabled: expected true or false"),
    ({"input.encoding": "spikes"}, "input.encoding: 'spikes' is not one of 'current', 'poisson'"),
    ({"stdp.tau_plus": 0}, r"stdp.tau_plus: mean 0 outside the allowed range \[1, 200\] ms"),
    ({"stdp.w_init": 3.0}, "w_init: 3 must be <= w_max"),
    ({"neuron.v_reset": -45}, "v_reset: -45 mV must be below the mean threshold"),
    ({"input.step": 0.35}, "input.step: 0.35 ms must be a multiple of dt"),
    ({"neuron.bogus": 1}, "neuron.bogus: unknown field"),
    ({"task.eval_steps": 60}, "task.eval_steps: 60 too short"),
    ({"topology.kind": "grid"}, "topology.kind: 'grid' is not one of 'random', 'scml'"),
    ({"topology.kind": "scml", "topology.motif_size": 2000}, r"topology.motif_size: 2000 outside the allowed range "
     r"\[2, 1000\] \(neurons per layer\)"),
    ({"topology.kind": "scml", "topology.layers": 4, "topology.motif_size": 300},
     r"topology.motif_size: 300 outside the allowed range \[2, 250\]"),
    ({"topology.layers": 0}, r"topology.layers: 0 outside the allowed range \[1, 10000\]"),
    ({"topology.kind": "scml", "topology.layers": 600}, r"topology.layers: 600 outside the allowed range \[1, 500\]"),
    ({"topology.p_intra": 1.2}, r"topology.p_intra: 1.2 outside the allowed range \[0, 1\]"),
    ({"topology.p_inter": -0.5}, r"topology.p_inter: -0.5 outside the allowed range \[0, 1\]"),
    ({"ip.target_rate": 0}, r"ip.target_rate: mean 0 outside the allowed range \[0.001, 1000\] Hz"),
    ({"ip.target_rate": -3}, r"ip.target_rate: mean -3 outside the allowed range"),
    ({"ip.eta": "-1 mV"}, r"ip.eta: -1 outside the allowed range \[0, 100\] mV"),
])
def test_bad_values_name_field_and_range(update, message):
    with pytest.raises(ConfigError, match=message):
        ReservoirConfig().with_updates(update)


def test_units_are_converted():
    cfg = ReservoirConfig().with_updates({"neuron.tau_m": "0.03 s", "input.scale": "0.5 nA", "dt": "100 us"})
    assert cfg.neuron.tau_m == Constant(30.0)
    assert cfg.input.scale == pytest.approx(500.0)
    assert cfg.dt == pytest.approx(0.1)


def test_homogeneous_twin_keeps_means():
    cfg = ReservoirConfig()
    twin = cfg.homogeneous()
    assert not cfg.neuron.tau_m.is_constant
    for part in ("neuron", "stdp"):
        for name in ("tau_m", "v_th", "t_ref") if part == "neuron" else ("tau_plus", "tau_minus", "a_plus", "a_minus"):
            d, t = getattr(getattr(cfg, part), name), getattr(getattr(twin, part), name)
            assert t.is_constant and t.mean == d.mean
    assert twin.synapses == cfg.synapses and twin.input == cfg.input
    hen = cfg.homogeneous(neurons=False, stdp=True)
    assert hen.neuron == cfg.neuron and hen.stdp.tau_plus.is_constant


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_file_round_trip(tmp_path, suffix):
    cfg = ReservoirConfig().with_updates({"neuron.tau_m.cv": 0.3, "n_neurons": 123, "input.encoding": "poisson"})
    path = cfg.save(tmp_path / f"c{suffix}")
    assert ReservoirConfig.load(path) == cfg


def test_bad_files(tmp_path):
    with pytest.raises(ConfigError, match="not valid toml"):
        (tmp_path / "a.toml").write_text("n_neurons = = 3")
        ReservoirConfig.load(tmp_path / "a.toml")
    (tmp_path / "b.json").write_text(json.dumps({"neuron": {"tau_m": {"dist": "gamma", "mean": 20}}}))
    with pytest.raises(ConfigError, match=r"neuron.tau_m: a gamma distribution takes exactly"):
        ReservoirConfig.load(tmp_path / "b.json")
    with pytest.raises(ConfigError, match="config file .*missing.toml"):
        ReservoirConfig.load(tmp_path / "missing.toml")
