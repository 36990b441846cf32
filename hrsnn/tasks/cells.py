"""One cell of a results table: a model on a classification set or a prediction task, with one seed.

Every cell reports its score (accuracy, or NRMSE of the test steps), the spikes per test sample (per sequence
for classification, per time step for prediction), the mean rate, and, for spiking models, the reservoir's E and
MC on the memory-capacity protocol (``hrsnn.evaluate`` with the same seed).
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..errors import InputError
from ..measure.evaluate import weight_change
from ..measure.metrics import nrmse
from ..model.config import ReservoirConfig
from ..model.seeds import check_seed
from .datasets import classification_split, load_series
from .estimators import MODELS, HRSNNClassifier, HRSNNRegressor, as_sequences


@dataclass
class CellResult:
    """Outcome of one (task, dataset, model, seed) cell. ``score`` is accuracy (higher is better) or NRMSE
    (lower is better), as ``metric`` says."""

    task: str                    # "classify" or "predict"
    dataset: str
    model: str                   # row label (e.g. "hrsnn", "hrsnn-bo", "esn")
    seed: int
    metric: str                  # "accuracy" or "nrmse"
    score: float
    train_score: float
    spikes_per_sample: float     # test pass; per sequence (classify) or per step (predict)
    rate_hz: float
    E: float | None              # memory-protocol E of the spiking reservoir (None: not spiking / not asked)
    memory_capacity: float | None
    n_train: int
    n_test: int
    wall_s: float
    split: str = ""                # how train and test were separated
    config: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if d["E"] is not None and not math.isfinite(d["E"]):
            d["E"] = None
            d["extra"]["degenerate"] = True
        return d


def subset(n: int, k: int | None, seed: int) -> np.ndarray:
    """Indices of k of n samples (all when k is None), a fixed draw for the seed, in ascending order."""
    if k is None or k >= n:
        return np.arange(n)
    return np.sort(np.random.default_rng(np.random.SeedSequence([seed, 7])).choice(n, k, replace=False))


def _efficiency(estimator, with_e: bool) -> tuple[float | None, float | None, dict]:
    if not with_e:
        return None, None, {}
    result = estimator.efficiency()
    if result is None:
        return None, None, {}
    return result.E, result.memory_capacity, {"mc_per_delay": result.mc_per_delay, "rate_mc_hz": result.rate_hz,
                                              "degenerate_reason": result.reason}


def _plasticity(estimator) -> dict:
    """How far the estimator's STDP pass moved the E→E weights (``weight_change``: mean |w − w_init| / w_init;
    ``weight_std``: their final spread, in units of synapses.j_ee); empty for a model without them."""
    w = getattr(estimator, "weights_", None)
    if w is None or not len(w):
        return {}
    w_init = estimator.reservoir_config_.stdp.w_init
    return {"weight_change": weight_change(w, w_init), "weight_std": float(w.std())}


def classify(dataset: str, model: str = "hrsnn", config: ReservoirConfig | None = None, seed: int = 0,
             label: str | None = None, max_train: int | None = None, max_test: int | None = None,
             with_e: bool = True, test_dataset: str | None = None, test_fraction: float = 0.3, pool: int = 1,
             **estimator_args) -> CellResult:
    """Fit on the dataset's train split (optionally a subset), score accuracy on its test split
    (``datasets.classification_split``: the set's test file, ``test_dataset``, a ``…_TEST.ts`` sibling, or a
    seeded stratified hold-out of ``test_fraction``). A ``.h5`` spike-event file (Spiking Heidelberg Digits
    layout) runs the spiking models with ``input.encoding = "events"``, its spikes binned at ``input.step`` and
    ``pool`` channels summed; spikes per sample count the reservoir's spikes only."""
    if model not in MODELS:
        raise InputError(f"model: {model!r} is not one of {', '.join(MODELS)}")
    seed = check_seed(seed)
    start = time.perf_counter()
    config = config or ReservoirConfig()
    if str(dataset).endswith(".h5"):        # spike events: the reservoir takes them as input spikes
        config = config.with_updates({"input.encoding": "events"})
    X_train, y_train, X_test, y_test, split = classification_split(dataset, test_dataset, seed, test_fraction,
                                                                   config.input.step, pool)
    X_train, X_test = as_sequences(X_train, "train"), as_sequences(X_test, "test")
    tr, te = subset(len(X_train), max_train, seed), subset(len(X_test), max_test, seed)
    X_train, y_train = [X_train[i] for i in tr], y_train[tr]
    X_test, y_test = [X_test[i] for i in te], y_test[te]
    clf = HRSNNClassifier(config, model=model, seed=seed, **estimator_args).fit(X_train, y_train)
    features, activity = clf.run(X_test)
    accuracy = float((clf.readout_.predict(features) == y_test).mean())
    E, mc, extra = _efficiency(clf, with_e)
    extra.update(_plasticity(clf))
    if clf.reservoir_config_.input.encoding == "events":    # reported apart from the reservoir's spikes
        extra["input_spikes_per_sample"] = float(sum(x.sum() for x in X_test) / len(X_test))
    return CellResult("classify", dataset, label or model, seed, "accuracy", accuracy, clf.train_score_,
                      activity.spikes_per_sample, activity.rate_hz, E, mc, len(X_train), len(X_test),
                      time.perf_counter() - start, split, clf.reservoir_config_.to_dict(), extra)


def prediction_split(name: str, n_steps: int, horizon: int = 1, test_fraction: float = 0.3, washout: int = 100,
                     seed: int = 0, **kwargs):
    """(X_train, y_train, X_test, y_test) of a prediction task; X_test starts ``washout`` steps before the test
    targets (the end of the training input), so the reservoir is warmed up when scoring begins."""
    if not 0.0 < test_fraction < 1.0:
        raise InputError(f"test_fraction: {test_fraction!r} outside (0, 1)")
    u, y = load_series(name, n_steps, seed=seed, horizon=horizon, **kwargs)
    return split_series(u, y, test_fraction, washout, "n_steps")


def split_series(u: np.ndarray, y: np.ndarray, test_fraction: float, washout: int, field: str):
    """(u_train, y_train, u_test, y_test): the last ``test_fraction`` of the steps for test, its input starting
    ``washout`` steps early; an InputError naming ``field`` when the series is too short for that."""
    split = int(round(len(u) * (1.0 - test_fraction)))
    if split <= washout + 1 or len(u) - split < 2:
        raise InputError(f"{field}: {len(u)} steps are too short for washout {washout} and a held-out share of "
                         f"{test_fraction}")
    return u[:split], y[:split], u[split - washout:], y[split:]


def predict(task: str, model: str = "hrsnn", config: ReservoirConfig | None = None, seed: int = 0,
            label: str | None = None, n_steps: int = 3000, horizon: int = 1, test_fraction: float = 0.3,
            washout: int = 100, with_e: bool = True, series_args: dict | None = None,
            **estimator_args) -> CellResult:
    """Fit a regressor on the first part of the series, score NRMSE on the rest (``horizon`` steps ahead)."""
    if model not in MODELS:
        raise InputError(f"model: {model!r} is not one of {', '.join(MODELS)}")
    seed = check_seed(seed)
    start = time.perf_counter()
    X_train, y_train, X_test, y_test = prediction_split(task, n_steps, horizon, test_fraction, washout, seed,
                                                        **(series_args or {}))
    reg = HRSNNRegressor(config, model=model, seed=seed, washout=washout, **estimator_args).fit(X_train, y_train)
    prediction, activity = reg.predict_run(X_test)
    score = nrmse(y_test, prediction[washout:])
    E, mc, extra = _efficiency(reg, with_e)
    extra.update(horizon=horizon, **_plasticity(reg))
    return CellResult("predict", task, label or model, seed, "nrmse", score, reg.train_nrmse_,
                      activity.spikes_per_sample, activity.rate_hz, E, mc, len(X_train), len(y_test),
                      time.perf_counter() - start, f"first {len(X_train)} steps for training, last {len(y_test)} "
                      f"for test", reg.reservoir_config_.to_dict(), extra)
