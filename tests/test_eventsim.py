"""The Numba event-driven kernel (default target) gives the spikes and weights of a fresh Brian2 build."""
import multiprocessing
import os
import threading

import numpy as np
import pytest

from hrsnn import Reservoir, evaluate, evaluate_many
from hrsnn.errors import HRSNNError, InputError
from hrsnn.measure.evaluate import memory_input
from hrsnn.model.config import ReservoirConfig
from hrsnn.model.parameters import WIRING, Parameters
from hrsnn.model.seeds import seed_streams
from hrsnn.parallel import share_cores
from hrsnn.sim.drive import drive
from hrsnn.sim.eventsim import LAYOUTS, PAD, _run_parts, default_threads, run_eventsim, wait_all
from hrsnn.sim.targets import resolve_target

from .conftest import HET_LTD, HET_TAU_MINUS, TARGET


def test_eventsim_reproduces_brian2_spikes_and_weights_on_any_number_of_threads(small_config):
    cfg = small_config.with_updates({"stdp.a_plus.mean": 0.05, "stdp.a_minus": HET_LTD, "stdp.tau_minus": HET_TAU_MINUS})
    u_train, u_eval = memory_input(cfg, 11)
    brian = Reservoir(cfg, seed=11, target=TARGET)
    b_train = brian.train_stdp(u_train)
    b_run = brian.run(u_eval)
    one = run_eventsim(cfg, 11, u_train, u_eval, threads=1)
    for threads in (1, 2, 3):
        train, run, params, events = run_eventsim(cfg, 11, u_train, u_eval, threads=threads)
        assert train.n_spikes == b_train.n_spikes and run.n_spikes == b_run.n_spikes > 0
        assert np.array_equal(run.spike_i, b_run.spike_i)
        assert np.allclose(run.spike_t, b_run.spike_t, atol=1e-9)
        assert np.allclose(params.w, brian.params.w, atol=1e-12) and not np.allclose(params.w, cfg.stdp.w_init)
        assert np.array_equal(params.w, one[2].w) and events == one[3]      # bit for bit the one-thread run
        assert np.allclose(run.states, b_run.states)
        out_degree = params.out_degree(cfg.n_neurons)
        spikes = np.concatenate([train.spike_i, run.spike_i])
        emitted = out_degree[spikes].sum()     # events still in flight at the end are not delivered
        assert 0.9 * emitted < events <= emitted


@pytest.mark.parametrize("updates", [
    {"stdp.enabled": False},
    {"neuron.t_ref": {"dist": "uniform", "low": 1, "high": 6}, "neuron.v_th": {"dist": "normal", "loc": -50, "std": 2}},
    {"neuron.tau_syn": {"dist": "lognormal", "mean": 5.0, "cv": 0.8}},          # a synaptic decay per neuron
    # dense wiring, one short delay: a queue slot receives > 256 synapses in a step (the queue grows)
    {"synapses.p_ee": 1.0, "synapses.p_ei": 1.0, "synapses.j_ee": 6.0, "synapses.j_ei": 6.0,
     "synapses.delay": {"dist": "constant", "value": 0.5}},
    # delays that round to 0 steps: a spike arrives in its own step (threads exchange spikes within each step)
    {"synapses.delay": {"dist": "uniform", "low": 0.0, "high": 1.0}, "synapses.j_ee": 6.0},
])
def test_drive_numba_matches_brian2_with_padding_channels_and_given_weights(small_config, updates, monkeypatch):
    cfg = small_config.with_updates(updates)
    rng = np.random.default_rng(3)
    u_train, u_eval = rng.uniform(-1, 1, (37, 2)), rng.uniform(-1, 1, (101, 2))
    weights = rng.uniform(0.5, 1.5, len(drive(cfg, 2, u_train[:5], u_eval[:5], target="numba").params.w))
    slow = drive(cfg, 2, u_train, u_eval, weights=weights, target=TARGET, pad=25)
    for threads in ("1", "3"):
        monkeypatch.setenv("HRSNN_THREADS", threads)
        fast = drive(cfg, 2, u_train, u_eval, weights=weights, target="numba", pad=25)
        assert fast.run.n_steps == 101 and fast.run.n_spikes == slow.run.n_spikes > 0
        assert np.array_equal(fast.run.spike_i, slow.run.spike_i)
        assert np.allclose(fast.run.states, slow.run.states)
        assert np.allclose(fast.params.w, slow.params.w, atol=1e-12)


def test_auto_target_is_numba_for_current_input_and_agrees_with_brian2(small_config):
    assert resolve_target("auto", small_config) == "numba"
    poisson = small_config.with_updates({"input.encoding": "poisson"})
    assert resolve_target("auto", poisson) == "auto"          # Brian2 runtime
    fast = evaluate(small_config, seed=4)
    slow = evaluate(small_config, seed=4, target=TARGET)
    assert fast.spikes == slow.spikes > 0
    assert fast.memory_capacity == pytest.approx(slow.memory_capacity, rel=1e-9)
    assert fast.E == pytest.approx(slow.E, rel=1e-9)


def test_runaway_evaluation_stops_early_with_the_same_verdict_and_spikes_so_far(small_config, monkeypatch):
    cfg = small_config.with_updates({"task.max_rate": 8.0, "task.train_steps": 0})  # it fires ≈ 14 Hz: over budget
    fast = evaluate(cfg, seed=4, keep_run=True)
    slow = evaluate(cfg, seed=4, target=TARGET, keep_run=True)
    budget = int(8.0 * cfg.n_neurons * cfg.task.eval_steps * cfg.input.step * 1e-3)
    assert slow.run.stopped_at is None and slow.degenerate and slow.reason.startswith("runaway")
    assert fast.degenerate and "(stopped early)" in fast.reason and fast.E == float("inf")
    assert 0 < fast.run.stopped_at < cfg.task.eval_steps
    assert budget < fast.spikes < slow.spikes
    assert np.array_equal(fast.run.spike_i, slow.run.spike_i[:fast.spikes])      # a prefix of the full run
    monkeypatch.setenv("HRSNN_THREADS", "3")                 # the parts stop after the same step
    threaded = evaluate(cfg, seed=4, keep_run=True)
    assert threaded.run.stopped_at == fast.run.stopped_at and threaded.synaptic_events == fast.synaptic_events
    assert np.array_equal(threaded.run.spike_i, fast.run.spike_i)
    assert np.array_equal(threaded.run.spike_t, fast.run.spike_t)
    assert evaluate(small_config, seed=4).reason == ""                            # within budget: runs to the end


def test_runaway_stdp_phase_stops_early_with_the_same_verdict(small_config, monkeypatch):
    """Over task.max_rate in the STDP phase: degenerate, no memory measured, on every target; numba stops there."""
    cfg = small_config.with_updates({"task.max_rate": 8.0})
    fast, slow = evaluate(cfg, seed=4), evaluate(cfg, seed=4, target=TARGET)
    budget = int(8.0 * cfg.n_neurons * cfg.task.train_steps * cfg.input.step * 1e-3)
    for r in (fast, slow):
        assert r.degenerate and r.memory_capacity == 0.0 and r.E == float("inf")
        assert "the STDP phase's" in r.reason and "exceed task.max_rate 8 Hz" in r.reason
    assert "by input step" in fast.reason and fast.spikes == 0                    # the frozen phase never ran
    assert budget < fast.train_spikes < slow.train_spikes
    monkeypatch.setenv("HRSNN_THREADS", "3")
    assert evaluate(cfg, seed=4).train_spikes == fast.train_spikes
    within = small_config.with_updates({"task.max_rate": 40.0})
    assert not evaluate(within, seed=4).degenerate


def test_poisson_input_needs_a_runtime_target(small_config):
    cfg = small_config.with_updates({"input.encoding": "poisson"})
    with pytest.raises(HRSNNError, match="target numba: input.encoding 'poisson' is not supported"):
        run_eventsim(cfg, 0, np.zeros(10), np.zeros(100))


def test_runs_longer_than_32_bit_step_numbers_are_refused(small_config):
    cfg = small_config.with_updates({"dt": 0.001, "input.step": 1000.0})     # 10⁶ steps per input row
    with pytest.raises(HRSNNError, match=r"2149000000 time steps .* exceed 2\*\*31 − 1"):
        run_eventsim(cfg, 0, np.zeros(149), np.zeros(2000))


def test_wiring_and_layout_are_reused_across_parameter_sets_and_change_nothing(small_config):
    u_train, u_eval = memory_input(small_config, 5)
    het = small_config.with_updates({"neuron.tau_m.cv": 0.8, "stdp.tau_plus.cv": 1.0})
    WIRING.clear(), LAYOUTS.clear()
    hits, misses = (WIRING.hits, LAYOUTS.hits), LAYOUTS.misses
    p1 = run_eventsim(small_config, 5, u_train, u_eval)[2]
    _, again, p2, _ = run_eventsim(het, 5, u_train, u_eval)      # same structure and seed, other values
    assert (WIRING.hits, LAYOUTS.hits) == (hits[0] + 1, hits[1] + 1)
    assert p2.ee_pre is p1.ee_pre and p2.st_delay is p1.st_delay and not np.array_equal(p2.tau_m, p1.tau_m)
    assert p2.tau_minus is p1.tau_minus and not np.array_equal(p2.tau_plus, p1.tau_plus)   # STDP draws kept
    with pytest.raises(ValueError, match="read-only"):
        p1.ee_post[0] = 0
    drawn = Parameters.draw(het, 1, seed_streams(5)[0])          # the same draw with writable (uncached) arrays
    copy = Parameters(**{k: np.array(v) for k, v in vars(drawn).items()})
    _, fresh, p3, _ = run_eventsim(het, 5, u_train, u_eval, params=copy)
    assert LAYOUTS.hits == hits[1] + 1                              # writable arrays: laid out afresh
    assert np.array_equal(fresh.spike_i, again.spike_i) and np.array_equal(fresh.spike_t, again.spike_t)
    assert np.array_equal(p3.w, p2.w)
    denser = small_config.with_updates({"synapses.p_ee": 0.2})
    assert Parameters.draw(denser, 1, seed_streams(5)[0]).ee_pre is not p1.ee_pre
    assert Parameters.draw(small_config, 1, seed_streams(6)[0]).ee_pre is not p1.ee_pre
    coarse = run_eventsim(small_config.with_updates({"dt": 0.5}), 5, u_train, u_eval)[2]
    assert coarse.ee_pre is p1.ee_pre and LAYOUTS.misses == misses + 2     # same wiring, delays in other steps


def test_thread_count_comes_from_the_environment_the_thread_and_the_cores(monkeypatch):
    monkeypatch.delenv("HRSNN_THREADS", raising=False)
    assert default_threads(100) == 1                          # too small to split
    assert 1 <= default_threads(10**6) <= len(os.sched_getaffinity(0))
    seen = []
    worker = threading.Thread(target=lambda: seen.append(default_threads(10**6)))
    worker.start(), worker.join()
    assert seen == [1]                                        # off the main thread (Dask tasks): one each
    share_cores(10**6)
    assert os.environ["HRSNN_THREADS"] == "1" and default_threads(10**6) == 1
    monkeypatch.setenv("HRSNN_THREADS", "two")
    with pytest.raises(HRSNNError, match="HRSNN_THREADS: 'two' is not a whole number >= 1"):
        default_threads(1000)


def test_parameters_drawn_on_threads_equal_those_drawn_on_one(monkeypatch, small_config):
    drawn = {}
    for n in ("1", "3"):
        monkeypatch.setenv("HRSNN_THREADS", n)
        drawn[n] = Parameters.draw(small_config, 1, seed_streams(8)[0])
    for name in ("tau_plus", "tau_minus", "a_plus", "a_minus", "tau_m"):
        assert np.array_equal(getattr(drawn["1"], name), getattr(drawn["3"], name)), name
    assert not np.array_equal(drawn["1"].tau_plus, drawn["1"].tau_minus)    # each from its own stream


def _tau_plus_mean(seed: int) -> float:
    cfg = ReservoirConfig().with_updates({"n_neurons": 100, "stdp.tau_plus.cv": 0.3 + seed / 10})
    return float(Parameters.draw(cfg, 1, seed_streams(seed)[0]).tau_plus.mean())


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_draws_on_threads_of_its_own(monkeypatch):
    monkeypatch.setenv("HRSNN_THREADS", "2")
    _tau_plus_mean(0)                                # the parent's draw thread pool now exists
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.map_async(_tau_plus_mean, [1]).get(timeout=60) == [_tau_plus_mean(1)]


def test_a_failing_part_releases_the_others_and_its_error_is_raised():
    sync = np.zeros(4 * PAD, dtype=np.int64)

    def run_part(p):
        if p == 2:
            raise MemoryError("part 2")
        return wait_all(sync, p, 1)          # would wait for part 2 for ever
    with pytest.raises(MemoryError, match="part 2"):
        _run_parts(run_part, 3, sync)


def test_evaluate_many_takes_one_config_with_or_without_seeds(small_config):
    cfg = small_config.with_updates({"seed": 3})
    assert [r.seed for r in evaluate_many(cfg, workers=1, target="numba", progress=False)] == [3]
    assert [r.seed for r in evaluate_many(cfg, seeds=[4, 5], workers=1, target="numba", progress=False)] == [4, 5]
    with pytest.raises(InputError, match="seeds: 2 seeds for 3 configs"):
        evaluate_many([cfg] * 3, seeds=[1, 2], progress=False)
