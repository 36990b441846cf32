"""Nonlinear information-processing capacity (Dambre et al. 2012) of states driven by an i.i.d. input.

Targets, for u(t) ~ U(−u_max, u_max) read as x = u / u_max ∈ [−1, 1]: Legendre polynomials P_d(x(t − k)) of
degree d = 2 … 5 at lag k = 0 … 19 (orthogonal to every linear function of the input under the uniform law) and
products x(t − i) · x(t − j), 0 ≤ i < j ≤ 9: 125 targets. The capacity is Σ corr² of their linear readouts on
held-out rows; beside the linear memory capacity it is the denominator of E when ``task.capacity = "ipc"``.
The task battery (``hrsnn.tasks.battery``) uses the same targets for its ``legendre`` and ``product`` families.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.polynomial import legendre as _legendre

from .metrics import readout_scores

DEGREES, LAGS, PRODUCT_LAGS = range(2, 6), range(20), range(10)


def lag(x: np.ndarray, k: int) -> np.ndarray:
    """x delayed by k steps (zeros before the start)."""
    return np.concatenate([np.zeros(k), x[:len(x) - k]]) if k else x


def legendre_target(x: np.ndarray, degree: int, k: int) -> np.ndarray:
    return _legendre.legval(lag(x, k), [0] * degree + [1])


def product_target(x: np.ndarray, i: int, j: int) -> np.ndarray:
    return lag(x, i) * lag(x, j)


def nonlinear_targets(x: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The 125 targets' names and values (T × 125) for a normalised input x ∈ [−1, 1]."""
    names, cols = [], []
    for d in DEGREES:
        for k in LAGS:
            names.append(f"legendre[{d},{k}]"), cols.append(legendre_target(x, d, k))
    for i in PRODUCT_LAGS:
        for j in range(i + 1, len(PRODUCT_LAGS)):
            names.append(f"product[{i},{j}]"), cols.append(product_target(x, i, j))
    return names, np.column_stack(cols)


def nonlinear_capacity(states: np.ndarray | None, u: np.ndarray, u_max: float, ridge: float | Sequence[float],
                       test_size: float = 0.2, washout: int = 0,
                       gram: np.ndarray | None = None) -> tuple[float, float]:
    """(Σ corr² over the nonlinear targets, the ridge penalty used), with ``memory_capacity``'s split: readouts
    fit on rows [max(washout, 19), T − n_test) and scored on the last ``test_size`` of the rows. ``gram``:
    X Xᵀ of all rows, in place of ``states`` (None), as in ``memory_capacity``."""
    u = np.asarray(u, dtype=float)
    first = max(int(washout), max(LAGS))
    n_test = int(round(len(u) * test_size))
    _, targets = nonlinear_targets(u / u_max)
    X = None if gram is not None else np.asarray(states, dtype=float)[first:]
    scores, used = readout_scores(X, targets[first:], len(u) - n_test - first, ridge,
                                  None if gram is None else np.asarray(gram)[first:, first:])
    return float(scores.sum()), used
