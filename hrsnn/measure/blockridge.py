"""A standardised ridge readout with leave-one-out penalty selection, fit from features given a block of columns at a
time: ``FeatureScaler`` then scikit-learn's ``RidgeCV`` (efficient leave-one-out, unpenalised intercept), without
ever holding the rows × features matrix. For reservoirs with more neurons than state rows (the dual form)."""
from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline

from ..errors import InputError
from ..sim.states import block_gram
from .readouts import FeatureScaler, floored_scale

Blocks = Callable[[], Iterable[tuple[np.ndarray, np.ndarray]]]
"""Called once per pass: yields (column indices, (rows, columns) values); columns never yielded are all zero."""


class BlockRidgeCV:
    """``make_pipeline(FeatureScaler(floor), RidgeCV(alphas))`` fit from column blocks (``Blocks``) of ``n_features``
    columns: three passes (column means and spreads; the Gram matrix of the standardised rows; the weights)."""

    def __init__(self, alphas, floor: float = 0.05):
        self.alphas = [float(a) for a in alphas]
        self.floor = floor

    def fit(self, blocks: Blocks, n_features: int, y) -> BlockRidgeCV:
        y = np.asarray(y, dtype=float)
        Y = y[:, None] if y.ndim == 1 else y
        n = len(Y)
        self.mean_, std = np.zeros(n_features), np.zeros(n_features)
        for cols, X in blocks():
            self._check(X, n)
            self.mean_[cols], std[cols] = X.mean(axis=0), X.std(axis=0)
        self.scale_ = floored_scale(std, self.floor)
        K = block_gram((self._standard(cols, X) for cols, X in blocks()), n)
        e, U = np.linalg.eigh(K)
        self.y_mean_ = Y.mean(axis=0)
        P = U.T @ (Y - self.y_mean_)
        best = None
        for alpha in self.alphas:          # hat matrix J/n + U diag(e/(e+α)) Uᵀ: exact leave-one-out residuals
            g = e / (e + alpha)
            fitted = U @ (g[:, None] * P)
            leverage = 1.0 / n + (U * U) @ g
            score = -np.mean(((Y - self.y_mean_ - fitted) / (1.0 - leverage)[:, None]) ** 2)
            if best is None or score > best[0]:
                best = (score, alpha)
        self.alpha_ = best[1]
        dual = U @ (P / (e + self.alpha_)[:, None])
        self.coef_ = np.zeros((n_features, Y.shape[1]))
        for cols, X in blocks():
            self.coef_[cols] = self._standard(cols, X).T @ dual
        self._1d = y.ndim == 1
        return self

    def pipeline(self):
        """The fitted readout as the dense ``make_pipeline(FeatureScaler, Ridge)`` it equals (for dense states,
        exports and reports)."""
        scaler = FeatureScaler(self.floor)
        scaler.mean_, scaler.scale_, scaler.n_features_in_ = self.mean_, self.scale_, len(self.mean_)
        ridge = Ridge(alpha=self.alpha_)
        ridge.coef_ = self.coef_[:, 0] if self._1d else self.coef_.T.copy()
        ridge.intercept_ = float(self.y_mean_[0]) if self._1d else self.y_mean_.copy()
        ridge.n_features_in_ = len(self.mean_)
        ridge.alpha_ = self.alpha_                 # as RidgeCV names the penalty it chose
        return make_pipeline(scaler, ridge)

    def predict(self, blocks: Blocks) -> np.ndarray:
        if not hasattr(self, "coef_"):
            raise InputError("BlockRidgeCV: call fit before predict")
        out = predict_blocks(blocks, self.mean_, self.scale_, self.coef_, self.y_mean_)
        return out[:, 0] if self._1d else out

    def _standard(self, cols: np.ndarray, X: np.ndarray) -> np.ndarray:
        return (X - self.mean_[cols]) / self.scale_[cols]

    @staticmethod
    def _check(X: np.ndarray, n: int) -> None:
        if X.shape[0] != n:
            raise InputError(f"states: a block has {X.shape[0]} rows, the targets {n}")


def predict_blocks(blocks: Blocks, mean: np.ndarray, scale: np.ndarray, coef: np.ndarray,
                   intercept: np.ndarray) -> np.ndarray:
    """(rows, D) predictions Σ_f ((x_f − mean_f) / scale_f) coef_f + intercept of a standardised linear readout
    (coef: F × D) from column blocks; a column never yielded is 0 and adds its constant −mean/scale · coef."""
    out, seen = 0.0, np.zeros(len(mean), bool)
    for cols, X in blocks():
        out = out + ((X - mean[cols]) / scale[cols]) @ coef[cols]
        seen[cols] = True
    return out + intercept + (-mean[~seen] / scale[~seen]) @ coef[~seen]
