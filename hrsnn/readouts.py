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


class RidgeReadout:
    """Ridge regression with an unpenalised bias: W = (XcᵀXc + λI)⁻¹ XcᵀYc on centred X, Y.

    The same formulation as ``reservoirpy.nodes.Ridge``, so both give the same weights on the same states.
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
        Xc = X - x_mean
        A = Xc.T @ Xc + self.ridge * np.eye(X.shape[1])
        B = Xc.T @ (Y - y_mean)
        try:
            self.coef_ = linalg.solve(A, B, assume_a="sym")
        except (linalg.LinAlgError, linalg.LinAlgWarning):
            self.coef_ = linalg.lstsq(A, B)[0]
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
