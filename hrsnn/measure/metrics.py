"""Memory capacity, spiking activity and the efficiency E = activity / MC."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..parallel import one_blas_thread
from .readouts import RidgeReadout, _check_xy, dual_ridge_predict, ridge_gains, ridge_path


@dataclass(frozen=True)
class MemoryCapacity:
    """Jaeger's linear memory capacity: ``total`` = Σ_k ``per_delay[k-1]`` (dimensionless, ≤ features)."""

    total: float
    per_delay: np.ndarray
    ridge: float                 # the ridge penalty used (chosen by validation when a grid was given)

    def __float__(self) -> float:
        return self.total


def squared_correlation(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Column-wise corr²(a, b); 0 where either column is constant."""
    a = a - a.mean(axis=0)
    b = b - b.mean(axis=0)
    den = np.sqrt((a * a).sum(axis=0) * (b * b).sum(axis=0))
    cov = (a * b).sum(axis=0)
    r = np.divide(cov, den, out=np.zeros_like(cov), where=den > 0)
    return r * r


def select_ridge(X: np.ndarray | None, Y: np.ndarray, grid, val_fraction: float = 0.25,
                 gram: np.ndarray | None = None) -> float:
    """The ridge penalty of ``grid`` whose readout, fit on the first rows, maximises Σ_k corr² on the last
    ``val_fraction`` of the rows (one decomposition serves the whole grid). ``gram``: X Xᵀ, if already known
    (then the readouts are fit in the dual form, ``dual_ridge_predict``, and X may be None)."""
    n_val = max(2, int(round(len(Y) * val_fraction)))
    fit, val = slice(0, len(Y) - n_val), slice(len(Y) - n_val, len(Y))
    if gram is not None:
        predictions = dual_ridge_predict(gram, Y, fit, val, grid)
    else:
        x_mean, y_mean = X[fit].mean(axis=0), Y[fit].mean(axis=0)
        V, s, P = ridge_path(X[fit] - x_mean, Y[fit] - y_mean)
        Xv_rot = (X[val] - x_mean) @ V
        predictions = [Xv_rot @ (ridge_gains(s, lam)[:, None] * P) + y_mean for lam in grid]
    scores = [squared_correlation(Y[val], p).sum() for p in predictions]
    return float(grid[int(np.argmax(scores))])


def memory_capacity(states, u, k_max: int, ridge: float | Sequence[float] = 1e-4,
                    test_size: float | int = 0.2, washout: int = 0, gram: np.ndarray | None = None) -> MemoryCapacity:
    """Memory capacity of states (T × F) driven by a scalar i.i.d. input u (T,).

    Row t of ``states`` is the reservoir state after it received ``u[t]``. For k = 1..k_max a ridge readout
    (bias unpenalised) is fit on rows [max(washout, k_max), T − n_test) to predict u[t−k] and scored on the last
    n_test rows: MC_k = corr²(u[t−k], ŷ_k[t]). ``test_size`` is a fraction of T or a number of rows.
    ``ridge`` is a penalty, or a grid from which ``select_ridge`` picks one using the training rows only.
    Agrees with ``reservoirpy.observables.memory_capacity`` given the same states and split. With fewer rows
    than features, every readout (selection and fit) comes from one Gram matrix of the rows (dual form);
    ``gram`` (T × T, X Xᵀ of all rows, e.g. ``RunResult.gram``) stands in for ``states`` (then None) when T ≤ F.
    Runs single-threaded BLAS: at these sizes (10²–10³ features) threads cost more than they save, and on a
    shared 2-core machine they made the readouts about 2× slower and far less predictable.
    """
    X, u = _check_xy(states if gram is None else gram, u)
    u = np.squeeze(u)
    if u.ndim != 1:
        raise InputError(f"u: expected a scalar series of shape (T,), got {np.shape(u)}")
    T = X.shape[0]
    if not (isinstance(k_max, (int, np.integer)) and k_max >= 1):
        raise InputError(f"k_max: expected an integer >= 1, got {k_max!r}")
    n_test = int(round(T * test_size)) if isinstance(test_size, float) else int(test_size)
    first = max(int(washout), k_max)
    if not 1 < n_test < T - first - 1:
        raise InputError(f"test_size: {n_test} test rows leave {T - first - n_test} training rows of {T} "
                         f"(washout/k_max {first}); need at least 2 of each")
    rows = np.arange(first, T)
    targets = np.stack([u[rows - k] for k in range(1, k_max + 1)], axis=1)
    per_delay, ridge = readout_scores(None if gram is not None else X[first:], targets, T - n_test - first, ridge,
                                      None if gram is None else X[first:, first:])
    return MemoryCapacity(float(per_delay.sum()), per_delay, float(ridge))


def readout_scores(X: np.ndarray | None, targets: np.ndarray, split: int, ridge: float | Sequence[float],
                   gram: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """corr² of one ridge readout per target column, fit on rows [0, split) and scored on the rest, and the
    penalty used (``ridge``, or the one ``select_ridge`` picks from a grid on the training rows). ``gram``:
    X Xᵀ, given instead of X (None) for fewer rows than features."""
    with one_blas_thread():
        if gram is None and len(X) < X.shape[1]:             # fewer rows than features: one Gram serves all fits
            gram = X @ X.T
        if np.ndim(ridge):
            ridge = select_ridge(None if X is None else X[:split], targets[:split], list(ridge),
                                 gram=None if gram is None else gram[:split, :split])
        if gram is None:
            predicted = RidgeReadout(float(ridge)).fit(X[:split], targets[:split]).predict(X[split:])
        else:
            predicted = dual_ridge_predict(gram, targets, slice(0, split), slice(split, None), [float(ridge)])[0]
        return squared_correlation(targets[split:], predicted), float(ridge)


def efficiency(rate_hz: float, mc: float, min_mc: float = 0.0) -> float:
    """E = mean firing rate (Hz per neuron) / MC; +inf when MC ≤ ``min_mc`` or the rate is 0."""
    if not (math.isfinite(rate_hz) and math.isfinite(mc)) or rate_hz <= 0 or mc <= min_mc:
        return math.inf
    return rate_hz / mc


def nrmse(y_true, y_pred) -> float:
    """Normalised root-mean-square error √(mean (y − ŷ)²) / std(y), averaged over output columns."""
    y, p = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    y, p = (y[:, None], p.reshape(-1, 1)) if y.ndim == 1 else (y, p.reshape(y.shape))
    if y.shape != p.shape or len(y) < 2:
        raise InputError(f"nrmse: targets {y.shape} and predictions {p.shape} must match, with >= 2 rows")
    std = y.std(axis=0)
    return float(np.mean(np.sqrt(((y - p) ** 2).mean(axis=0)) / np.where(std > 0, std, np.nan)))
