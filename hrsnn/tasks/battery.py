"""A battery of temporal tasks on one i.i.d. input stream, generated offline, and its scoring.

Every task is a target series computed from the input u(t) ~ U(−1, 1); a reservoir is run once on u and a
linear readout is fitted per task. Families (``FAMILIES``), each with a parameter:

- ``recall``: u(t − k), k = 1 … 50 (Jaeger's memory capacity is the sum of these scores);
- ``legendre``: P_d(u(t − k)), Legendre polynomial of degree d = 2 … 5 at lag k = 0 … 19 (orthogonal to every
  linear function of u under the uniform law: the information-processing-capacity family of Dambre et al. 2012);
- ``product``: u(t − i) · u(t − j), 0 ≤ i < j ≤ 9;
- ``narma``: NARMA-n, n = 2 … 31, driven by v = (u + 1)/4 ∈ [0, 0.5]: y(t+1) = 0.3 y(t) + c_n y(t) Σ_{i<n} y(t−i)
  + 1.5 v(t−n+1) v(t) + 0.1 with c_n = 0.05 · min(1, 10/n) (the NARMA-10 coefficients, the sum's weight scaled
  down for longer orders so that the series stays bounded);
- ``chaos``: each offline generator of ``hrsnn.tasks.datasets`` but NARMA-10 drives the reservoir itself, and the
  readout predicts it ``CHAOS_HORIZONS`` steps ahead (a run per generator; every channel, scores averaged);
- ``classify``: the ``CLASSIFY_SETS`` classification sets, scored by test accuracy (a run per set).

A task's score is corr²(target, readout) on the held-out last ``test_fraction`` of the steps (0 … 1; for recall it
is Jaeger's MC_k), or a classification set's test accuracy. 247 tasks in all, 205 on the i.i.d. stream.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..measure.capacity import DEGREES, LAGS, PRODUCT_LAGS, lag, legendre_target, product_target

STREAM_FAMILIES = ("recall", "legendre", "product", "narma")
"""Families whose targets are functions of the one i.i.d. input stream."""
FAMILIES = (*STREAM_FAMILIES, "chaos", "classify")
CHAOS_HORIZONS = (1, 3, 10)
CLASSIFY_SETS = ("GunPoint", "ItalyPowerDemand", "BasicMotions")


def chaos_generators() -> list[str]:
    from .datasets import series_names
    return [n for n in series_names() if n != "narma10"]


@dataclass(frozen=True)
class Task:
    family: str
    param: tuple[int, ...]

    @property
    def name(self) -> str:
        return f"{self.family}[{','.join(map(str, self.param))}]"


def tasks(families=FAMILIES) -> list[Task]:
    """The battery's tasks of ``families``, in a fixed order."""
    unknown = [f for f in families if f not in FAMILIES]
    if unknown or not families:
        raise InputError(f"families: unknown {unknown[0]!r}; allowed: {', '.join(FAMILIES)}" if unknown
                         else f"families: none given; allowed: {', '.join(FAMILIES)}")
    out = []
    for f in families:
        if f == "recall":
            out += [Task(f, (k,)) for k in range(1, 51)]
        elif f == "legendre":
            out += [Task(f, (d, k)) for d in DEGREES for k in LAGS]
        elif f == "product":
            out += [Task(f, (i, j)) for i in PRODUCT_LAGS for j in range(i + 1, len(PRODUCT_LAGS))]
        elif f == "narma":
            out += [Task(f, (n,)) for n in range(2, 32)]
        elif f == "chaos":
            out += [Task(f, (g, h)) for g in chaos_generators() for h in CHAOS_HORIZONS]
        else:
            out += [Task(f, (name,)) for name in CLASSIFY_SETS]
    return out


def _narma(u: np.ndarray, n: int) -> np.ndarray:
    v = (u + 1.0) / 4.0
    c = 0.05 * min(1.0, 10.0 / n)
    y = np.zeros(len(u))
    for t in range(n - 1, len(u) - 1):
        y[t + 1] = 0.3 * y[t] + c * y[t] * y[t - n + 1:t + 1].sum() + 1.5 * v[t - n + 1] * v[t] + 0.1
    return y


def target(task: Task, u: np.ndarray) -> np.ndarray:
    """The target series of a stream task (``STREAM_FAMILIES``) for the input ``u`` (T,)."""
    if task.family == "recall":
        return lag(u, task.param[0])
    if task.family == "legendre":
        return legendre_target(u, *task.param)
    if task.family == "product":
        return product_target(u, *task.param)
    return _narma(u, task.param[0])


def battery_input(n_steps: int, seed: int) -> np.ndarray:
    """The battery's input stream: n_steps i.i.d. draws of U(−1, 1) from ``seed``."""
    return np.random.default_rng(np.random.SeedSequence([seed, 19])).uniform(-1.0, 1.0, n_steps)


def chaos_series(generator: str, n_steps: int, seed: int) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """A generator's series as input (n_steps, C) and, per horizon h of ``CHAOS_HORIZONS``, its value h steps
    later (the targets)."""
    from .datasets import load_series
    far = max(CHAOS_HORIZONS)
    s, _ = load_series(generator, n_steps + far, seed=seed)
    return s[:n_steps], {h: s[h:n_steps + h] for h in CHAOS_HORIZONS}


def score(states: np.ndarray, u: np.ndarray, task_list: list[Task], washout: int = 100,
          test_fraction: float = 0.3, train_fraction: float = 1.0) -> np.ndarray:
    """corr² of each stream task's linear readout on the held-out steps: states (T, F) of a run on u (T,)."""
    return score_targets(states, np.column_stack([target(t, u) for t in task_list]), washout, test_fraction,
                         train_fraction)


def score_targets(states: np.ndarray, Y: np.ndarray, washout: int = 100, test_fraction: float = 0.3,
                  train_fraction: float = 1.0) -> np.ndarray:
    """corr² of a linear readout of ``states`` (T, F) per target column of ``Y`` (T, K) on the held-out steps.

    One ridge fit per target (penalty by generalized cross-validation per target, on standardized features) on the
    first ``train_fraction`` of the steps after ``washout`` and before the held-out ones."""
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import make_pipeline

    from ..measure.metrics import squared_correlation
    from ..measure.readouts import FeatureScaler
    from .estimators import ALPHAS
    states = np.asarray(states, dtype=float)
    if states.ndim != 2 or len(states) != len(Y):
        raise InputError(f"states: expected ({len(Y)}, F), got shape {states.shape}")
    if not 0.0 < train_fraction <= 1.0:
        raise InputError(f"train_fraction: {train_fraction!r} outside the allowed range (0, 1]")
    split = int(round(len(Y) * (1.0 - test_fraction)))
    end = washout + int(round((split - washout) * train_fraction))
    if end <= washout + 10 or len(Y) - split < 10:
        raise InputError(f"n_steps: {len(Y)} steps are too short for washout {washout}, test_fraction "
                         f"{test_fraction} and train_fraction {train_fraction}")
    fit = make_pipeline(FeatureScaler(), RidgeCV(alphas=ALPHAS, alpha_per_target=True))
    fit.fit(states[washout:end], Y[washout:end])
    return squared_correlation(Y[split:], fit.predict(states[split:]))


FLOOR = 0.005
"""A score difference smaller than this is not counted as a clear win or loss: the readout of 20 independent noise
targets from the same states scores corr² 0.0009 on average and at most 0.0033 (rate and spiking, N = 200, 3000
steps; ``tests/test_battery.py`` checks the bound)."""

TWINS = {"hrsnn": "mrsnn", "henhos": "mrsnn", "honhes": "mrsnn", "rate": "rate-hom"}
"""The homogeneous twin each heterogeneous model is compared with."""


def run_battery(model: str, config, seeds, n_steps: int = 3000, families=FAMILIES, target_: str = "auto",
                washout: int = 100, recurrent_scale: float = 1.0,
                train_fraction: float = 1.0) -> dict[str, list[float]]:
    """{task name: score per seed} of ``model`` (any harness model) on the battery. The readout sees the
    reservoir's states only (no input beside them), so a task scores what the reservoir itself holds;
    ``recurrent_scale`` multiplies the recurrent weights (``HRSNNRegressor``); the stream and chaos readouts fit on
    the first ``train_fraction`` of their training steps (the classification sets keep all their data)."""
    from ..model.seeds import check_seed
    from .estimators import MODELS, HRSNNRegressor
    if model not in MODELS:
        raise InputError(f"model: {model!r} is not one of {', '.join(MODELS)}")
    if model in ("linear", "delay-line"):
        raise InputError(f"model: {model} has no reservoir to score on the battery")
    task_list = tasks(families)
    out: dict[str, list[float]] = {t.name: [] for t in task_list}
    stream = [t for t in task_list if t.family in STREAM_FAMILIES]
    chaos = list(dict.fromkeys(t.param[0] for t in task_list if t.family == "chaos"))
    sets = [t.param[0] for t in task_list if t.family == "classify"]
    args = dict(model=model, target=target_, input_features=False, recurrent_scale=recurrent_scale)

    def states_of(u, seed):       # the reservoir's states alone (the readout target is irrelevant here)
        return HRSNNRegressor(config, seed=seed, washout=washout, **args).fit(u, u[:, 0]).run(u)[0]
    for seed in seeds:
        seed = check_seed(seed)
        if stream:
            u = battery_input(n_steps, seed)
            for t, s in zip(stream, score(states_of(u[:, None], seed), u, stream, washout, 0.3, train_fraction)):
                out[t.name].append(float(s))
        for g in chaos:
            u, ahead = chaos_series(g, n_steps, seed)
            scores = score_targets(states_of(u, seed), np.hstack(list(ahead.values())), washout, 0.3, train_fraction)
            for h, s in zip(ahead, scores.reshape(len(ahead), -1).mean(axis=1)):
                out[Task("chaos", (g, h)).name].append(float(s))
        for name in sets:
            from .cells import classify
            cell = classify(name, config=config, seed=seed, with_e=False, **args)
            out[Task("classify", (name,)).name].append(cell.score)
    return out


def compare(a: dict[str, list[float]], b: dict[str, list[float]]) -> dict:
    """Model ``a`` against ``b`` task by task (means over seeds): the share of tasks where ``a`` scores higher,
    the median relative gain (a − b)/b over tasks where b > 0.01, the tasks ``a`` wins and loses by more than
    ``FLOOR``, and the tasks where ``a`` loses most."""
    names = list(a)
    ma = np.array([np.mean(a[n]) for n in names])
    mb = np.array([np.mean(b[n]) for n in names])
    live = mb > 0.01
    gain = (ma[live] - mb[live]) / mb[live]
    order = np.argsort(ma - mb)
    return {"tasks": len(names), "wins": int((ma > mb).sum()), "win_share": float((ma > mb).mean()),
            "clear_wins": int((ma - mb > FLOOR).sum()), "clear_losses": int((mb - ma > FLOOR).sum()),
            "median_relative_gain": float(np.median(gain)) if live.any() else float("nan"),
            "total_a": float(ma.sum()), "total_b": float(mb.sum()),
            "worst": [(names[i], float(ma[i]), float(mb[i])) for i in order[:5] if ma[i] < mb[i]],
            "families": {f: (float(ma[[n.startswith(f + "[") for n in names]].sum()),
                             float(mb[[n.startswith(f + "[") for n in names]].sum()))
                         for f in FAMILIES if any(n.startswith(f + "[") for n in names)}}
