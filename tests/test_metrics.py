import numpy as np
import pytest

from hrsnn import InputError, RidgeReadout, efficiency, memory_capacity
from hrsnn.measure.readouts import FeatureScaler


def delay_line(u, k):
    """States x_j(t) = u(t - j), j = 1..k: a perfect memory of k steps."""
    X = np.zeros((len(u), k))
    for j in range(1, k + 1):
        X[j:, j - 1] = u[:-j]
    return X


def test_delay_line_has_mc_k():
    u = np.random.default_rng(0).uniform(-0.8, 0.8, 3000)
    mc = memory_capacity(delay_line(u, 7), u, k_max=20, ridge=1e-8)
    assert mc.total == pytest.approx(7.0, abs=0.05)
    assert np.allclose(mc.per_delay[:7], 1.0, atol=1e-6) and mc.per_delay[7:].max() < 0.02


def test_white_noise_states_have_no_memory():
    rng = np.random.default_rng(1)
    u = rng.uniform(-0.8, 0.8, 4000)
    mc = memory_capacity(rng.normal(size=(4000, 20)), u, k_max=30, ridge=1e-4)
    assert mc.total < 0.5


def test_mc_bounded_by_features():
    rng = np.random.default_rng(2)
    u = rng.uniform(-0.8, 0.8, 2000)
    X = np.tanh(delay_line(u, 5) @ rng.normal(size=(5, 8)))
    mc = memory_capacity(X, u, k_max=40)
    assert 0 < mc.total <= 8


def test_agrees_with_reservoirpy_on_esn_states():
    pytest.importorskip("reservoirpy")
    from reservoirpy.nodes import Reservoir, Ridge
    from reservoirpy.observables import memory_capacity as rpy_mc
    k_max, length = 50, 1000
    series = np.random.default_rng(3).uniform(-0.8, 0.8, (length, 1))
    reference = rpy_mc(Reservoir(100, sr=1, seed=1) >> Ridge(ridge=1e-4), k_max, series=series, test_size=0.2)
    # the same reservoir's states on the same input (reservoirpy feeds series[k_max:], from a zero state)
    states = Reservoir(100, sr=1, seed=1).run(series[k_max:])
    test_len = round(length * 0.2)
    ours = memory_capacity(states, series[k_max:, 0], k_max, ridge=1e-4, test_size=test_len, washout=k_max)
    assert reference > 10
    assert ours.total == pytest.approx(reference, rel=0.02)


def test_bad_inputs():
    X = np.zeros((100, 3))
    with pytest.raises(InputError, match="states: contains NaN"):
        memory_capacity(np.full((100, 3), np.nan), np.zeros(100), 5)
    with pytest.raises(InputError, match="targets: 99 rows for 100 rows"):
        memory_capacity(X, np.zeros(99), 5)
    with pytest.raises(InputError, match="states: expected a 2-D array"):
        memory_capacity(np.zeros(100), np.zeros(100), 5)
    with pytest.raises(InputError, match="test_size"):
        memory_capacity(X, np.zeros(100), 95)


def test_ridge_readout_fits_linear_map():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(500, 4))
    y = X @ np.array([1.0, -2.0, 0.5, 0.0]) + 3.0
    model = RidgeReadout(ridge=1e-9).fit(X, y)
    assert model.score(X, y) == pytest.approx(1.0)
    assert model.intercept_[0] == pytest.approx(3.0)


@pytest.mark.parametrize("rows, features", [(300, 40), (40, 300)])
def test_ridge_readout_matches_closed_form_in_primal_and_dual(rows, features):
    rng = np.random.default_rng(6)
    X, Y = rng.normal(size=(rows, features)), rng.normal(size=(rows, 3))
    X[:, :5], X[:, 5] = 0.0, 2.0           # silent neurons: constant columns, left out of the factorisation
    Xc, Yc = X - X.mean(axis=0), Y - Y.mean(axis=0)
    for lam in (1e-3, 10.0):
        expected = np.linalg.solve(Xc.T @ Xc + lam * np.eye(features), Xc.T @ Yc)
        assert np.allclose(RidgeReadout(lam).fit(X, Y).coef_, expected, atol=1e-8)
    expected = np.linalg.lstsq(Xc, Yc, rcond=None)[0]        # λ = 0: the minimum-norm least-squares solution
    assert np.allclose(RidgeReadout(0.0).fit(X, Y).coef_, expected, atol=1e-6)


def test_constant_columns_do_not_change_memory_capacity():
    rng = np.random.default_rng(8)
    u = rng.uniform(-0.8, 0.8, 600)
    X = delay_line(u, 6) + rng.normal(scale=0.1, size=(600, 6))
    padded = np.hstack([np.zeros((600, 30)), X, np.full((600, 4), 0.3)])
    for ridge in (1e-3, 10.0 ** np.arange(-4, 3)):
        a, b = memory_capacity(X, u, 8, ridge=ridge), memory_capacity(padded, u, 8, ridge=ridge)
        assert a.ridge == b.ridge and a.total == pytest.approx(b.total, rel=1e-10) and a.total > 3


def test_wide_states_use_the_dual_form_with_the_same_result():
    """Fewer rows than features: one Gram matrix serves selection and fit; the readouts are the primal ones."""
    from hrsnn.measure.metrics import select_ridge, squared_correlation
    from hrsnn.measure.readouts import dual_ridge_predict
    rng = np.random.default_rng(9)
    T, k_max, washout = 300, 12, 20
    u = rng.uniform(-0.8, 0.8, T)
    X = np.hstack([delay_line(u, 8) + rng.normal(scale=0.05, size=(T, 8)), 0.1 * rng.normal(size=(T, 500)) + 3.0,
                   np.zeros((T, 20))])
    rows = np.arange(washout, T)
    Y = np.stack([u[rows - k] for k in range(1, k_max + 1)], axis=1)
    Xr, split = X[washout:], T - 60 - washout
    grid = list(10.0 ** np.arange(-2, 5.5, 0.5))
    lam = select_ridge(Xr[:split], Y[:split], grid)                  # primal: eigendecomposition of XcᵀXc
    assert select_ridge(Xr[:split], Y[:split], grid, gram=Xr[:split] @ Xr[:split].T) == lam
    expected = squared_correlation(Y[split:], _primal(Xr[:split], Y[:split], lam, Xr[split:]))
    mc = memory_capacity(X, u, k_max, ridge=grid, test_size=60, washout=washout)
    assert mc.ridge == lam and np.allclose(mc.per_delay, expected, atol=1e-9) and mc.total > 2
    gram = Xr @ Xr.T
    for ridges in ([0.0], [1e-3, 10.0]):                            # λ = 0: the minimum-norm solution
        predicted = dual_ridge_predict(gram, Y, slice(0, split), slice(split, None), ridges)
        for lam, p in zip(ridges, predicted):
            assert np.allclose(p, _primal(Xr[:split], Y[:split], lam, Xr[split:]), rtol=0, atol=1e-9)


def _primal(X, Y, lam, X_new):
    """Ridge predictions by the primal normal equations (XcᵀXc + λI) W = XcᵀYc — the minimum-norm least-squares
    solution for λ = 0 — on every column, constant ones included: an independent reference for the dual form."""
    x_mean, y_mean = X.mean(axis=0), Y.mean(axis=0)
    Xc, Yc = X - x_mean, Y - y_mean
    if lam > 0:
        W = np.linalg.solve(Xc.T @ Xc + lam * np.eye(X.shape[1]), Xc.T @ Yc)
    else:
        W = np.linalg.lstsq(Xc, Yc, rcond=None)[0]
    return (X_new - x_mean) @ W + y_mean


def test_efficiency():
    assert efficiency(10.0, 4.0) == 2.5
    assert efficiency(0.0, 4.0) == float("inf")
    assert efficiency(10.0, 0.0) == float("inf")


def test_ridge_grid_selection_uses_training_rows_only():
    rng = np.random.default_rng(5)
    u = rng.uniform(-0.8, 0.8, 2000)
    clean = delay_line(u, 5)
    noisy = np.hstack([clean + rng.normal(scale=0.5, size=clean.shape), rng.normal(size=(2000, 800))])
    grid = 10.0 ** np.arange(-4, 5)
    mc_clean = memory_capacity(clean, u, 10, ridge=grid)
    mc_noisy = memory_capacity(noisy, u, 10, ridge=grid)
    assert mc_clean.ridge <= 1e-2 and mc_clean.total == pytest.approx(5.0, abs=0.05)
    assert mc_noisy.ridge > mc_clean.ridge


def test_feature_scaler_bounds_features_that_barely_varied_in_training():
    rng = np.random.default_rng(7)
    X = np.column_stack([rng.normal(size=(200, 3)), 1e-8 * rng.normal(size=200)])
    scaler = FeatureScaler(floor=0.05).fit(X)
    assert np.allclose(scaler.scale_[:3], X[:, :3].std(axis=0))          # typical features: standardised
    assert scaler.scale_[3] == pytest.approx(0.05 * X.std(axis=0).mean())  # near-constant one: floored
    assert np.abs(scaler.transform(np.ones((1, 4)))).max() < 30
    with pytest.raises(InputError, match="expected 4 features"):
        scaler.transform(np.ones((1, 3)))


def test_nonlinear_capacity_is_full_for_the_targets_themselves_and_zero_for_a_linear_delay_line():
    from hrsnn.measure.capacity import nonlinear_capacity, nonlinear_targets
    rng = np.random.default_rng(0)
    u = rng.uniform(-0.8, 0.8, 4000)
    names, targets = nonlinear_targets(u / 0.8)
    assert len(names) == 125 == len(set(names)) and targets.shape == (4000, 125)
    full, _ = nonlinear_capacity(targets, u, 0.8, 1e-6, washout=50)
    assert full == pytest.approx(125, abs=0.5)
    delay_line = np.column_stack([np.concatenate([np.zeros(k), u[:len(u) - k]]) for k in range(30)])
    linear, _ = nonlinear_capacity(delay_line, u, 0.8, 1e-6, washout=50)
    assert linear < 0.5                      # Legendre targets are orthogonal to linear functions: noise floor only
    squares, _ = nonlinear_capacity(np.hstack([delay_line, delay_line ** 2]), u, 0.8, 1e-6, washout=50)
    assert squares == pytest.approx(20, abs=1)   # P₂ at the 20 lags 0 … 19, nothing else


def test_ipc_capacity_enters_e_and_leaves_the_linear_default_unchanged(small_config):
    from hrsnn import evaluate
    lin = evaluate(small_config, seed=2)
    ipc = evaluate(small_config.with_updates({"task.capacity": "ipc"}), seed=2)
    assert np.isnan(lin.nonlinear_capacity) and lin.E == pytest.approx(lin.rate_hz / lin.memory_capacity)
    assert ipc.spikes == lin.spikes and ipc.memory_capacity == lin.memory_capacity and ipc.nonlinear_capacity > 0
    assert ipc.E == pytest.approx(ipc.rate_hz / (ipc.memory_capacity + ipc.nonlinear_capacity)) and ipc.E < lin.E
