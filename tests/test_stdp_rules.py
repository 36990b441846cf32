"""STDP rules: known answers on a scripted pair of spikes, and the same spikes and weights on every target."""
import math
import shutil

import numpy as np
import pytest

from hrsnn import ConfigError, Reservoir
from hrsnn.measure.evaluate import memory_input
from hrsnn.sim.eventsim import run_eventsim
from hrsnn.sim.network import stdp_equations

from .conftest import HET_LTD, HET_TAU_MINUS, TARGET

E = math.exp
RATES = dict(a_plus=0.01, a_minus=0.0105, a_plus3=0.02, tau=20.0, tau_y=50.0)


def scripted_weight(pre_ms, post_ms, rule="additive", pairing="all", w0=1.0, w_max=2.0, mu=1.0,
                    a_plus=0.01) -> float:
    """Weight of one synapse of hrsnn's Brian2 STDP model after presynaptic arrivals at ``pre_ms`` and
    postsynaptic spikes at ``post_ms`` (τ₊ = τ₋ = 20 ms, A₋ = 0.0105, triplet A₃₊ = 0.02, τ_y = 50 ms)."""
    import brian2 as b2

    from hrsnn.sim.targets import select_target
    select_target(TARGET)
    b2.start_scope()
    b2.defaultclock.dt = 0.1 * b2.ms
    end = max(pre_ms + post_ms) + 1.0
    pre = b2.SpikeGeneratorGroup(1, np.zeros(len(pre_ms), int), np.array(pre_ms) * b2.ms)
    script = np.zeros(int(round(end / 0.1)) + 1)
    script[np.round(np.array(post_ms) / 0.1).astype(int)] = 1
    spike_now = b2.TimedArray(script, dt=0.1 * b2.ms)
    post = b2.NeuronGroup(1, "I_syn : amp", threshold="spike_now(t) > 0.5", namespace={"spike_now": spike_now})
    model, on_pre, on_post = stdp_equations(rule, pairing)
    S = b2.Synapses(pre, post, model, on_pre=on_pre, on_post=on_post)
    S.connect()
    S.w, S.J, S.w_max = w0, 1 * b2.pA, w_max
    S.tau_plus = S.tau_minus = RATES["tau"] * b2.ms
    S.a_plus, S.a_minus = a_plus, RATES["a_minus"]
    if rule == "multiplicative":
        S.mu = mu
    if rule == "triplet":
        S.tau_y, S.a_plus3 = RATES["tau_y"] * b2.ms, RATES["a_plus3"]
    b2.Network(pre, post, S).run(end * b2.ms, namespace={})
    return float(S.w[0])


def test_additive_sign_step_and_hard_bounds():
    assert scripted_weight([10.0], [15.0]) - 1.0 == pytest.approx(0.01 * 2.0 * E(-5 / 20), rel=1e-9)
    assert scripted_weight([15.0], [10.0]) - 1.0 == pytest.approx(-0.0105 * 2.0 * E(-5 / 20), rel=1e-9)
    pairs = np.arange(40) * 50.0
    assert scripted_weight(list(pairs + 10), list(pairs + 12), a_plus=0.5) == 2.0      # clipped at w_max
    assert scripted_weight(list(pairs + 12), list(pairs + 10), w0=0.05) == 0.0         # clipped at 0


@pytest.mark.parametrize("mu", [1.0, 0.5, 0.0])
def test_multiplicative_steps_scale_with_the_distance_to_the_bound(mu):
    w0, w_max, decay = 0.5, 2.0, E(-5 / 20)
    ltp = scripted_weight([10.0], [15.0], "multiplicative", w0=w0, mu=mu) - w0
    ltd = scripted_weight([15.0], [10.0], "multiplicative", w0=w0, mu=mu) - w0
    assert ltp == pytest.approx(0.01 * w_max * decay * (1 - w0 / w_max) ** mu, rel=1e-9)
    assert ltd == pytest.approx(-0.0105 * w_max * decay * (w0 / w_max) ** mu, rel=1e-9)
    if mu == 0.0:       # μ = 0 is the additive rule
        assert ltp == pytest.approx(scripted_weight([10.0], [15.0], w0=w0) - w0, rel=1e-12)
    # soft bounds: strong potentiation approaches w_max without reaching it
    pairs = np.arange(20) * 50.0
    if mu == 1.0:
        assert 1.9 < scripted_weight(list(pairs + 10), list(pairs + 12), "multiplicative", a_plus=0.5) < 2.0


def test_triplet_ltp_grows_with_the_slow_postsynaptic_trace():
    # post at 5 ms, pre at 10 ms (LTD from the post trace), post at 15 ms (LTP from the pre trace, boosted by the
    # slow trace of the first post spike, read before the second one's jump)
    w = scripted_weight([10.0], [5.0, 15.0], "triplet")
    ltd = 0.0105 * 2.0 * E(-5 / 20)
    ltp = 2.0 * E(-5 / 20) * (0.01 + 0.02 * E(-10 / 50))
    assert w == pytest.approx(1.0 - ltd + ltp, rel=1e-9)
    # a lone pre → post pair has no earlier postsynaptic spike: the pair rule's step
    assert scripted_weight([10.0], [15.0], "triplet") - 1.0 == pytest.approx(0.01 * 2.0 * E(-5 / 20), rel=1e-9)


def test_nearest_spike_pairing_keeps_only_the_latest_spike():
    all_to_all = scripted_weight([0.0, 5.0], [10.0]) - 1.0
    nearest = scripted_weight([0.0, 5.0], [10.0], pairing="nearest") - 1.0
    assert all_to_all == pytest.approx(0.01 * 2.0 * (E(-10 / 20) + E(-5 / 20)), rel=1e-9)
    assert nearest == pytest.approx(0.01 * 2.0 * E(-5 / 20), rel=1e-9)
    # the triplet rule's slow trace too: two earlier post spikes count once
    w = scripted_weight([10.0], [2.0, 5.0, 15.0], "triplet", pairing="nearest")
    ltd = 0.0105 * 2.0 * E(-5 / 20)
    assert w == pytest.approx(1.0 - ltd + 2.0 * E(-5 / 20) * (0.01 + 0.02 * E(-10 / 50)), rel=1e-9)


RULE_CONFIGS = [
    {"stdp.rule": "additive", "stdp.pairing": "nearest"},
    {"stdp.rule": "multiplicative", "stdp.mu": 0.7},
    {"stdp.rule": "multiplicative", "stdp.pairing": "nearest"},
    {"stdp.rule": "triplet"},
    {"stdp.rule": "triplet", "stdp.pairing": "nearest", "stdp.tau_y.cv": 1.0},
]


@pytest.mark.parametrize("updates", RULE_CONFIGS)
def test_kernel_gives_brian2_spikes_and_weights_for_every_rule(small_config, updates):
    cfg = small_config.with_updates({"stdp.a_plus.mean": 0.05, "stdp.a_minus": HET_LTD, "stdp.tau_minus": HET_TAU_MINUS, **updates})
    u_train, u_eval = memory_input(cfg, 11)
    brian = Reservoir(cfg, seed=11, target=TARGET)
    b_train, b_run = brian.train_stdp(u_train), brian.run(u_eval)
    for threads in (1, 2):
        train, run, params, _ = run_eventsim(cfg, 11, u_train, u_eval, threads=threads)
        assert train.n_spikes == b_train.n_spikes and np.array_equal(run.spike_i, b_run.spike_i)
        assert np.allclose(run.spike_t, b_run.spike_t, atol=1e-9)
        assert np.allclose(params.w, brian.params.w, atol=1e-12)
    assert not np.allclose(params.w, cfg.stdp.w_init)


def test_rules_learn_different_weights(small_config):
    cfg = small_config.with_updates({"stdp.a_plus.mean": 0.05, "stdp.a_minus": HET_LTD, "stdp.tau_minus": HET_TAU_MINUS})
    u_train, u_eval = memory_input(cfg, 11)
    weights = {}
    for rule in ("additive", "multiplicative", "triplet"):
        weights[rule] = run_eventsim(cfg.with_updates({"stdp.rule": rule}), 11, u_train, u_eval)[2].w
    assert weights["multiplicative"].std() < weights["additive"].std()        # soft bounds keep weights inside
    assert weights["triplet"].mean() > weights["additive"].mean()            # extra potentiation


@pytest.mark.skipif(shutil.which("g++") is None, reason="needs a C++ compiler")
def test_standalone_runs_the_triplet_rule_with_brian2s_weights(small_config, tmp_path):
    from hrsnn.sim.standalone import StandaloneEngine
    cfg = small_config.with_updates({"stdp.rule": "triplet", "stdp.pairing": "nearest",
                                     "stdp.a_plus.mean": 0.05, "stdp.a_minus": HET_LTD, "stdp.tau_minus": HET_TAU_MINUS})
    u_train, u_eval = memory_input(cfg, 5)
    _, run, params = StandaloneEngine(cache_dir=tmp_path).run(cfg, 5, u_train, u_eval)
    fresh = Reservoir(cfg, seed=5, target="numpy")
    fresh.train_stdp(u_train)
    assert np.array_equal(run.spike_i, fresh.run(u_eval).spike_i)
    assert np.allclose(params.w, fresh.params.w, atol=1e-12)


@pytest.mark.parametrize("update, message", [
    ({"stdp.rule": "hebbian"}, r"stdp.rule: 'hebbian' is not one of 'additive', 'multiplicative', 'triplet'"),
    ({"stdp.pairing": "first"}, r"stdp.pairing: 'first' is not one of 'all', 'nearest'"),
    ({"stdp.mu": 1.5}, r"stdp.mu: 1.5 outside the allowed range \[0, 1\]"),
    ({"stdp.tau_y.mean": 0.1}, r"stdp.tau_y: mean 0.1 outside the allowed range \[1, 1000\]"),
    ({"stdp.a_plus3": -0.1}, r"stdp.a_plus3: mean -0.1 outside the allowed range \[0, 1\]"),
])
def test_bad_rule_settings_name_the_field(small_config, update, message):
    with pytest.raises(ConfigError, match=message):
        small_config.with_updates(update)


@pytest.mark.parametrize("updates", [RULE_CONFIGS[3], pytest.param(RULE_CONFIGS[1], marks=pytest.mark.slow)])
def test_cython_target_runs_every_rule_with_numpys_spikes(small_config, updates):
    """The triplet rule (every trace) in CI, cold cache about a minute; the multiplicative rule with the slow tests."""
    cfg = small_config.with_updates({"stdp.a_plus.mean": 0.05, "stdp.a_minus": HET_LTD, "stdp.tau_minus": HET_TAU_MINUS, **updates})
    u_train, u_eval = memory_input(cfg, 3)
    runs = []
    for target in ("numpy", "cython"):
        res = Reservoir(cfg, seed=3, target=target)
        res.train_stdp(u_train)
        runs.append((res.run(u_eval), res.params.w))
    assert np.array_equal(runs[0][0].spike_i, runs[1][0].spike_i)
    assert np.allclose(runs[0][1], runs[1][1], atol=1e-12)


def test_triplet_all_to_all_sums_every_earlier_postsynaptic_spike():
    # posts at 2 and 5 ms (no pre yet: no LTP), pre at 10 ms (LTD from both posts' fast traces), post at 15 ms (LTP
    # from the pre trace, boosted by both earlier posts' slow traces, read before the third post's jump)
    w = scripted_weight([10.0], [2.0, 5.0, 15.0], "triplet")
    ltd = 0.0105 * 2.0 * (E(-8 / 20) + E(-5 / 20))
    ltp = 2.0 * E(-5 / 20) * (0.01 + 0.02 * (E(-13 / 50) + E(-10 / 50)))
    assert w == pytest.approx(1.0 - ltd + ltp, rel=1e-9)
