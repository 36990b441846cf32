"""The task battery: ≥ 200 distinct generated tasks, each family checked on a case whose answer is known."""
import json
import subprocess
import sys

import numpy as np
import pytest
from numpy.polynomial import legendre

from hrsnn import InputError
from hrsnn.tasks.battery import (
    CHAOS_HORIZONS,
    FAMILIES,
    STREAM_FAMILIES,
    Task,
    battery_input,
    chaos_generators,
    chaos_series,
    run_battery,
    score,
    score_targets,
    target,
    tasks,
)

U = battery_input(3000, 0)


def _lags(u, ks):
    return np.column_stack([np.concatenate([np.zeros(k), u[:len(u) - k]]) for k in ks])


def _family(name):
    return [t for t in tasks() if t.family == name]


def test_at_least_200_distinct_finite_tasks():
    all_tasks = tasks()
    assert len(all_tasks) == 247 and len({t.name for t in all_tasks}) == len(all_tasks)
    stream = tasks(STREAM_FAMILIES)
    assert len(stream) == 205
    assert all(np.all(np.isfinite(target(t, U))) and target(t, U).std() > 0 for t in stream)


def test_chaos_targets_are_the_series_ahead_and_a_delay_line_predicts_a_smooth_one():
    assert len(chaos_generators()) == 13 and "narma10" not in chaos_generators()
    u, ahead = chaos_series("mackey_glass", 2000, 0)
    assert u.shape == (2000, 1) and set(ahead) == set(CHAOS_HORIZONS)
    np.testing.assert_array_equal(ahead[3][:-3], u[3:])                # the value 3 steps later
    scores = score_targets(_lags(u[:, 0], range(10)), np.hstack(list(ahead.values())))
    assert scores[0] > 0.999 and scores[0] > scores[-1]                # smooth: one step ahead is linear in the past
    assert score_targets(np.random.default_rng(0).normal(size=(2000, 10)), ahead[1]).max() < 0.02
    for g in chaos_generators():                                       # every generator's series varies
        u, ahead = chaos_series(g, 400, 0)
        assert np.all(np.isfinite(u)) and u.std(axis=0).min() > 0 and ahead[10].shape == u.shape


def test_chaos_and_classify_families_run_a_model_and_score_between_0_and_1():
    from hrsnn import ReservoirConfig
    from hrsnn.tasks.cells import classify
    cfg = ReservoirConfig(n_neurons=40)
    out = run_battery("rate", cfg, [0], n_steps=500, families=["chaos", "classify"])
    assert set(out) == {t.name for t in tasks(["chaos", "classify"])}
    assert all(0 <= v[0] <= 1 for v in out.values())
    assert out["chaos[mackey_glass,1]"][0] > 0.9 > out["chaos[mackey_glass,10]"][0] - 0.1
    want = classify("GunPoint", "rate", cfg, seed=0, with_e=False, input_features=False).score
    assert out[Task("classify", ("GunPoint",)).name] == [want]


def test_recall_delay_line_scores_one_memoryless_zero():
    recall = _family("recall")
    assert score(_lags(U, range(60)), U, recall).min() > 0.99
    assert score(U[:, None], U, recall).max() < 0.02


def test_legendre_known_features_score_one_linear_zero():
    fam = _family("legendre")
    exact = np.column_stack([legendre.legval(_lags(U, [k])[:, 0], [0] * d + [1]) for d in range(2, 6)
                             for k in range(20)])
    assert score(exact, U, fam).min() > 0.99
    assert score(_lags(U, range(30)), U, fam).max() < 0.02      # no linear function of u carries P_d, d ≥ 2


def test_products_known_features_score_one_linear_zero():
    fam = _family("product")
    lags = _lags(U, range(10))
    exact = np.column_stack([lags[:, i] * lags[:, j] for i in range(10) for j in range(i + 1, 10)])
    assert score(exact, U, fam).min() > 0.99
    assert score(lags, U, fam).max() < 0.02


def test_narma_follows_its_recurrence_and_scores_one_on_itself():
    fam = _family("narma")
    v = (U + 1) / 4
    y = target(fam[8], U)                     # NARMA-10
    t = np.arange(20, 200)
    np.testing.assert_allclose(y[t + 1], 0.3 * y[t] + 0.05 * y[t] * np.array([y[k - 9:k + 1].sum() for k in t])
                               + 1.5 * v[t - 9] * v[t] + 0.1)
    own = np.column_stack([target(task, U) for task in fam])
    assert score(own, U, fam).min() > 0.99


def test_bad_families_and_lengths():
    with pytest.raises(InputError, match="families: unknown 'weather'; allowed: recall, legendre, product, narma, "
                                         "chaos, classify"):
        tasks(["recall", "weather"])
    with pytest.raises(InputError, match="families: none given"):
        tasks([])
    with pytest.raises(InputError, match="n_steps: 100 steps are too short"):
        score(U[:100, None], U[:100], _family("recall"))
    assert FAMILIES == ("recall", "legendre", "product", "narma", "chaos", "classify")


def test_battery_command_compares_a_model_with_its_twin(tmp_path):
    out = subprocess.run([sys.executable, "-m", "hrsnn", "battery", "--model", "rate", "--set", "n_neurons=40",
                          "--seeds", "0", "1", "--n-steps", "800", "--out", str(tmp_path), "--quiet"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "rate beats rate-hom on" in out.stdout
    rows = (tmp_path / "battery.csv").read_text().strip().splitlines()
    assert len(rows) == 248 and rows[0] == "task,rate_mean,rate_std,rate-hom_mean,rate-hom_std"
    data = json.loads((tmp_path / "battery.json").read_text())
    assert len(data["scores"]["rate"]["recall[1]"]) == 2 and data["comparison"]["tasks"] == 247
    bad = subprocess.run([sys.executable, "-m", "hrsnn", "battery", "--model", "rate", "--seeds", "-1", "--quiet"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and bad.stderr.strip().splitlines()[-1].startswith("hrsnn: error: seed")


def test_sweep_values_are_checked():
    from hrsnn.tasks.sweeps import check_values
    assert check_values("size", [50.0, 100]) == [50, 100]
    for kind, values, message in (("size", [1], "size 1 outside the allowed range"),
                                  ("size", [], "values: an empty list"),
                                  ("scale", [-0.5], r"scale -0.5 outside the allowed range \[0, inf\)"),
                                  ("depth", [1], "sweep: 'depth' is not one of size, scale")):
        with pytest.raises(InputError, match=message):
            check_values(kind, values)


def test_recurrent_scale_scales_every_jump_and_zero_removes_the_recurrence():
    from hrsnn import ConfigError, HRSNNRegressor, ReservoirConfig
    cfg = ReservoirConfig(n_neurons=40)
    half = HRSNNRegressor(cfg, recurrent_scale=0.5).reservoir_config_.synapses
    j = cfg.synapses
    assert (half.j_ee, half.j_ei, half.j_ie, half.j_ii) == (j.j_ee / 2, j.j_ei / 2, j.j_ie / 2, j.j_ii / 2)
    import scipy.sparse as sparse

    from hrsnn.sim.rate import leak_rates, rate_reservoir
    u = np.random.default_rng(0).uniform(-1, 1, (200, 1))
    node = rate_reservoir(cfg, 0, True, 0.0)
    states = np.asarray(node.run(u))
    win = node.Win.toarray() if sparse.issparse(node.Win) else np.asarray(node.Win)
    leak, x, expected = leak_rates(cfg, 0), np.zeros(40), []
    for t in range(len(u)):                   # each unit a leaky integrator of its own input, nothing else
        x = (1 - leak) * x + leak * np.tanh(win @ u[t] + np.ravel(node.bias))
        expected.append(x)
    np.testing.assert_allclose(states, expected, atol=1e-12)
    with pytest.raises(ConfigError, match=r"recurrent_scale: -1 outside the allowed range \[0, inf\)"):
        HRSNNRegressor(cfg, recurrent_scale=-1).fit(u, u[:, 0])


def test_sweep_command(tmp_path):
    out = subprocess.run([sys.executable, "-m", "hrsnn", "sweep", "scale", "--model", "rate", "--values", "0", "1",
                          "--set", "n_neurons=30", "--seeds", "0", "--n-steps", "600", "--families", "recall",
                          "--out", str(tmp_path), "--quiet"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "rate: " in out.stdout and "with the recurrence removed" in out.stdout
    data = json.loads((tmp_path / "scale.json").read_text())
    assert set(data["totals"]) == {"rate", "rate-hom"} and set(data["totals"]["rate"]) == {"0.0", "1.0"}
    assert (tmp_path / "scale.png").stat().st_size > 5_000


def test_quenched_report_in_small(tmp_path):
    from hrsnn import ReservoirConfig
    from hrsnn.tasks.quenched import Plan, run_quenched
    plan = Plan(models=("rate",), seeds=(0,), n_neurons=30, sizes=(20, 40), scales=(0.0, 1.0), n_steps=500,
                families=("recall",))
    report = run_quenched(ReservoirConfig(), plan, tmp_path).read_text()
    for claim in ("(a) heterogeneity improves", "(b) a smaller heterogeneous", "(d) heterogeneity keeps",
                  "(c) rate and spiking"):
        assert claim in report
    assert "| 20 |" in report and "| 0 |" in report and (tmp_path / "rate-size.png").exists()


def test_independent_noise_targets_score_below_the_floor_on_a_reservoirs_states():
    from hrsnn import HRSNNRegressor, ReservoirConfig
    from hrsnn.tasks.battery import FLOOR, compare
    states = HRSNNRegressor(ReservoirConfig(n_neurons=100), model="rate", seed=0, washout=100,
                            input_features=False).fit(U[:, None], U).run(U[:, None])[0]
    null = np.random.default_rng(5).uniform(-1, 1, (len(U), 20))
    assert score_targets(states, null).max() < FLOOR
    c = compare({"x": [0.5], "y": [0.102], "z": [0.0]}, {"x": [0.4], "y": [0.1], "z": [0.003]})
    assert (c["wins"], c["clear_wins"], c["clear_losses"]) == (2, 1, 0)
