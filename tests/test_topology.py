"""SC-ML motif-layer wiring and intrinsic plasticity: structure, effect, and the same spikes on every target."""
import numpy as np
import pytest

from hrsnn import Reservoir, ReservoirConfig
from hrsnn.measure.evaluate import memory_input
from hrsnn.model.parameters import Parameters
from hrsnn.model.seeds import seed_streams
from hrsnn.model.topology import bernoulli_pairs, matched_random
from hrsnn.sim.drive import drive
from hrsnn.sim.eventsim import run_eventsim

from .conftest import HET_LTD, HET_TAU_MINUS, TARGET

SCML_IP = {"topology.kind": "scml", "topology.motif_size": 10, "topology.layers": 2, "topology.p_inter": 0.1,
           "topology.p_ff": 0.1, "topology.p_fb": 0.05, "ip.enabled": True, "ip.eta": 1.0,
           "ip.target_rate": {"dist": "gamma", "mean": 10, "cv": 0.5},
           "stdp.a_plus.mean": 0.05, "stdp.a_minus": HET_LTD, "stdp.tau_minus": HET_TAU_MINUS}


def _density(hits: int, pairs: int, p: float) -> None:
    """``hits`` of ``pairs`` Bernoulli(p) draws lie within 5 standard deviations of their mean."""
    assert abs(hits - pairs * p) <= 5 * np.sqrt(pairs * p * (1 - p)) + 1


def test_bernoulli_pairs_keep_each_pair_with_probability_p_without_a_dense_block():
    rng = np.random.default_rng(0)
    pre, post = bernoulli_pairs(20000, 20000, 1e-3, rng)        # a dense block would take 3.2 GB
    flat = pre * 20000 + post
    assert np.all(np.diff(flat) > 0) and flat[-1] < 20000**2
    _density(len(flat), 20000**2, 1e-3)
    assert len(bernoulli_pairs(30, 40, 0.0, rng)[0]) == 0 and len(bernoulli_pairs(30, 40, 1.0, rng)[0]) == 1200


def test_scml_wiring_has_dense_motifs_sparse_lateral_and_feedforward_links_and_twins_keep_it():
    cfg = ReservoirConfig().with_updates({
        "n_neurons": 400, "topology.kind": "scml", "topology.layers": 2, "topology.motif_size": 20,
        "topology.p_intra": 0.5, "topology.p_inter": 0.05, "topology.p_ff": 0.1, "topology.p_fb": 0.0})
    p = Parameters.draw(cfg, 1, seed_streams(3)[0])
    pre, post = np.concatenate([p.ee_pre, p.st_pre]), np.concatenate([p.ee_post, p.st_post])
    ne = cfg.n_exc
    motif = np.concatenate([np.arange(ne) * 20 // ne, np.arange(400 - ne) * 20 // (400 - ne)])  # 10 per layer
    layer = motif // 10
    assert np.all(pre != post) and len(np.unique(pre * 400 + post)) == len(pre)
    same_motif, same_layer = motif[pre] == motif[post], layer[pre] == layer[post]
    _density(same_motif.sum(), 20 * 20 * 19, 0.5)
    _density((same_layer & ~same_motif).sum(), 2 * (200 * 200 - 10 * 20 * 20), 0.05)
    _density((layer[pre] < layer[post]).sum(), 200 * 200, 0.1)
    assert not np.any(layer[pre] > layer[post])                       # no feedback with p_fb = 0
    assert np.all(p.ee_pre < ne) and np.all(p.ee_post < ne)
    assert np.all((p.st_j < 0) == (p.st_pre >= ne)) and np.all((p.st_pre >= ne) | (p.st_post >= ne))
    twin = Parameters.draw(cfg.homogeneous(), 1, seed_streams(3)[0])
    assert np.array_equal(twin.ee_pre, p.ee_pre) and np.array_equal(twin.st_post, p.st_post)
    assert np.array_equal(twin.ee_delay, p.ee_delay)


def test_intrinsic_plasticity_brings_every_neuron_near_its_target_rate():
    rates = {}
    for ip in (False, True):
        cfg = ReservoirConfig().with_updates({"n_neurons": 200, "task.train_steps": 1000, "task.eval_steps": 400,
                                              "task.washout": 20, "task.k_max": 10, "ip.enabled": ip,
                                              "ip.target_rate": 10})
        _, run, params, _ = run_eventsim(cfg, 3, *memory_input(cfg, 3))
        rates[ip] = np.bincount(run.spike_i, minlength=200) / run.duration
    assert np.abs(rates[True] - 10).mean() < 0.25 * np.abs(rates[False] - 10).mean()
    assert rates[True].std() < 0.5 * rates[False].std() and np.all(rates[True] > 0)
    assert params.v_th.std() > 1.0                      # thresholds spread to equalise the rates (frozen after)


def test_scml_with_intrinsic_plasticity_gives_brian2s_spikes_weights_and_thresholds_on_any_threads(small_config):
    cfg = small_config.with_updates(SCML_IP)
    u_train, u_eval = memory_input(cfg, 11)
    brian = Reservoir(cfg, seed=11, target=TARGET)
    start = brian.params.v_th.copy()
    b_train, b_run = brian.train_stdp(u_train), brian.run(u_eval)
    assert np.abs(brian.params.v_th - start).mean() > 0.5                 # IP moved the thresholds
    for threads in (1, 3):
        train, run, params, _ = run_eventsim(cfg, 11, u_train, u_eval, threads=threads)
        assert train.n_spikes == b_train.n_spikes and run.n_spikes == b_run.n_spikes > 0
        assert np.array_equal(run.spike_i, b_run.spike_i)
        assert np.allclose(params.w, brian.params.w, atol=1e-12)
        assert np.allclose(params.v_th, brian.params.v_th, atol=1e-9)


def test_drive_keeps_learned_thresholds_on_every_target(small_config):
    cfg = small_config.with_updates(SCML_IP)
    rng = np.random.default_rng(3)
    u_train, u_eval = rng.uniform(-1, 1, (60, 1)), rng.uniform(-1, 1, (80, 1))
    learned = drive(cfg, 2, u_train, u_train, target="numba").params
    runs = [drive(cfg, 2, [], u_eval, weights=learned.w, thresholds=learned.v_th, target=t, pad=25).run
            for t in ("numba", TARGET)]
    fresh = drive(cfg, 2, [], u_eval, weights=learned.w, target="numba", pad=25).run
    assert runs[0].n_spikes == runs[1].n_spikes > 0 and np.array_equal(runs[0].spike_i, runs[1].spike_i)
    assert fresh.n_spikes != runs[0].n_spikes                             # the thresholds matter
    with pytest.raises(Exception, match="thresholds: expected 60 thresholds"):
        drive(cfg, 2, [], u_eval, thresholds=np.zeros(5))


def test_matched_random_wiring_has_the_scml_synapse_count_per_population_pair():
    cfg = ReservoirConfig().with_updates({"n_neurons": 500, "topology.kind": "scml", "topology.layers": 2,
                                          "topology.p_inter": 0.03, "topology.p_ff": 0.05})
    twin = matched_random(cfg, 4)
    assert twin.topology.kind == "random" and twin.neuron == cfg.neuron
    scml, rand = (Parameters.draw(c, 1, seed_streams(4)[0]) for c in (cfg, twin))
    ne = cfg.n_exc
    def counts(p):             # E→E, E→I, I→E, I→I
        return [len(p.ee_pre)] + [np.sum(((p.st_pre < ne) == a) & ((p.st_post < ne) == b))
                                  for a, b in ((True, False), (False, True), (False, False))]
    for got, want in zip(counts(rand), counts(scml)):
        assert want > 100 and abs(got - want) <= 5 * np.sqrt(want)
    assert matched_random(twin, 4) is twin
