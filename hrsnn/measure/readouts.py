"""Linear readouts on reservoir states (scikit-learn conventions, plain numpy in and out)."""
from __future__ import annotations

import numpy as np
from scipy import linalg
from sklearn.base import BaseEstimator, TransformerMixin

from ..errors import InputError


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


def _constant_columns(Xc: np.ndarray) -> np.ndarray | None:
    """Mask of the columns of Xc that do not vary (silent neurons), or None when every column varies. Such a
    column gets weight 0 in every ridge solution, so the solvers leave it out of the factorisation."""
    flat = np.ptp(Xc, axis=0) == 0
    return flat if flat.any() else None


def ridge_path(Xc: np.ndarray, Yc: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(V, s, P) with Xc = U diag(s) Vᵀ (thin SVD, round-off singular values set to 0) and P = Uᵀ Yc.

    Every ridge solution on centred states Xc (T × F) and targets Yc (T × K) is V diag(s / (s² + λ)) P, so one
    decomposition serves a whole grid of penalties (``ridge_gains``). Computed from the eigenvectors of the
    smaller Gram matrix (XcXcᵀ when T < F, as in memory-capacity readouts on large reservoirs); constant
    columns are left out (their rows of V are 0).
    """
    flat = _constant_columns(Xc)
    if flat is not None:
        V_kept, s, P = ridge_path(Xc[:, ~flat], Yc)
        V = np.zeros((Xc.shape[1], V_kept.shape[1]))
        V[~flat] = V_kept
        return V, s, P
    wide = Xc.shape[0] < Xc.shape[1]
    evals, evecs = np.linalg.eigh(Xc @ Xc.T if wide else Xc.T @ Xc)
    cutoff = (evals[-1] if len(evals) else 0.0) * max(Xc.shape) * np.finfo(float).eps
    s = np.sqrt(np.where(evals > cutoff, evals, 0.0))
    inv = np.divide(1.0, s, out=np.zeros_like(s), where=s > 0)
    if wide:                                   # U = evecs, V = Xcᵀ U / s
        return (Xc.T @ evecs) * inv, s, evecs.T @ Yc
    return evecs, s, inv[:, None] * (evecs.T @ (Xc.T @ Yc))   # V = evecs, Uᵀ = diag(1/s) Vᵀ Xcᵀ


def ridge_gains(s: np.ndarray, ridge: float) -> np.ndarray:
    """s / (s² + λ), with 0 for null directions (the minimum-norm solution when λ = 0)."""
    den = s * s + ridge
    return np.divide(s, den, out=np.zeros_like(s), where=(s > 0) & (den > 0))


def ridge_solve(Xc: np.ndarray, Yc: np.ndarray, ridge: float) -> np.ndarray:
    """Weights (F × K) minimising |Yc − Xc W|² + λ|W|², by a Cholesky solve of the smaller of the primal
    (XcᵀXc + λI) and dual (XcXcᵀ + λI) systems; the minimum-norm solution when the system is singular.
    Constant columns get weight 0 without entering the factorisation."""
    flat = _constant_columns(Xc)
    if flat is not None:
        W = np.zeros((Xc.shape[1], Yc.shape[1]))
        W[~flat] = ridge_solve(Xc[:, ~flat], Yc, ridge)
        return W
    wide = Xc.shape[0] < Xc.shape[1]
    A = Xc @ Xc.T if wide else Xc.T @ Xc
    A[np.diag_indices_from(A)] += ridge
    try:
        c, low = linalg.cho_factor(A, check_finite=False)
        return Xc.T @ linalg.cho_solve((c, low), Yc) if wide else linalg.cho_solve((c, low), Xc.T @ Yc)
    except linalg.LinAlgError:
        V, s, P = ridge_path(Xc, Yc)
        return V @ (ridge_gains(s, ridge)[:, None] * P)


def dual_ridge_predict(K: np.ndarray, Y: np.ndarray, fit: slice, other: slice, ridges) -> list[np.ndarray]:
    """Predictions for the rows ``other`` of ridge readouts (unpenalised bias) fit on the rows ``fit``, one per
    penalty in ``ridges``, given the Gram matrix K = X Xᵀ of all rows: the dual form, with no product over the
    features once K is known. ``RidgeReadout(λ).fit(X[fit], Y[fit]).predict(X[other])`` up to round-off.
    One positive penalty is a Cholesky solve; several share one eigendecomposition (λ = 0: minimum norm)."""
    K_ff, K_of = K[fit, fit], K[other, fit]
    col = K_ff.mean(axis=0)                                 # μ·x_j, μ the fit rows' mean
    mean = col.mean()                                       # μ·μ
    Kc = K_ff - col[:, None] - col + mean                   # (x_i − μ)·(x_j − μ)
    Kc_of = K_of - K_of.mean(axis=1, keepdims=True) - col + mean
    y_mean = Y[fit].mean(axis=0)
    Yc = Y[fit] - y_mean
    if len(ridges) == 1 and ridges[0] > 0:
        A = Kc.copy()
        A[np.diag_indices_from(A)] += ridges[0]
        try:
            return [Kc_of @ linalg.cho_solve(linalg.cho_factor(A, check_finite=False), Yc) + y_mean]
        except linalg.LinAlgError:
            pass
    e, U = np.linalg.eigh(Kc)
    kept = e > (e[-1] if len(e) else 0.0) * len(e) * np.finfo(float).eps
    P, KU = U.T @ Yc, Kc_of @ U
    gains = (np.divide(1.0, e + lam, out=np.zeros_like(e), where=kept & (e + lam > 0)) for lam in ridges)
    return [KU @ (g[:, None] * P) + y_mean for g in gains]


class RidgeReadout:
    """Ridge regression with an unpenalised bias: W = (XcᵀXc + λI)⁻¹ XcᵀYc on centred X, Y.

    The same formulation as ``reservoirpy.nodes.Ridge``, so both give the same weights on the same states.
    Solved in the dual form when there are fewer rows than features (``ridge_solve``).
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
        self.coef_ = ridge_solve(X - x_mean, Y - y_mean, float(self.ridge))
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


def floored_scale(std: np.ndarray, floor: float) -> np.ndarray:
    """Each feature's std, floored at ``floor`` × their mean (1 where that leaves 0)."""
    ref = std.mean()
    scale = np.maximum(std, floor * ref) if ref > 0 else np.ones_like(std)
    scale[scale == 0] = 1.0
    return scale


class FeatureScaler(TransformerMixin, BaseEstimator):
    """Centre each feature and divide by its std, floored at ``floor`` × the mean std over features.

    ``StandardScaler`` blows up a feature that barely varied in training (the trace of a neuron that fired once):
    a std of 1e-8 turns its test values into 1e8 and the readout's prediction with them. The floor bounds that
    amplification; features of typical spread are standardised as usual.
    """

    def __init__(self, floor: float = 0.05):
        self.floor = floor

    def fit(self, X, y=None) -> FeatureScaler:
        if not (np.isfinite(self.floor) and self.floor >= 0):
            raise InputError(f"floor: must be a finite number >= 0, got {self.floor}")
        X = _check_xy(X)
        self.mean_ = X.mean(axis=0)
        self.scale_ = floored_scale(X.std(axis=0), self.floor)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X) -> np.ndarray:
        X = _check_xy(X)
        if X.shape[1] != self.n_features_in_:
            raise InputError(f"states: expected {self.n_features_in_} features, got {X.shape[1]}")
        return (X - self.mean_) / self.scale_
