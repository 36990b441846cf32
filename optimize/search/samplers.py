"""The samplers a study can ask: skopt's ``Optimizer`` (GP, RF, ET surrogates), ParEGO for two objectives, random
search."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .parego import ParEGO

if TYPE_CHECKING:
    from .study import Study


class RandomSearch:
    """Random sampling with skopt's ask/tell interface (skopt's ``dummy`` surrogate is broken with current
    scikit-learn): the i-th point asked is drawn from (``random_state``, i) alone, so a resumed search asks the points
    an uninterrupted one would, whatever its number of calls."""

    pure_ask = True                              # a replay's tell sets the ask position: it need not ask

    def __init__(self, dimensions, random_state: int):
        from skopt.space import Space
        self.space, self.random_state = Space(dimensions), random_state
        self.asked = 0
        self.Xi: list[list] = []
        self.yi: list[float] = []

    def tell(self, xs: list[list], ys: list[float]) -> None:
        self.Xi += xs
        self.yi += ys
        self.asked = max(self.asked, len(self.yi))

    def ask(self, n_points: int | None = None):
        n = n_points or 1
        out = [self.space.rvs(1, random_state=np.random.RandomState([self.random_state, i]))[0]
               for i in range(self.asked, self.asked + n)]
        self.asked += n
        return out if n_points else out[0]


def optimizer(study: Study):
    """skopt's ``Optimizer`` for the study's surrogate, ParEGO for a front study, or random search for a ``random``
    arm."""
    from skopt import Optimizer

    dims = [d.to_skopt() for d in study.space]
    if study.surrogate == "random":
        return RandomSearch(dims, study.random_state)
    if study.objective == "front":
        return ParEGO(dims, study.initial_points, study.random_state, study.acquisition, study.surrogate)
    return Optimizer(dims, base_estimator=study.surrogate, n_initial_points=study.initial_points,
                     acq_func=study.acquisition, random_state=study.random_state)
