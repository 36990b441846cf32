"""NIR export and import: the graph a plain ``nir.read`` sees, and the same spikes after a round trip."""
import subprocess
import sys

import numpy as np
import pytest

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
