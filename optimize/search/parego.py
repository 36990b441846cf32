"""ParEGO (Knowles 2006) on scikit-optimize: a two-objective search that finds a whole front.

Each trial's two objectives — a quality to raise and a cost to lower — are normalized to [0, 1] over the finished
trials (the cost on a log scale: rates and spike counts span decades) and folded into one value with a random
augmented-Chebyshev weight drawn anew for every point asked::

    s = max(λ·f₁, (1 − λ)·f₂) + ρ·(λ·f₁ + (1 − λ)·f₂),   f₁ = −quality, f₂ = log cost,  λ ~ U(0, 1)

A fresh skopt ``Optimizer`` (the study's surrogate, GP by default; the acquisition maximized over random samples) is
fitted to the scalarized values and asked for one point, once per point of a batch, so successive and parallel trials
pull toward different parts of the front. Degenerate trials are told the worst scalarized value.
The initial points are a maximin Latin hypercube drawn up front and the weights come from ``random_state`` and the
number of trials told, so ``ask`` changes no state: what it asks is a function of the trials told. The scalarized
values are rounded (``optimize.search.space.canonical``) before the surrogate sees them.
"""
from __future__ import annotations

import math

import numpy as np

from .space import canonical

RHO = 0.05


def scalarize(points: list[tuple[float, float] | None], weight: float, rho: float = RHO) -> list[float]:
    """Augmented-Chebyshev values of (quality, cost) points (``None``: degenerate, told the worst value)."""
    ok = [p for p in points if p is not None]
    if not ok:
        return [1.0 + rho] * len(points)
    f = np.array([(-q, math.log(max(c, 1e-12))) for q, c in ok], dtype=float)
    lo, span = f.min(axis=0), np.ptp(f, axis=0)
    f = (f - lo) / np.where(span > 0, span, 1.0)
    w = np.array([weight, 1.0 - weight])
    s = (f * w).max(axis=1) + rho * (f * w).sum(axis=1)
    worst = float(s.max())
    it = iter(s.tolist())
    return [next(it) if p is not None else worst for p in points]


class ParEGO:
    """ask/tell over (quality, cost) points, with skopt's GP under a new random scalarization per ask."""

    pure_ask = True                              # asking changes nothing: a replay need not ask

    def __init__(self, dimensions, initial_points: int, random_state: int, acq_func: str = "EI",
                 surrogate: str = "GP"):
        from skopt.sampler import Lhs
        self.dimensions, self.random_state, self.acq_func = dimensions, random_state, acq_func
        self.surrogate = surrogate
        self.initial = Lhs(criterion="maximin", iterations=200).generate(dimensions, initial_points,
                                                                       random_state=random_state)
        self.Xi: list[list] = []
        self.points: list[tuple[float, float] | None] = []

    def tell_points(self, xs: list[list], points: list[tuple[float, float] | None]) -> None:
        self.Xi += xs
        self.points += points

    def weight(self, j: int = 0) -> float:
        """The scalarization weight λ of the ``j``-th point of the next ask (from the random state, the trials told
        and ``j``)."""
        return float(np.random.default_rng([self.random_state, len(self.Xi), j]).uniform())

    def ask(self, n_points: int | None = None):
        """The next point (or ``n_points`` points, each under its own weight); the initial design comes first."""
        from skopt import Optimizer
        n = n_points or 1
        k = len(self.Xi)
        if k < len(self.initial) or not any(p is not None for p in self.points):
            out = self.initial[k:k + n] or Optimizer(self.dimensions, random_state=self.random_state + k).ask(n)
        else:
            out = []
            for j in range(n):
                opt = Optimizer(self.dimensions, base_estimator=self.surrogate, n_initial_points=0,
                                acq_func=self.acq_func, acq_optimizer="sampling",
                                random_state=self.random_state + k + j)
                opt.tell(self.Xi, [canonical(v) for v in scalarize(self.points, self.weight(j))])
                out.append(opt.ask())
        return out if n_points else out[0]
