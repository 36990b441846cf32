"""NIR export and import: the graph a plain ``nir.read`` sees, and the same spikes after a round trip."""
import subprocess
import sys

import numpy as np
import pytest

from hrsnn import ReservoirConfig
from hrsnn.errors import HRSNNError
from hrsnn.sim.eventsim import run_eventsim
from hrsnn.tasks.export import export_nir, import_nir, trained_parameters

from .conftest import HET_LTD, HET_TAU_MINUS


def test_export_import_gives_the_same_spikes(small_config, tmp_path):
    cfg = small_config.with_updates({"stdp.a_plus.mean": 0.05, "stdp.a_minus": HET_LTD, "stdp.tau_minus": HET_TAU_MINUS})
    path = export_nir(cfg, 3, tmp_path / "res.nir", approximate=True)
    config, params, seed = import_nir(path)
    assert config == cfg and seed == 3
    learned = trained_parameters(cfg, 3)
    assert np.allclose(params.w[np.lexsort((params.ee_post, params.ee_pre))],
                       learned.w[np.lexsort((learned.ee_post, learned.ee_pre))], rtol=1e-12)
    u = np.random.default_rng(0).uniform(-1, 1, (200, 1))
    original = run_eventsim(cfg, 3, [], u, params=learned)[1]
    again = run_eventsim(config, seed, [], u, params=params)[1]
    assert original.n_spikes > 0
    assert np.array_equal(original.spike_i, again.spike_i) and np.array_equal(original.spike_t, again.spike_t)


def test_a_plain_python_session_reads_the_graph(small_config, tmp_path):
    path = export_nir(small_config.with_updates({"neuron.t_ref": 0.0}), 1, tmp_path / "res.nir")
    code = ("import nir; g = nir.read(r'%s'); lif = g.nodes['lif']; "
            "print(len(lif.tau), sorted({type(n).__name__ for n in g.nodes.values()}), g.metadata['dropped'])" % path)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith(f"{small_config.n_neurons} ['Affine', 'Delay', 'Input', 'LI', 'LIF', 'Linear', 'Output']")
    assert "nothing" in out


def test_what_nir_cannot_say_is_refused_in_one_line(small_config, tmp_path):
    with pytest.raises(HRSNNError, match=r"^neuron.t_ref: NIR has no refractory period; export with "):
        export_nir(small_config, 1, tmp_path / "res.nir")
    graph_meta = import_nir(export_nir(small_config, 1, tmp_path / "ok.nir", approximate=True))
    assert graph_meta[1].t_ref.max() > 0          # hrsnn's own import restores it from the metadata
    with pytest.raises(HRSNNError, match="no such file"):
        import_nir(tmp_path / "missing.nir")


def test_rounded_delays_give_fewer_groups_and_are_recorded(small_config, tmp_path):
    import nir
    with pytest.raises(HRSNNError, match="delay_step: 10.0 must be > 0 ms and comes with approximate=True"):
        export_nir(small_config.with_updates({"neuron.t_ref": 0.0}), 1, tmp_path / "r.nir", delay_step=10.0)
    graph = nir.read(export_nir(small_config, 1, tmp_path / "r.nir", approximate=True, delay_step=10.0))
    delays = sorted(round(float(n.delay[0]) * 1e3, 6) for k, n in graph.nodes.items() if k.startswith("delay_"))
    assert delays == [float(d) for d in range(0, 101, 10)]
    assert "rounded to multiples of 10 ms" in graph.metadata["dropped"]


def test_a_fitted_regressor_exports_its_readout_folded_into_one_affine_map(small_config, tmp_path):
    import nir

    from hrsnn import HRSNNRegressor
    from hrsnn.tasks.export import export_regressor
    cfg = small_config.with_updates({"neuron.t_ref": 0.0})
    u = np.random.default_rng(0).uniform(-1, 1, (400, 2))
    y = np.roll(u[:, :1], 1, axis=0)
    reg = HRSNNRegressor(cfg, seed=2, washout=20).fit(u[:300], y[:300])
    graph = nir.read(export_regressor(reg, tmp_path / "reg.nir"))
    assert ("trace", "readout") in graph.edges and ("input", "readout_input") in graph.edges
    features, _ = reg.run(u[300:])                       # sampled traces, then the scaled input
    n = cfg.n_neurons
    folded = (features[:, :n] @ np.asarray(graph.nodes["readout"].weight).T + graph.nodes["readout"].bias
              + features[:, n:] @ np.asarray(graph.nodes["readout_input"].weight).T)
    assert np.allclose(folded, np.atleast_2d(reg.predict(u[300:])).reshape(folded.shape), atol=1e-9)
    assert np.allclose(graph.nodes["trace"].tau, cfg.states.tau_filter * 1e-3)


def _events_config(**updates):
    """A 100-neuron event-input reservoir at the default levers (its recurrence matters: without it the rate
    doubles) that the cubalif form holds exactly: delays = dt, no refractory period, as drawn."""
    return ReservoirConfig().with_updates({"n_neurons": 100, "input.encoding": "events", "neuron.t_ref": 0.0,
                                           "synapses.delay": 0.1, "stdp.enabled": False, **updates})


def _euler_cubalif(graph, counts: np.ndarray) -> np.ndarray:
    """Spike counts per neuron of a cubalif graph read as NIR says, one forward-Euler step per dt, a spike a 1 for
    one step, the recurrent edge one step late (how Norse runs it): an independent reading of the file."""
    lif, affine, rec = graph.nodes["lif"], graph.nodes["input_weights"], np.asarray(graph.nodes["recurrent"].weight)
    dt = float(graph.metadata["dt"])
    step = int(round(float(graph.metadata["input_step"]) / dt))
    n = len(lif.tau_mem)
    i, v, z, total = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    for s in range(len(counts) * step):
        x = counts[s // step] if s % step == 0 else np.zeros(counts.shape[1])
        i = i + dt / lif.tau_syn * (-i + lif.w_in * (affine.weight @ x + affine.bias + rec @ z))
        v = v + dt / lif.tau_mem * (lif.v_leak - v + lif.r * i)
        z = (v > lif.v_threshold).astype(float)
        v = np.where(z > 0, lif.v_reset, v)
        total += z
    return total


def test_the_cubalif_form_round_trips_and_means_the_same_reservoir(tmp_path):
    import nir
    cfg = _events_config()
    counts = np.random.default_rng(1).poisson(0.1, (200, 4)).astype(float)     # 4 channels, 20 Hz each, 1 s
    graph = nir.read(export_nir(cfg, 5, tmp_path / "c.nir", form="cubalif", n_channels=4))
    assert sorted(type(n).__name__ for n in graph.nodes.values()) == ["Affine", "CubaLIF", "Input", "Linear", "Output"]
    assert ("recurrent", "lif") in graph.edges and graph.metadata["dropped"] == "nothing"
    config, params, seed = import_nir(tmp_path / "c.nir")
    ours = run_eventsim(cfg, 5, [], counts, params=trained_parameters(cfg, 5, n_channels=4))[1]
    again = run_eventsim(config, seed, [], counts, params=params)[1]
    assert ours.n_spikes > 0
    assert np.array_equal(ours.spike_i, again.spike_i) and np.array_equal(ours.spike_t, again.spike_t)
    mine = np.bincount(ours.spike_i, minlength=cfg.n_neurons).astype(float)
    euler = _euler_cubalif(graph, counts)
    assert abs(euler.sum() / mine.sum() - 1) < 0.05     # Euler vs exact steps, rest vs drawn v0 (twice the
    assert np.corrcoef(mine, euler)[0, 1] > 0.95        # recurrent weights: +18 %, none: +88 %)


def test_the_cubalif_form_refuses_what_it_cannot_hold_in_one_line(tmp_path):
    import nir
    cfg = _events_config()
    cases = [(cfg.with_updates({"synapses.delay": 1.0}), "synapses.delay: in the cubalif form every delay must be dt"),
             (cfg.with_updates({"input.encoding": "current"}), "input.encoding: in the cubalif form the input must be"),
             (cfg.with_updates({"neuron.v_reset": -70.0}), "neuron.v_reset: -70 mV must equal v_rest = -65 mV"),
             (cfg.with_updates({"stdp.enabled": True}), "stdp.enabled: the unsupervised phase runs on the memory"),
             (cfg.with_updates({"input.encoding": "poisson"}), "input.encoding: 'poisson' draws its input spikes")]
    for bad, message in cases:
        with pytest.raises(HRSNNError, match="^" + message):
            export_nir(bad, 1, tmp_path / "bad.nir", form="cubalif")
    with pytest.raises(HRSNNError, match="^n_channels: 0 must be an integer ≥ 1"):
        export_nir(cfg, 1, tmp_path / "bad.nir", form="cubalif", n_channels=0)
    with pytest.raises(HRSNNError, match="^form: 'lif' is not one of delays, cubalif"):
        export_nir(cfg, 1, tmp_path / "bad.nir", form="lif")
    assert not (tmp_path / "bad.nir").exists()
    graph = nir.read(export_nir(cfg.with_updates({"synapses.delay": 1.0}), 1, tmp_path / "a.nir", form="cubalif",
                                approximate=True))
    assert "synapses.delay: every delay must be dt = 0.1 ms (written as if so)" in graph.metadata["dropped"]


def test_event_input_reaches_the_synaptic_current_in_the_delays_form(tmp_path):
    import nir
    cfg = _events_config(**{"synapses.delay": {"dist": "uniform", "low": 1.0, "high": 5.0}})
    graph = nir.read(export_nir(cfg, 2, tmp_path / "e.nir", n_channels=3))
    assert {("input", "input_spikes"), ("input_spikes", "synapse"), ("input", "bias"), ("bias", "lif")} <= set(
        graph.edges)
    assert np.allclose(graph.nodes["bias"].bias, cfg.input.bias * 1e-12)
    counts = np.random.default_rng(2).poisson(0.1, (200, 3)).astype(float)
    config, params, seed = import_nir(tmp_path / "e.nir")
    ours = run_eventsim(cfg, 2, [], counts, params=trained_parameters(cfg, 2, n_channels=3))[1]
    again = run_eventsim(config, seed, [], counts, params=params)[1]
    assert ours.n_spikes > 0 and np.array_equal(ours.spike_i, again.spike_i)


@pytest.mark.parametrize("form", ["delays", "cubalif"])
def test_the_neuron_and_synapse_constants_are_the_configs_and_a_changed_one_is_refused(form, tmp_path):
    import nir

    from hrsnn.model.nirgraph import from_nir
    from hrsnn.model.parameters import Parameters
    from hrsnn.model.seeds import seed_streams
    cfg = _events_config().with_updates({"neuron.tau_syn": {"dist": "gamma", "mean": 5.0, "cv": 0.5}})
    if form == "delays":                                        # a reset apart from rest, so the two cannot swap
        cfg = cfg.with_updates({"neuron.v_reset": cfg.neuron.v_rest - 5.0})
    nc = cfg.neuron
    graph = nir.read(export_nir(cfg, 2, tmp_path / "r.nir", form=form))
    lif = graph.nodes["lif"]
    _, params, _ = from_nir(graph)
    tau_m, tau_syn = params.tau_m, params.tau_syn                # per neuron, read from the graph
    assert np.allclose(tau_syn, Parameters.draw(cfg, 1, seed_streams(2)[0]).tau_syn, rtol=1e-12)
    if form == "delays":
        syn = graph.nodes["synapse"]
        want = [(lif, "r", nc.resistance * 1e6), (lif, "v_leak", nc.v_rest * 1e-3), (lif, "v_reset", nc.v_reset * 1e-3),
                (syn, "r", tau_syn * 1e-3), (syn, "v_leak", 0.0)]
    else:
        want = [(lif, "r", tau_m / cfg.dt), (lif, "v_leak", 0.0), (lif, "v_reset", 0.0),
                (lif, "w_in", tau_syn / cfg.dt)]
    for node, field, value in want:
        assert np.allclose(getattr(node, field), value, rtol=1e-12, atol=0), field
    for node, field, _ in want:                                 # each one changed: refused, naming it
        kept = getattr(node, field)
        setattr(node, field, np.asarray(kept) * 1.1 + 1e-3)
        with pytest.raises(HRSNNError, match=rf"nir graph: (lif|synapse)\.{field} differs from its hrsnn config"):
            from_nir(graph)
        setattr(node, field, kept)
    from_nir(graph)
