"""scikit-learn estimators on reservoir features: ``HRSNNClassifier`` (one label per sequence) and
``HRSNNRegressor`` (one target per time step).

``model`` chooses what produces the features, so every baseline of a study runs in the same harness:

- ``hrsnn`` the spiking reservoir of ``config`` as given (heterogeneous neurons and STDP by default);
- ``mrsnn``, ``henhos``, ``honhes`` its ablations (homogeneous neurons and STDP; heterogeneous neurons with
  homogeneous STDP; homogeneous neurons with heterogeneous STDP), each with constants of the same means;
- ``esn`` a ``reservoirpy`` echo-state network with as many units as the spiking reservoir has neurons;
- ``rate`` / ``rate-hom`` reservoirpy leaky-integrator reservoirs whose per-unit leak is dt/τ with the spiking
  reservoir's own τ_m sample / its mean (``hrsnn.sim.rate``); ``rpy-lif`` reservoirpy's discrete-time LIF node;
- ``linear`` no reservoir: the readout sees the (scaled) input itself, a floor for the others;
- ``delay-line`` no reservoir: the readout sees the last ``DELAY_TAPS`` inputs u(t), …, u(t − 9): perfect linear
  memory of ten steps and no nonlinearity, what precise short memory alone buys.

Spiking models run the unsupervised STDP phase on the training inputs on ``fit``, freeze the weights, then read
filtered spike traces (``config.states``) once per input step. Sequences of a set are played one after the
other with ``gap`` rest steps (u = 0) between them. With ``input_features`` (the default) the readout sees the
scaled input beside the states (as an ESN readout usually does), so a reservoir adds to the linear floor instead of
having to carry the input through its spikes. Features of a sequence are its states averaged over
``n_bins`` equal time segments; the readout is a ridge classifier / regressor on standardised features with the
penalty chosen by leave-one-out cross-validation from ``alphas`` (standardisation floored so that a feature
that barely varied in training cannot dominate at test time, see ``readouts.FeatureScaler``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.linear_model import RidgeClassifierCV, RidgeCV
from sklearn.pipeline import make_pipeline
from sklearn.utils.validation import check_is_fitted

from ..errors import ConfigError, InputError, RunawayError
from ..measure.blockridge import BlockRidgeCV, predict_blocks
from ..measure.metrics import nrmse
from ..measure.readouts import FeatureScaler
from ..model import encoding
from ..model.config import ABLATIONS, ReservoirConfig
from ..model.seeds import check_seed
from ..sim.drive import drive
from ..sim.states import BLOCK_BYTES

SPIKING = {"hrsnn": "HRSNN", "mrsnn": "MRSNN", "henhos": "HeNHoS", "honhes": "HoNHeS"}
OUTSIDE = ("esn", "rate", "rate-hom", "rpy-lif")      # reservoirpy networks: an ESN, rate reservoirs, its LIF node
MODELS = (*SPIKING, *OUTSIDE, "linear", "delay-line")
DELAY_TAPS = 10
ALPHAS = tuple(10.0 ** np.arange(-2.0, 6.5, 0.5))
# reservoirpy ESN baseline: spectral radius, leak rate, input scaling, sparsity of recurrent and input weights
ESN_PARAMS = dict(sr=0.9, lr=0.3, input_scaling=1.0, rc_connectivity=0.1, input_connectivity=0.5)


def model_config(model: str, config: ReservoirConfig) -> ReservoirConfig:
    """The reservoir config a spiking ``model`` runs: ``config`` itself or one of its ablations."""
    if model not in SPIKING:
        raise ConfigError(f"model: {model!r} is not a spiking model ({', '.join(SPIKING)})")
    return config.homogeneous(**ABLATIONS[SPIKING[model]])


def as_sequences(X, name: str = "X") -> list[np.ndarray]:
    """Sequences as a list of (T_i, C) float arrays, from a 2-D array (n, T) of univariate sequences, a 3-D
    array (n, T, C), or a list of (T_i,) / (T_i, C) arrays. Every sequence needs T_i ≥ 1 and the same C."""
    if isinstance(X, np.ndarray) and X.dtype != object:
        if X.ndim == 2:
            X = X[:, :, None]
        if X.ndim != 3:
            raise InputError(f"{name}: expected (n, T), (n, T, C) or a list of (T, C) arrays, got shape {X.shape}")
    try:
        seqs = [np.asarray(x, dtype=float) for x in X]
    except (TypeError, ValueError) as e:
        raise InputError(f"{name}: sequences must be numeric arrays ({e})") from None
    if not seqs:
        raise InputError(f"{name}: no sequences")
    seqs = [x[:, None] if x.ndim == 1 else x for x in seqs]
    for k, x in enumerate(seqs):
        if x.ndim != 2 or len(x) == 0:
            raise InputError(f"{name}[{k}]: expected a (T,) or (T, C) array with T >= 1, got shape {x.shape}")
        if x.shape[1] != seqs[0].shape[1]:
            raise InputError(f"{name}[{k}]: {x.shape[1]} channels, the first sequence has {seqs[0].shape[1]}")
        if not np.all(np.isfinite(x)):
            raise InputError(f"{name}[{k}]: contains NaN or infinite values")
    return seqs


def _as_series(X, name: str = "X") -> np.ndarray:
    arr = np.asarray(X, dtype=float)
    arr = arr[:, None] if arr.ndim == 1 else arr
    if arr.ndim != 2 or len(arr) == 0:
        raise InputError(f"{name}: expected a series of shape (T,) or (T, C) with T >= 1, got {np.shape(X)}")
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{name}: contains NaN or infinite values")
    return arr


def _check_int(name: str, value, lo: int, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
        raise ConfigError(f"{name}: expected an integer >= {lo}{' or None' if allow_none else ''}, got {value!r}")


@dataclass
class Activity:
    """Spiking activity of one pass over a set of inputs (zero for the non-spiking models)."""

    spikes: int
    spikes_per_sample: float      # spikes per sequence (classification) or per time step (regression)
    rate_hz: float                # mean rate per neuron over the simulated time, Hz
    wall_s: float


class _ReservoirEstimator(BaseEstimator):
    """Shared parts: parameter checks, input scaling, reservoir passes (spiking, ESN or none)."""

    def _check_params(self) -> None:
        if self.model not in MODELS:
            raise ConfigError(f"model: {self.model!r} is not one of {', '.join(MODELS)}")
        if self.config is not None and not isinstance(self.config, ReservoirConfig):
            raise ConfigError(f"config: expected a ReservoirConfig or None, got {type(self.config).__name__}")
        check_seed(self.seed)
        if not isinstance(self.input_features, bool):
            raise ConfigError(f"input_features: expected true or false, got {self.input_features!r}")
        scale = self.recurrent_scale
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 <= scale < float("inf"):
            raise ConfigError(f"recurrent_scale: {scale!r} outside the allowed range [0, inf)")
        rate = self.max_rate
        if rate is not None and (isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 < rate < np.inf):
            raise ConfigError(f"max_rate: {rate!r} outside the allowed range (0, inf) Hz (or None: no limit)")
        if not self.alphas or not all(np.isfinite(a) and a > 0 for a in self.alphas):
            raise ConfigError(f"alphas: expected positive ridge penalties, got {self.alphas!r}")

    @property
    def reservoir_config_(self) -> ReservoirConfig:
        """The config of the spiking reservoir this model runs (its size also sets the ESN's)."""
        base = self.config or ReservoirConfig()
        if self.recurrent_scale != 1:
            sc = base.synapses
            base = base.with_updates({f"synapses.j_{p}": getattr(sc, f"j_{p}") * self.recurrent_scale
                                      for p in ("ee", "ei", "ie", "ii")})
        return model_config(self.model, base) if self.model in SPIKING else base

    def _fit_scaling(self, seqs: list[np.ndarray]) -> None:
        if self.reservoir_config_.input.encoding == "events":     # spike counts enter as they are
            self.input_mean_, self.input_scale_ = np.zeros(seqs[0].shape[1]), np.ones(seqs[0].shape[1])
            return
        stacked = np.vstack(seqs)
        self.input_mean_ = stacked.mean(axis=0)
        std = stacked.std(axis=0)
        self.input_scale_ = np.where(std > 0, 2.0 * std, 1.0)

    def _scaled(self, x: np.ndarray) -> np.ndarray:
        """Each channel to u = (x − mean)/(2 std) of the training data (not clipped: see ``_passes``)."""
        if x.shape[1] != len(self.input_mean_):
            raise InputError(f"X: {x.shape[1]} channels, fitted on {len(self.input_mean_)}")
        return (x - self.input_mean_) / self.input_scale_

    def _passes(self, seqs: list[np.ndarray], gap: int, train: bool) -> tuple[list[np.ndarray], Activity]:
        """Features (T_i, F) of each scaled sequence — the reservoir's states, and the input itself with
        ``input_features`` — and the activity of the pass. Only a spiking reservoir's drive is clipped to
        [-1, 1] (a bounded current or rate); the readouts and the rate networks see u as it is, since clipping the
        ~5 % of values beyond 2 std costs them precision (Lorenz: the ESN's NRMSE 0.005 → 0.011)."""
        if self.model == "linear":
            return seqs, Activity(0, 0.0, 0.0, 0.0)
        if self.model == "delay-line":
            return [_taps(x, DELAY_TAPS) for x in seqs], Activity(0, 0.0, 0.0, 0.0)
        states, activity = (self._node_states(seqs) if self.model in OUTSIDE
                            else self._spiking_states([encoding.reservoir_input(self.reservoir_config_.input, x)
                                                       for x in seqs], gap, train))
        if self.input_features:
            states = [np.hstack([s, x]) for s, x in zip(states, seqs)]
        return states, activity

    def _spiking_run(self, seqs: list[np.ndarray], gap: int, train: bool):
        """One pass of the spiking reservoir over the sequences, each after ``gap`` rest steps: the frozen run, each
        sequence's rows in it (start, end) and the activity; with ``train`` it first learns (STDP, and intrinsic
        plasticity if enabled) on the same sequences and keeps its weights in ``weights_``, its thresholds (mV) in
        ``thresholds_``."""
        cfg = self.reservoir_config_
        channels = seqs[0].shape[1]
        u = np.vstack([np.vstack([np.zeros((gap, channels)), x]) for x in seqs])
        budget = None if self.max_rate is None else int(self.max_rate * cfg.n_neurons * len(u) * cfg.input.step * 1e-3)
        if train:
            result = drive(cfg, self.seed, u, u, target=self.target, progress=self.progress, max_eval_spikes=budget,
                           max_train_spikes=budget)
            self.weights_, self.thresholds_ = result.params.w.copy(), result.params.v_th.copy()
        else:
            result = drive(cfg, self.seed, [], u, weights=self.weights_, thresholds=self.thresholds_,
                           target=self.target, progress=self.progress, max_eval_spikes=budget)
        run = result.run
        for phase, name in ((result.train, "STDP"), (run, "frozen")):
            if budget is not None and phase is not None and phase.n_spikes > budget:
                raise RunawayError(f"runaway: the {name} pass's {phase.n_spikes} spikes exceed max_rate "
                                   f"{self.max_rate:g} Hz over its {len(u)} steps")
        ends = np.cumsum([len(x) + gap for x in seqs])
        spans = [(int(end) - len(x), int(end)) for end, x in zip(ends, seqs)]
        rate = run.n_spikes / (cfg.n_neurons * run.duration)
        return run, spans, Activity(run.n_spikes, run.n_spikes / len(seqs), rate, run.wall_s)

    def _spiking_states(self, seqs: list[np.ndarray], gap: int, train: bool) -> tuple[list[np.ndarray], Activity]:
        """The spiking reservoir's states per sequence (see ``_spiking_run``)."""
        run, spans, activity = self._spiking_run(seqs, gap, train)
        return [run.states[a:b] for a, b in spans], activity

    def _node_states(self, seqs: list[np.ndarray]) -> tuple[list[np.ndarray], Activity]:
        """States of a reservoirpy network (``OUTSIDE``), every sequence from the zero state; the LIF node's spikes
        are counted and filtered like the spiking reservoir's."""
        import time

        from reservoirpy.nodes import Reservoir

        from ..sim.rate import lif_reservoir, rate_reservoir, spike_traces
        start = time.perf_counter()
        cfg = self.reservoir_config_
        scale = self.recurrent_scale
        node = (Reservoir(cfg.n_neurons, seed=self.seed, **{**ESN_PARAMS, "sr": ESN_PARAMS["sr"] * scale})
                if self.model == "esn" else lif_reservoir(cfg, self.seed, scale) if self.model == "rpy-lif" else
                rate_reservoir(cfg, self.seed, self.model == "rate", scale))
        states, spikes = [], 0
        for x in seqs:
            out = np.asarray(node.run(x))
            node.reset()
            if self.model == "rpy-lif":
                spikes += int(out.sum())
                out = spike_traces(out, cfg)
            states.append(out)
        steps = sum(len(x) for x in seqs)
        rate = spikes / (cfg.n_neurons * steps * cfg.input.step * 1e-3)
        return states, Activity(spikes, spikes / len(seqs), rate, time.perf_counter() - start)

    def efficiency(self):
        """E of this model's spiking reservoir on the memory-capacity protocol (``hrsnn.evaluate`` with the
        same seed); None for the ESN and linear models, which do not spike, and for event input (the memory
        protocol's input is analog)."""
        if self.model not in SPIKING or self.reservoir_config_.input.encoding == "events":
            return None
        from ..measure.evaluate import evaluate
        return evaluate(self.reservoir_config_, seed=self.seed, target=self.target)


class HRSNNClassifier(ClassifierMixin, _ReservoirEstimator):
    """Sequence classifier: reservoir states pooled over ``n_bins`` time segments, then a ridge classifier.

    Parameters
    ----------
    config : ReservoirConfig or None
        The spiking reservoir (default ``ReservoirConfig()``); ablations are derived from it.
    model : str
        One of ``MODELS`` (see the module docstring).
    seed : int
        Seeds the reservoir's every random draw (wiring, parameters, input weights).
    n_bins : int
        Equal time segments over which states are averaged (features = n_bins × neurons).
    gap : int
        Rest steps (u = 0) played before each sequence, so activity relaxes between samples.
    length : int or None
        Resample every sequence to this many steps (linear interpolation); None keeps the lengths.
    alphas : tuple of float
        Ridge penalties tried (leave-one-out cross-validation on the training set).
    input_features : bool
        Give the readout the scaled input beside the reservoir's states (default True).
    recurrent_scale : float
        Multiplies the recurrent weights (spiking: every synaptic jump j_xy; reservoirpy networks: the spectral
        radius); 0 removes the recurrence. In [0, inf).
    target : str
        Simulation target ("auto", "numba", "standalone", "cython", "numpy"); all give the same spikes.
    max_rate : float or None
        Mean rate (Hz per neuron) a spiking pass may not exceed: a pass past it raises ``RunawayError`` (the numba
        target stops it as soon as its spikes exceed that rate over the pass). None (default): no limit.
    """

    def __init__(self, config: ReservoirConfig | None = None, model: str = "hrsnn", seed: int = 0,
                 n_bins: int = 3, gap: int = 10, length: int | None = None, alphas: tuple = ALPHAS,
                 target: str = "auto", progress: bool = False, input_features: bool = True,
                 recurrent_scale: float = 1.0, max_rate: float | None = None):
        self.config = config
        self.model = model
        self.seed = seed
        self.n_bins = n_bins
        self.gap = gap
        self.length = length
        self.alphas = alphas
        self.target = target
        self.progress = progress
        self.input_features = input_features
        self.recurrent_scale = recurrent_scale
        self.max_rate = max_rate

    def _prepare(self, X) -> list[np.ndarray]:
        seqs = as_sequences(X)
        if self.length is not None:
            seqs = [_resample(x, self.length) for x in seqs]
        return [self._scaled(x) for x in seqs]

    def _features(self, seqs: list[np.ndarray], train: bool) -> tuple[np.ndarray, Activity]:
        if self.model not in SPIKING:
            states, activity = self._passes(seqs, self.gap, train)
            return np.stack([_pool(s, self.n_bins) for s in states]), activity
        # the spiking reservoir's states are pooled a block of neurons at a time, never held whole
        cfg = self.reservoir_config_
        run, spans, activity = self._spiking_run([encoding.reservoir_input(cfg.input, x) for x in seqs], self.gap,
                                                 train)
        segments = np.array([ab for a, b in spans for ab in _bins(a, b, self.n_bins)])
        pooled = np.zeros((len(seqs), self.n_bins, cfg.n_neurons))
        block_bytes = max(BLOCK_BYTES, 8 * run.n_steps * POOL_COLUMNS)
        for neurons, X in run.column_blocks(block_bytes):
            means = _segment_means(X, segments[:, 0], segments[:, 1])
            pooled[:, :, neurons] = means.reshape(len(seqs), self.n_bins, -1)
        if self.input_features:          # as _passes: the scaled input beside the states, pooled alike
            inputs = np.stack([_pool(x, self.n_bins).reshape(self.n_bins, -1) for x in seqs])
            pooled = np.concatenate([pooled, inputs], axis=2)
        return pooled.reshape(len(seqs), -1), activity

    def fit(self, X, y) -> HRSNNClassifier:
        """Learn (STDP) on the training sequences X, then fit the readout to their labels y."""
        self._check_params()
        _check_int("n_bins", self.n_bins, 1)
        _check_int("gap", self.gap, 0)
        _check_int("length", self.length, 2, allow_none=True)
        seqs = as_sequences(X)
        y = np.asarray(y)
        if y.ndim != 1 or len(y) != len(seqs):
            raise InputError(f"y: expected {len(seqs)} labels (one per sequence), got shape {y.shape}")
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise InputError(f"y: need at least 2 classes, got {len(self.classes_)}")
        if self.length is not None:
            seqs = [_resample(x, self.length) for x in seqs]
        self.n_channels_ = seqs[0].shape[1]
        self._fit_scaling(seqs)
        features, self.activity_ = self._features([self._scaled(x) for x in seqs], train=True)
        self.readout_ = make_pipeline(FeatureScaler(), RidgeClassifierCV(alphas=self.alphas)).fit(features, y)
        self.train_score_ = float(self.readout_.score(features, y))
        return self

    def transform(self, X) -> np.ndarray:
        """Pooled reservoir features (n_sequences × n_bins·F) of X through the trained, frozen reservoir."""
        return self.run(X)[0]

    def run(self, X) -> tuple[np.ndarray, Activity]:
        """Features of X and the activity (spikes per sequence, mean rate) of that pass."""
        check_is_fitted(self, "readout_")
        return self._features(self._prepare(X), train=False)

    def predict(self, X) -> np.ndarray:
        features = self.transform(X)
        return self.readout_.predict(features)


class HRSNNRegressor(RegressorMixin, _ReservoirEstimator):
    """Time-step regressor (forecasting, NARMA): the reservoir's state at step t → target at step t.

    ``X`` is one series (T,) or (T, C), ``y`` its targets (T,) or (T, D). ``washout`` first steps of every pass
    are left out of the readout's fit (the reservoir starts from rest). Other parameters as
    ``HRSNNClassifier``.
    """

    def __init__(self, config: ReservoirConfig | None = None, model: str = "hrsnn", seed: int = 0,
                 washout: int = 100, alphas: tuple = ALPHAS, target: str = "auto", progress: bool = False,
                 input_features: bool = True, recurrent_scale: float = 1.0, max_rate: float | None = None):
        self.config = config
        self.model = model
        self.seed = seed
        self.washout = washout
        self.alphas = alphas
        self.target = target
        self.progress = progress
        self.input_features = input_features
        self.recurrent_scale = recurrent_scale
        self.max_rate = max_rate

    def fit(self, X, y) -> HRSNNRegressor:
        self._check_params()
        _check_int("washout", self.washout, 0)
        x = _as_series(X)
        y = np.asarray(y, dtype=float)
        if len(y) != len(x) or y.ndim not in (1, 2):
            raise InputError(f"y: expected {len(x)} targets (one per step of X), got shape {y.shape}")
        if not np.all(np.isfinite(y)):
            raise InputError("y: contains NaN or infinite values")
        if len(x) <= self.washout + 1:
            raise InputError(f"X: {len(x)} steps, need more than washout = {self.washout} + 1")
        self.n_channels_ = x.shape[1]
        self._fit_scaling([x])
        w = self.washout
        if self._streamed(len(x) - w):
            blocks, self.activity_ = self._blocks(x, train=True)
            fitted = BlockRidgeCV(self.alphas).fit(lambda: blocks(w), self._n_features, y[w:])
            self.readout_ = fitted.pipeline()
            self.train_nrmse_ = nrmse(y[w:], fitted.predict(lambda: blocks(w)))
            return self
        (states,), self.activity_ = self._passes([self._scaled(x)], 0, train=True)
        self.activity_.spikes_per_sample = self.activity_.spikes / len(x)
        self.readout_ = make_pipeline(FeatureScaler(), RidgeCV(alphas=self.alphas)).fit(states[w:], y[w:])
        self.train_nrmse_ = nrmse(y[w:], self.readout_.predict(states[w:]))
        return self

    @property
    def _n_features(self) -> int:
        return self.reservoir_config_.n_neurons + (self.n_channels_ if self.input_features else 0)

    def _streamed(self, rows: int) -> bool:
        """A spiking reservoir with no more rows than features is read a block of neurons at a time (the dual form:
        the readout needs only the rows' Gram matrix), so no T × N state array is made."""
        return self.model in SPIKING and rows <= self._n_features

    def _blocks(self, x: np.ndarray, train: bool):
        """One pass over the series; returns ``blocks(first)``, the features of rows first … T−1 a block of columns
        at a time (neurons, then the scaled input), and the activity."""
        cfg = self.reservoir_config_
        scaled = self._scaled(x)
        run, _, activity = self._spiking_run([encoding.reservoir_input(cfg.input, scaled)], 0, train)
        activity.spikes_per_sample = activity.spikes / len(x)
        inputs = np.arange(cfg.n_neurons, cfg.n_neurons + x.shape[1])

        def blocks(first: int):
            for neurons, X in run.column_blocks():
                yield neurons, X[first:]
            if self.input_features:
                yield inputs, scaled[first:]
        return blocks, activity

    def run(self, X) -> tuple[np.ndarray, Activity]:
        """States (T × F) of X through the trained, frozen reservoir and the activity (spikes per step)."""
        check_is_fitted(self, "readout_")
        (states,), activity = self._passes([self._scaled(_as_series(X))], 0, train=False)
        activity.spikes_per_sample = activity.spikes / len(states)
        return states, activity

    def predict_run(self, X) -> tuple[np.ndarray, Activity]:
        """Predictions for X and the activity of that pass; a reservoir with no more steps than features is read a
        block of neurons at a time (never its whole T × N states)."""
        check_is_fitted(self, "readout_")
        x = _as_series(X)
        if not self._streamed(len(x)):
            states, activity = self.run(x)
            return self.readout_.predict(states), activity
        blocks, activity = self._blocks(x, train=False)
        scaler, ridge = self.readout_[0], self.readout_[-1]
        out = predict_blocks(lambda: blocks(0), scaler.mean_, scaler.scale_, np.atleast_2d(ridge.coef_).T,
                             np.atleast_1d(ridge.intercept_))
        return (out[:, 0] if np.ndim(ridge.coef_) == 1 else out), activity

    def predict(self, X) -> np.ndarray:
        return self.predict_run(X)[0]


def _taps(x: np.ndarray, k: int) -> np.ndarray:
    """(T, C) → (T, k·C): u(t), u(t − 1), …, u(t − k + 1) side by side, zeros before the sequence starts."""
    lags = [min(j, len(x)) for j in range(k)]                  # a sequence shorter than k: all zeros beyond it
    return np.hstack([np.vstack([np.zeros((j, x.shape[1])), x[:len(x) - j]]) for j in lags])


def _resample(x: np.ndarray, length: int) -> np.ndarray:
    """(T, C) → (length, C) by linear interpolation over normalised time."""
    if len(x) == length:
        return x
    src, dst = np.linspace(0.0, 1.0, len(x)), np.linspace(0.0, 1.0, length)
    return np.stack([np.interp(dst, src, x[:, c]) for c in range(x.shape[1])], axis=1)


def _bins(start: int, end: int, n_bins: int) -> list[tuple[int, int]]:
    """Rows [a, b) of each of ``n_bins`` equal time segments of rows [start, end) (a segment of a short sequence
    may reuse the nearest step)."""
    t = end - start
    edges = np.linspace(0, t, n_bins + 1)
    out = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        a = min(int(np.floor(lo)), t - 1)
        out.append((start + a, start + max(int(np.ceil(hi)), a + 1)))
    return out


def _pool(states: np.ndarray, n_bins: int) -> np.ndarray:
    """Mean state over each of ``n_bins`` equal time segments (``_bins``), flattened."""
    return np.concatenate([states[a:b].mean(axis=0) for a, b in _bins(0, len(states), n_bins)])


POOL_COLUMNS = 32
"""Fewest neurons per block when the classifier pools states a block at a time (long passes: few columns each)."""


@njit(cache=True)
def _segment_means(X, lo, hi):
    """Column means of X over rows [lo[s], hi[s]) for each segment s, summed row by row as numpy's mean."""
    out = np.zeros((len(lo), X.shape[1]))
    for s in range(len(lo)):
        for r in range(lo[s], hi[s]):
            for c in range(X.shape[1]):
                out[s, c] += X[r, c]
        for c in range(X.shape[1]):
            out[s, c] /= hi[s] - lo[s]
    return out
