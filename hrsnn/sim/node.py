"""The spiking reservoir as a reservoirpy ``Node``: ``HRSNNNode(config, seed) >> Ridge()``.

The node learns once, unsupervised, on the first data it runs on (STDP, and intrinsic plasticity if enabled), as
hrsnn's estimators do on their training sequences, then keeps its weights and thresholds frozen: every sequence
runs the frozen reservoir from its initial state and gives its states, one row (N,) per input step, as
``hrsnn.sim.drive`` gives them. Inputs are clipped to [-1, 1] (the reservoir's drive is a bounded current), except
spike counts (``input.encoding = "events"``).
"""
from __future__ import annotations

import numpy as np
from reservoirpy.node import Node

from ..errors import InputError
from ..model import encoding
from ..model.config import ReservoirConfig
from .drive import drive


class HRSNNNode(Node):
    """A heterogeneous spiking reservoir in a reservoirpy model.

    Parameters
    ----------
    config : ReservoirConfig, optional
        The reservoir (default: ``ReservoirConfig()``); its size N is the node's output dimension.
    seed : int
        Seeds every draw of the reservoir.
    target : str
        Simulator (``"auto"``: the numba kernel for current input).
    train : bool
        Learn on the first data run (``True``) or keep the drawn weights (``False``).
    """

    def __init__(self, config: ReservoirConfig | None = None, seed: int = 0, target: str = "auto",
                 train: bool = True, name: str | None = None):
        self.config = config or ReservoirConfig()
        self.seed, self.target, self.train, self.name = seed, target, train, name
        self.output_dim = self.config.n_neurons
        self.weights_: np.ndarray | None = None
        self.thresholds_: np.ndarray | None = None
        self.state = {"out": np.zeros(self.output_dim)}

    def initialize(self, x, y=None) -> None:
        """Fix the input dimension (reservoirpy calls this with a dummy step; learning waits for ``run``)."""
        self._set_input_dim(x)
        self.initialized = True

    def run(self, x=None, iters=None, workers=1):
        """The states of each sequence of ``x`` ((T, N) per sequence). With ``train``, the first call learns on all
        of ``x``, its sequences end to end, and returns the states of the frozen network's pass over them that
        continues from the learning phase, as the estimators' ``fit`` does (``reservoir >> readout`` then
        ``fit(X, Y)`` learns on X)."""
        if not (self.train and self.weights_ is None and x is not None):
            return super().run(x, iters, workers)
        if not self.initialized:
            self.initialize(x)
        series = [self._input(s) for s in (x if _many(x) else [x])]
        u = np.vstack(series)
        result = drive(self.config, self.seed, u, u, target=self.target)
        self.weights_, self.thresholds_ = result.params.w.copy(), result.params.v_th.copy()
        states = np.split(result.run.states, np.cumsum([len(s) for s in series])[:-1])
        self.state = {"out": states[-1][-1]}
        if not _many(x):
            return states[0]
        return np.stack(states) if isinstance(x, np.ndarray) else states

    def _step(self, state, x):
        raise InputError("HRSNNNode: a spiking reservoir runs whole sequences; call run(x) with x of shape "
                         "(timesteps, input_dim)")

    def _input(self, x) -> np.ndarray:
        return encoding.reservoir_input(self.config.input, np.atleast_2d(np.asarray(x, dtype=float)))

    def _run(self, state, x):
        states = drive(self.config, self.seed, [], self._input(x), weights=self.weights_, thresholds=self.thresholds_,
                       target=self.target).run.states
        return {"out": states[-1]}, states


def _many(x) -> bool:
    """A list of sequences, or a 3-D array of them."""
    return isinstance(x, (list, tuple)) or (isinstance(x, np.ndarray) and x.ndim == 3)
