"""The trial functions: what a trial runs, in a worker process: the memory protocol on every seed, or a task's
validation split; and a picked config's test split. A search runs its trials through ``until_degenerate``, which
stops at the first degenerate seed; re-evaluations on fresh seeds run every seed.

A task objective never sees test data: a classification trial fits on part of the set's *training* split and
scores accuracy on the rest of it (a stratified hold-out of ``validation``, drawn from the trial's seed); a
prediction trial fits on the first part of the series' training steps and scores NRMSE on their last
``validation`` share. The test split is used once, on the configs a study finally picks (``score_on_test``). Every
trial records its error (1 − accuracy, or NRMSE) and its spikes per sample; ``scalar`` turns the two into the
value the optimizer minimizes.
"""
from __future__ import annotations

import importlib
from functools import partial
from typing import TYPE_CHECKING, Callable

import numpy as np

from hrsnn import ReservoirConfig, evaluate

from ..search.checks import StudyError

if TYPE_CHECKING:
    from ..search.study import Study


def evaluate_trial(config: dict, seeds: list[int], target: str = "auto") -> list[dict]:
    """The default trial: ``hrsnn.evaluate`` on every seed (runs in a worker process)."""
    cfg = ReservoirConfig.from_dict(config)
    out = []
    for seed in seeds:
        d = evaluate(cfg, seed=seed, target=target).to_dict()
        d.pop("config")
        out.append(d)
    return out


def rate_trial(config: dict, seeds: list[int], target: str = "auto", heterogeneous: bool = True) -> list[dict]:
    """The memory protocol on the rate reservoir (``hrsnn.evaluate_rate``) on every seed: MC, no spikes."""
    from hrsnn import evaluate_rate
    cfg = ReservoirConfig.from_dict(config)
    return [{k: v for k, v in evaluate_rate(cfg, seed, heterogeneous).to_dict().items() if k != "config"}
            for seed in seeds]


def _activity(config, seed: int, score: float, error: float, activity, spiking: bool = True) -> dict:
    rate = activity.rate_hz
    reason = ("silent: no spikes" if spiking and activity.spikes == 0 else
              f"runaway: mean rate {rate:.1f} Hz > task.max_rate {config.task.max_rate:g} Hz"
              if rate > config.task.max_rate else "")
    return {"seed": seed, "score": score, "error": error, "spikes_per_sample": activity.spikes_per_sample,
            "rate_hz": rate, "spikes": activity.spikes, "E": None, "memory_capacity": None,
            "degenerate": bool(reason), "reason": reason}


def task_trial(config: dict, seeds: list[int], target: str = "auto", task: dict | None = None) -> list[dict]:
    """A trial scored on ``task``'s validation split (runs in a worker process): one dict per seed."""
    return _over_seeds(_validation_score, config, seeds, target, task)


def score_on_test(config: dict, seeds: list[int], target: str = "auto", task: dict | None = None) -> list[dict]:
    """The test split, used once, for a config a study picked: one dict per seed (score, error, spikes)."""
    return _over_seeds(_test_score, config, seeds, target, task)


def _over_seeds(one: Callable, config: dict, seeds: list[int], target: str, task: dict) -> list[dict]:
    cfg = ReservoirConfig.from_dict(config)
    return [one(cfg, seed, task, task.get("model", "hrsnn"), target) for seed in seeds]


def _validation_score(cfg: ReservoirConfig, seed: int, task: dict, model: str, target: str) -> dict:
    """Fit on the training split less a hold-out, score on the hold-out (classification: a stratified share of
    ``validation``; prediction: the last ``validation`` share of the training steps). A pass past
    ``task.max_rate`` stops there: the trial is degenerate (runaway)."""
    from hrsnn.errors import RunawayError
    try:
        return _validation_run(cfg, seed, task, model, target)
    except RunawayError as e:
        return {"seed": seed, "score": None, "error": None, "spikes_per_sample": None, "rate_hz": None,
                "spikes": None, "E": None, "memory_capacity": None, "degenerate": True,
                "reason": f"{e} (stopped early)"}


def _validation_run(cfg: ReservoirConfig, seed: int, task: dict, model: str, target: str) -> dict:
    from hrsnn import HRSNNClassifier, HRSNNRegressor, nrmse
    from hrsnn.tasks.cells import prediction_split, split_series, subset
    from hrsnn.tasks.datasets import classification_split, holdout
    from hrsnn.tasks.estimators import as_sequences
    if task["kind"] == "classify":
        X, y, _, _, _ = classification_split(task["dataset"], seed=0)
        Xf, yf, Xv, yv, _ = holdout(as_sequences(X), np.asarray(y), seed, task["validation"], task["dataset"])
        keep = subset(len(Xf), task["max_train"], seed)
        Xf, yf = [Xf[i] for i in keep], yf[keep]
        clf = HRSNNClassifier(cfg, model=model, seed=seed, n_bins=task["n_bins"], target=target,
                              max_rate=cfg.task.max_rate).fit(Xf, yf)
        features, activity = clf.run(Xv)
        accuracy = float((clf.readout_.predict(features) == yv).mean())
        return _activity(cfg, seed, accuracy, 1.0 - accuracy, activity, model == "hrsnn")
    w = task["washout"]
    X, y, _, _ = prediction_split(task["dataset"], task["n_steps"], task["horizon"], washout=w, seed=seed)
    Xf, yf, Xv, yv = split_series(X, y, task["validation"], w, "task.n_steps")
    reg = HRSNNRegressor(cfg, model=model, seed=seed, washout=w, target=target, max_rate=cfg.task.max_rate).fit(Xf, yf)
    prediction, activity = reg.predict_run(Xv)
    error = nrmse(yv, prediction[w:])
    return _activity(cfg, seed, error, error, activity, model == "hrsnn")


def _test_score(cfg: ReservoirConfig, seed: int, task: dict, model: str, target: str) -> dict:
    from hrsnn.tasks.cells import classify, predict
    if task["kind"] == "classify":
        cell = classify(task["dataset"], model, cfg, seed=seed, with_e=False, max_train=task["max_train"],
                        n_bins=task["n_bins"], target=target)
        error = 1.0 - cell.score
    else:
        cell = predict(task["dataset"], model, cfg, seed=seed, n_steps=task["n_steps"], horizon=task["horizon"],
                       washout=task["washout"], with_e=False, target=target)
        error = cell.score
    return {"seed": seed, "score": cell.score, "error": error, "spikes_per_sample": cell.spikes_per_sample,
            "rate_hz": cell.rate_hz, "split": cell.split,
            **{k: cell.extra[k] for k in ("weight_change", "weight_std") if k in cell.extra}}


def until_degenerate(fn: Callable, config: dict, seeds: list[int], target: str = "auto") -> list[dict]:
    """A search trial: the trial function ``fn`` on one seed at a time, in order, up to the first degenerate
    result. One degenerate seed makes the trial degenerate whatever the others give, so they are not run."""
    out: list[dict] = []
    for seed in seeds:
        out += fn(config, [seed], target)
        if out[-1].get("degenerate"):
            break
    return out


def trial_function(study: Study) -> Callable:
    """``evaluate_trial`` (``rate_trial`` for a rate ``model``), the task trial of a ``[task]`` study, or the
    ``module:function`` named by the study's ``trial_function`` key."""
    spec = study.source.get("trial_function")
    if not spec:
        if study.task is not None:
            return partial(task_trial, task=study.task)
        return partial(rate_trial, heterogeneous=study.model == "rate") if study.model != "hrsnn" else evaluate_trial
    module, _, name = spec.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as e:
        raise StudyError(f"trial_function: cannot load {spec!r} ({type(e).__name__}: {e})") from None
