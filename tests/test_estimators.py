import json
import subprocess
import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

from hrsnn import ConfigError, InputError, ReservoirConfig, nrmse
from hrsnn.sim.drive import drive
from hrsnn.tasks.estimators import HRSNNClassifier, HRSNNRegressor, as_sequences

from .conftest import TARGET


def two_class_set(n=24, length=30, channels=2, seed=0):
    """Class 1: a slow sine on channel 0; class 0: the same sine on channel 1; both with noise."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    t = np.linspace(0, 2 * np.pi, length)
    X = rng.normal(0, 0.2, (n, length, channels))
    X[y == 1, :, 0] += np.sin(t)
    X[y == 0, :, 1] += np.sin(t)
    return X, y


@pytest.fixture
def tiny(small_config):
    return small_config.with_updates({"n_neurons": 50})


def test_sklearn_conventions():
    est = HRSNNClassifier(model="linear", n_bins=2)
    assert clone(est).get_params() == est.get_params()
    assert est.set_params(n_bins=4).n_bins == 4
    X, y = two_class_set()
    with pytest.raises(NotFittedError):
        est.predict(X)
    assert est.fit(X, y) is est
    assert set(est.classes_) == {0, 1} and est.transform(X).shape == (len(X), 4 * 2)
    for bad, match in ((dict(model="lstm"), "model"), (dict(n_bins=0), "n_bins"), (dict(gap=-1), "gap"),
                       (dict(alphas=(0.0,)), "alphas"), (dict(length=1), "length")):
        with pytest.raises(ConfigError, match=match):
            HRSNNClassifier(**{"model": "linear", **bad}).fit(X, y)


def test_bad_inputs_are_named():
    X, y = two_class_set()
    est = HRSNNClassifier(model="linear")
    bad = X.copy()
    bad[3, 5, 0] = np.nan
    with pytest.raises(InputError, match=r"X\[3\]: contains NaN"):
        est.fit(bad, y)
    with pytest.raises(InputError, match="y: expected 24 labels"):
        est.fit(X, y[:-1])
    with pytest.raises(InputError, match="channels"):
        as_sequences([np.zeros((5, 2)), np.zeros((5, 3))])
    est.fit(X, y)
    with pytest.raises(InputError, match="channels"):
        est.predict(X[:, :, :1])


def test_pipelines_and_cross_validation_on_uneven_sequences():
    X, y = two_class_set(n=30)
    uneven = [x[: 20 + k % 7] for k, x in enumerate(X)]          # lengths 20..26
    scores = cross_val_score(HRSNNClassifier(model="esn", seed=1, config=None), uneven, y, cv=3)
    assert scores.mean() > 0.8
    pipe = make_pipeline(HRSNNClassifier(model="linear", length=15))
    assert pipe.fit(uneven, y).score(uneven, y) > 0.9


def test_spiking_classifier_end_to_end(tiny):
    X, y = two_class_set(n=24)
    clf = HRSNNClassifier(tiny, model="hrsnn", seed=0, target=TARGET).fit(X[:16], y[:16])
    features, activity = clf.run(X[16:])
    assert features.shape == (8, 3 * (tiny.n_neurons + 2))                       # states and the 2 input channels
    assert activity.spikes > 0 and activity.spikes_per_sample == activity.spikes / 8
    assert clf.weights_.shape and not np.allclose(clf.weights_, tiny.stdp.w_init)   # STDP changed the weights
    assert clf.score(X[16:], y[16:]) >= 0.75
    again = HRSNNClassifier(tiny, model="hrsnn", seed=0, target=TARGET).fit(X[:16], y[:16])
    np.testing.assert_array_equal(again.transform(X[16:]), features)                 # same seed, same features
    twin = HRSNNClassifier(tiny, model="mrsnn", seed=0, target=TARGET)
    assert twin.reservoir_config_ == tiny.homogeneous()


def test_a_pass_past_max_rate_raises_runaway_on_every_target(tiny):
    """max_rate: numba stops the pass once its spikes pass the rate over the pass, the other targets run it out;
    both raise RunawayError naming the pass; within the limit nothing changes."""
    from hrsnn.errors import RunawayError
    X, y = two_class_set(n=12)
    rate = HRSNNClassifier(tiny, seed=0, target=TARGET).fit(X, y).activity_.rate_hz
    for target in ("numba", TARGET):
        with pytest.raises(RunawayError, match=rf"runaway: the STDP pass's \d+ spikes exceed max_rate {rate / 2:g} Hz"):
            HRSNNClassifier(tiny, seed=0, target=target, max_rate=rate / 2).fit(X, y)
    free = HRSNNClassifier(tiny, seed=0, target=TARGET).fit(X, y).transform(X)
    np.testing.assert_array_equal(HRSNNClassifier(tiny, seed=0, max_rate=2 * rate).fit(X, y).transform(X), free)
    with pytest.raises(ConfigError, match=r"max_rate: -1 outside the allowed range \(0, inf\) Hz"):
        HRSNNRegressor(tiny, max_rate=-1).fit(np.zeros(50), np.zeros(50))


def test_spiking_regressor_recalls_the_last_input(tiny):
    rng = np.random.default_rng(0)
    u = rng.uniform(-1, 1, 500)
    driven = tiny.with_updates({"input.bias": 150.0})     # 50 neurons at the default's 10 Hz recall little (r² ≈ 0.10)
    reg = HRSNNRegressor(driven, seed=0, washout=20, target=TARGET).fit(u[1:400], u[:399])   # target: u(t-1)
    pred = reg.predict(u[400:])
    assert np.corrcoef(pred[20:], u[399:-1][20:])[0, 1] ** 2 > 0.15     # r² ≈ 0.38
    assert reg.train_nrmse_ < 1.0


def test_delay_line_recalls_the_last_ten_inputs_exactly_and_the_linear_floor_does_not():
    u = np.random.default_rng(1).uniform(-1, 1, 600)
    y = np.concatenate([np.zeros(9), u[:-9]])                                 # u(t - 9)
    for model, recalled in (("delay-line", True), ("linear", False)):
        reg = HRSNNRegressor(model=model, washout=20).fit(u[:400], y[:400])
        error = nrmse(y[420:], reg.predict(u[400:])[20:])
        assert (error < 0.05) == recalled, (model, error)
    assert reg.activity_.spikes == 0
    short = [np.arange(1.0, 1.0 + n)[:, None] for n in (3, 12)]         # sequences shorter than the ten taps
    taps = HRSNNClassifier(model="delay-line", n_bins=1).fit(short, [0, 1]).transform(short)
    assert taps.shape == (2, 10) and np.all(np.isfinite(taps))


def test_readouts_see_the_input_unclipped_and_only_the_spiking_drive_is_bounded(tiny):
    x = np.random.default_rng(3).laplace(0.0, 1.0, 300)                       # ≈ 6 % of the values beyond 2 std
    reg = HRSNNRegressor(model="linear", washout=0).fit(x, 2.0 * x)
    assert reg.train_nrmse_ < 1e-3                                             # clipped at 2 std: 0.31
    spiking = HRSNNRegressor(tiny, seed=0, washout=0, target=TARGET, input_features=False).fit(x[:200], x[:200])
    m, scale = spiking.input_mean_, spiking.input_scale_
    bounded = m + np.clip((x[200:, None] - m) / scale, -1.0, 1.0) * scale
    assert np.mean(np.abs(x[200:, None] - m) > scale) > 0.03
    np.testing.assert_array_equal(spiking.run(x[200:])[0], spiking.run(bounded)[0])


def test_padding_does_not_change_the_frozen_run(tiny):
    u = np.random.default_rng(2).uniform(-0.8, 0.8, 130)
    exact = drive(tiny, 3, [], u, target=TARGET, pad=1).run
    padded = drive(tiny, 3, [], u, target=TARGET, pad=50).run
    assert padded.n_steps == 130 and padded.states.shape == exact.states.shape
    np.testing.assert_array_equal(padded.spike_i, exact.spike_i)
    np.testing.assert_allclose(padded.spike_t, exact.spike_t)


def test_cli_cells_print_json():
    out = subprocess.run([sys.executable, "-m", "hrsnn", "classify", "--dataset", "UnitTest", "--model", "linear",
                          "--json"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert 0.5 <= d["accuracy"] <= 1 and d["spikes_per_sample"] == 0 and d["E"] is None and d["seed"] == 0
    out = subprocess.run([sys.executable, "-m", "hrsnn", "predict", "--task", "mackey_glass", "--model", "esn",
                          "--n-steps", "800", "--json"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["nrmse"] < 0.1
    out = subprocess.run([sys.executable, "-m", "hrsnn", "classify", "--dataset", "NoSuchSet"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "NoSuchSet" in out.stderr


def test_input_features_sit_beside_the_states():
    rng = np.random.default_rng(0)
    u, y = rng.uniform(-1, 1, (300, 2)), rng.uniform(-1, 1, 300)
    cfg = ReservoirConfig(n_neurons=40)
    with_input = HRSNNRegressor(cfg, model="esn", washout=10).fit(u, y)
    states_only = HRSNNRegressor(cfg, model="esn", washout=10, input_features=False).fit(u, y)
    a, b = with_input.run(u)[0], states_only.run(u)[0]
    assert a.shape == (300, 42) and b.shape == (300, 40)
    np.testing.assert_allclose(a[:, :40], b)
    np.testing.assert_allclose(a[:, 40:], with_input._scaled(u))
    with pytest.raises(ConfigError, match="input_features: expected true or false"):
        HRSNNRegressor(cfg, model="esn", input_features="yes").fit(u, y)


@pytest.mark.parametrize("input_features", [True, False])
def test_classifier_pools_the_states_a_block_of_neurons_at_a_time(tiny, monkeypatch, input_features):
    """The spiking classifier pools its states block by block (never the whole pass's T × N states): the same
    features as pooling each sequence's dense states, with blocks of 3 neurons and with one block."""
    from hrsnn.tasks import estimators
    X, y = two_class_set(n=12, length=25)
    X[:, :3] = 0.0                                              # a few quiet steps: some neurons may stay silent
    clf = HRSNNClassifier(tiny, seed=1, target=TARGET, n_bins=4, input_features=input_features).fit(X[:8], y[:8])
    seqs = clf._prepare(X[8:])
    states, _ = clf._passes(seqs, clf.gap, train=False)
    dense = np.stack([estimators._pool(s, clf.n_bins) for s in states])
    np.testing.assert_allclose(clf.transform(X[8:]), dense, rtol=1e-13, atol=1e-15)
    monkeypatch.setattr(estimators, "BLOCK_BYTES", 8)
    monkeypatch.setattr(estimators, "POOL_COLUMNS", 3)
    np.testing.assert_allclose(clf.transform(X[8:]), dense, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("input_features", [True, False])
def test_regressor_reads_a_wide_reservoir_a_block_at_a_time(tiny, monkeypatch, input_features):
    """With no more rows than features the spiking regressor fits (standardisation, leave-one-out penalty) and
    predicts from blocks of neurons: the same penalty and, to 1e-9, the same predictions as the dense pipeline."""
    from hrsnn.tasks import estimators
    monkeypatch.setattr("hrsnn.sim.states.BLOCK_BYTES", 8 * 140 * 7)         # blocks of 7 neurons
    rng = np.random.default_rng(3)
    u = rng.uniform(-1, 1, 140)
    y = np.column_stack([u, np.roll(u, 1)])
    cfg = tiny.with_updates({"n_neurons": 150, "input.bias": 100.0, "input.scale": 600.0})
    fit = dict(seed=2, washout=20, target=TARGET, input_features=input_features)
    streamed = HRSNNRegressor(cfg, **fit).fit(u[:120], y[:120])               # 100 rows ≤ 150 neurons
    monkeypatch.setattr(estimators.HRSNNRegressor, "_streamed", lambda self, rows: False)
    dense = HRSNNRegressor(cfg, **fit).fit(u[:120], y[:120])
    assert streamed.readout_[-1].alpha_ == dense.readout_[-1].alpha_ < 1000    # a readout that uses the states
    assert abs(streamed.train_nrmse_ - dense.train_nrmse_) <= 1e-9 * dense.train_nrmse_
    want = dense.predict(u[20:140])                                           # the pipeline on whole states
    monkeypatch.undo()
    monkeypatch.setattr("hrsnn.sim.states.BLOCK_BYTES", 8 * 140 * 7)
    got, activity = streamed.predict_run(u[20:140])                           # 120 rows ≤ 150 neurons: blocks
    assert activity.spikes > 0
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9 * np.abs(want).max())


def test_a_task_cell_reports_how_far_stdp_moved_the_weights(tiny):
    from hrsnn.tasks.cells import predict
    driven = tiny.with_updates({"input.bias": 150.0})
    on = predict("narma10", "hrsnn", driven, n_steps=300, washout=20, with_e=False, target=TARGET).extra
    off = predict("narma10", "hrsnn", driven.with_updates({"stdp.enabled": False}), n_steps=300, washout=20,
                  with_e=False, target=TARGET).extra
    assert on["weight_change"] > 0.01 and on["weight_std"] > 0.0
    assert off["weight_change"] == 0.0 and off["weight_std"] == 0.0         # frozen at w_init
    assert "weight_change" not in predict("narma10", "esn", n_steps=300, washout=20, with_e=False).extra
