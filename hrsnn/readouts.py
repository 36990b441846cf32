"""Linear readouts on reservoir states (scikit-learn conventions, plain numpy in and out)."""
from __future__ import annotations

import numpy as np
from scipy import linalg

from .errors import InputError


def _check_xy(X, y=None):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] == 0:
        raise InputError(f"states: expected a 2-D array (T, F) with T >= 1, got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise InputError("states: contains NaN or infinite values")
    if y is None:
        return X
    y = np.asarray(y, dtype=float)
    if y.shape[0] != X.shape[0]:
        raise InputError(f"targets: {y.shape[0]} rows for {X.shape[0]} rows of states")
    if not np.all(np.isfinite(y)):
        raise InputError("targets: contains NaN or infinite values")
    return X, y


def ridge_basis(Xc: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Thin SVD Xc = U diag(s) Vᵀ of centred states (T × F), singular values below round-off set to 0.

    Every ridge solution on Xc is V diag(s / (s² + λ)) Uᵀ Yc, so one decomposition serves any number of
    penalties and targets. Computed from the eigenvectors of the smaller Gram matrix (XcXcᵀ when T < F, as in
    memory-capacity readouts on large reservoirs), O(min(T, F)² · max(T, F)).
    """
    wide = Xc.shape[0] < Xc.shape[1]
    evals, evecs = linalg.eigh(Xc @ Xc.T if wide else Xc.T @ Xc, check_finite=False)
    cutoff = (evals[-1] if len(evals) else 0.0) * max(Xc.shape) * np.finfo(float).eps
    s = np.sqrt(np.where(evals > cutoff, evals, 0.0))
    inv = np.divide(1.0, s, out=np.zeros_like(s), where=s > 0)
    if wide:
        return evecs, s, (evecs.T @ Xc) * inv[:, None]
    return (Xc @ evecs) * inv, s, evecs.T


def ridge_gains(s: np.ndarray, ridge: float) -> np.ndarray:
    """s / (s² + λ), with 0 for null directions (the minimum-norm solution when λ = 0)."""
    den = s * s + ridge
    return np.divide(s, den, out=np.zeros_like(s), where=(s > 0) & (den > 0))


class RidgeReadout:
    """Ridge regression with an unpenalised bias: W = (XcᵀXc + λI)⁻¹ XcᵀYc on centred X, Y.

    The same formulation as ``reservoirpy.nodes.Ridge``, so both give the same weights on the same states.
    Solved through the thin SVD of Xc (``ridge_basis``), which is cheap when T ≪ F as in memory-capacity
    readouts on large reservoirs, and gives the minimum-norm solution when λ = 0 and XcᵀXc is singular.
    """

    def __init__(self, ridge: float = 1e-4):
        self.ridge = ridge

    def fit(self, X, y) -> RidgeReadout:
        if not (np.isfinite(self.ridge) and self.ridge >= 0):
            raise InputError(f"ridge: must be a finite number >= 0, got {self.ridge}")
        X, y = _check_xy(X, y)
        self._1d = y.ndim == 1
        Y = y[:, None] if self._1d else y
        x_mean, y_mean = X.mean(axis=0), Y.mean(axis=0)
        U, s, Vt = ridge_basis(X - x_mean)
        self.coef_ = Vt.T @ (ridge_gains(s, self.ridge)[:, None] * (U.T @ (Y - y_mean)))
        self.intercept_ = y_mean - x_mean @ self.coef_
        return self

    def predict(self, X) -> np.ndarray:
        if not hasattr(self, "coef_"):
            raise InputError("RidgeReadout: call fit before predict")
        X = _check_xy(X)
        if X.shape[1] != self.coef_.shape[0]:
            raise InputError(f"states: expected {self.coef_.shape[0]} features, got {X.shape[1]}")
        out = X @ self.coef_ + self.intercept_
        return out[:, 0] if self._1d else out

    def score(self, X, y) -> float:
        """Coefficient of determination R² (averaged over outputs), as scikit-learn's regressors."""
        X, y = _check_xy(X, y)
        y = y[:, None] if y.ndim == 1 else y
        pred = self.predict(X).reshape(y.shape)
        ss_res = ((y - pred) ** 2).sum(axis=0)
        ss_tot = ((y - y.mean(axis=0)) ** 2).sum(axis=0)
        return float(np.mean(1.0 - ss_res / np.where(ss_tot > 0, ss_tot, np.nan)))
