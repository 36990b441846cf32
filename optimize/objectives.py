"""What a trial is scored on: the memory protocol (E, −MC, rate at a minimum MC) or a task's validation split.

A task objective never sees test data: a classification trial fits on part of the set's *training* split and
scores accuracy on the rest of it (a stratified hold-out of ``validation``, drawn from the trial's seed); a
prediction trial fits on the first part of the series' training steps and scores NRMSE on their last
``validation`` share. The test split is used once, on the configs a study finally picks (``score_on_test``). Every
trial records its error (1 − accuracy, or NRMSE) and its spikes per sample; ``scalar`` turns the two into the
value the optimizer minimizes.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .space import Study, StudyError

TASK_KEYS = {"kind", "dataset", "validation", "scalar", "weight", "min_accuracy", "max_nrmse", "max_train",
             "n_steps", "horizon", "washout", "n_bins"}
SCALARS = ("error", "tradeoff", "min_spikes")


def _number(task: dict, key: str, lo: float, hi: float, default, closed_low: bool = True) -> float:
    v = task.get(key, default)
    ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v <= hi and (
        v >= lo if closed_low else v > lo)
    if not ok:
        raise StudyError(f"task.{key}: {v!r} outside the allowed range {'[' if closed_low else '('}{lo:g}, {hi:g}]")
    return float(v)


def check_task(task: Any) -> dict:
    """The validated ``[task]`` table of a study file, with its defaults filled in."""
    if not isinstance(task, dict):
        raise StudyError("task: expected a table")
    unknown = sorted(set(task) - TASK_KEYS)
    if unknown:
        raise StudyError(f"task.{unknown[0]}: unknown key; allowed: {', '.join(sorted(TASK_KEYS))}")
    kind = task.get("kind")
    if kind not in ("classify", "predict"):
        raise StudyError(f"task.kind: {kind!r} is not one of classify, predict")
    dataset = task.get("dataset")
    if not isinstance(dataset, str) or not dataset:
        raise StudyError("task.dataset: a task objective needs a dataset (a classification set or .ts path, or a "
                         "series name for predict; see `hrsnn datasets`)")
    from hrsnn.tasks.datasets import classification_names, series_names
    names = classification_names() if kind == "classify" else series_names()
    if dataset not in names and not (kind == "classify" and dataset.endswith(".ts")):
        raise StudyError(f"task.dataset: unknown {kind} dataset {dataset!r}; available: {', '.join(names)}")
    out = {"kind": kind, "dataset": dataset, "validation": _number(task, "validation", 0.0, 0.9, 0.3, False)}
    scalar = task.get("scalar", "tradeoff")
    if scalar not in SCALARS:
        raise StudyError(f"task.scalar: {scalar!r} is not one of {', '.join(SCALARS)}")
    out["scalar"] = scalar
    out["weight"] = _number(task, "weight", 0.0, 1e6, 0.05)
    if scalar == "min_spikes":
        key = "min_accuracy" if kind == "classify" else "max_nrmse"
        if key not in task:
            raise StudyError(f"task.{key}: scalar = \"min_spikes\" on a {kind} task needs it")
        out[key] = (_number(task, key, 0.0, 1.0, None) if kind == "classify"
                    else _number(task, key, 0.0, 1e6, None, False))
    for key, lo, default in (("max_train", 2, None), ("n_steps", 200, 2000), ("horizon", 1, 1),
                             ("washout", 0, 100), ("n_bins", 1, 3)):
        v = task.get(key, default)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < lo):
            raise StudyError(f"task.{key}: expected an integer >= {lo}, got {v!r}")
        out[key] = v
    if kind == "predict":               # the training steps (70 %) less the validation share must exceed the washout
        fit = round(round(out["n_steps"] * 0.7) * (1.0 - out["validation"]))
        if fit <= out["washout"] + 1:
            raise StudyError(f"task.n_steps: {out['n_steps']} leaves {fit} steps to fit after the test and validation "
                             f"shares, need more than washout {out['washout']} + 1")
    return out


def scalarize(task: dict, error: float, spikes: float) -> tuple[float, str]:
    """(value to minimize, reason when the trial misses the task's score constraint)."""
    if task["scalar"] == "error":
        return error, ""
    if task["scalar"] == "tradeoff":
        return error + task["weight"] * spikes / 1000.0, ""
    if task["kind"] == "classify" and 1.0 - error < task["min_accuracy"]:
        return math.inf, f"validation accuracy {1.0 - error:.3f} < min_accuracy {task['min_accuracy']:g}"
    if task["kind"] == "predict" and error > task["max_nrmse"]:
        return math.inf, f"validation NRMSE {error:.3f} > max_nrmse {task['max_nrmse']:g}"
    return spikes, ""


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
    from hrsnn import HRSNNClassifier, HRSNNRegressor, ReservoirConfig, nrmse
    from hrsnn.tasks.cells import prediction_split, split_series, subset
    from hrsnn.tasks.datasets import classification_split, holdout
    from hrsnn.tasks.estimators import as_sequences
    cfg = ReservoirConfig.from_dict(config)
    model = task.get("model", "hrsnn")
    out = []
    for seed in seeds:
        if task["kind"] == "classify":
            X, y, _, _, _ = classification_split(task["dataset"], seed=0)
            X = as_sequences(X)
            Xf, yf, Xv, yv, _ = holdout(X, np.asarray(y), seed, task["validation"], task["dataset"])
            keep = subset(len(Xf), task["max_train"], seed)
            Xf, yf = [Xf[i] for i in keep], yf[keep]
            clf = HRSNNClassifier(cfg, model=model, seed=seed, n_bins=task["n_bins"], target=target).fit(Xf, yf)
            features, activity = clf.run(Xv)
            accuracy = float((clf.readout_.predict(features) == yv).mean())
            out.append(_activity(cfg, seed, accuracy, 1.0 - accuracy, activity, model == "hrsnn"))
        else:
            w = task["washout"]
            X, y, _, _ = prediction_split(task["dataset"], task["n_steps"], task["horizon"], washout=w, seed=seed)
            Xf, yf, Xv, yv = split_series(X, y, task["validation"], w, "task.n_steps")
            reg = HRSNNRegressor(cfg, model=model, seed=seed, washout=w, target=target).fit(Xf, yf)
            prediction, activity = reg.predict_run(Xv)
            error = nrmse(yv, prediction[w:])
            out.append(_activity(cfg, seed, error, error, activity, model == "hrsnn"))
    return out


def score_on_test(config: dict, seeds: list[int], target: str = "auto", task: dict | None = None) -> list[dict]:
    """The test split, used once, for a config a study picked: one dict per seed (score, error, spikes)."""
    from hrsnn import ReservoirConfig
    from hrsnn.tasks.cells import classify, predict
    cfg = ReservoirConfig.from_dict(config)
    model = task.get("model", "hrsnn")
    out = []
    for seed in seeds:
        if task["kind"] == "classify":
            cell = classify(task["dataset"], model, cfg, seed=seed, with_e=False, max_train=task["max_train"],
                            n_bins=task["n_bins"], target=target)
            error = 1.0 - cell.score
        else:
            cell = predict(task["dataset"], model, cfg, seed=seed, n_steps=task["n_steps"], horizon=task["horizon"],
                           washout=task["washout"], with_e=False, target=target)
            error = cell.score
        out.append({"seed": seed, "score": cell.score, "error": error, "spikes_per_sample": cell.spikes_per_sample,
                    "rate_hz": cell.rate_hz, "split": cell.split})
    return out


def score(study: Study, results: list[dict]) -> tuple[float, dict, str, str]:
    """(objective, means, status, reason) of one trial's per-seed results; degenerate → ``math.inf`` (the runner
    tells the optimizer the study's penalty instead). A front study's objective is its quality side (−MC, or the
    validation error); ``front_point`` gives both sides."""
    def mean(key):
        vals = [math.inf if r.get(key) is None else float(r[key]) for r in results]
        return float(np.mean(vals))
    reasons = "; ".join(f"seed {r['seed']}: {r['reason']}" for r in results if r.get("degenerate"))
    if study.task is not None:
        summary = {"E": math.inf, "mc": math.nan, "rate_hz": mean("rate_hz"), "spikes": mean("spikes"),
                   "score": mean("score"), "error": mean("error"), "spikes_per_sample": mean("spikes_per_sample")}
        if reasons:
            return math.inf, summary, "degenerate", reasons
        if study.objective == "front":
            return summary["error"], summary, "ok", ""
        value, miss = scalarize(study.task, summary["error"], summary["spikes_per_sample"])
        return (math.inf, summary, "degenerate", miss) if miss else (float(value), summary, "ok", "")
    summary = {"E": mean("E"), "mc": mean("memory_capacity"), "rate_hz": mean("rate_hz"), "spikes": mean("spikes")}
    if reasons:
        return math.inf, summary, "degenerate", reasons
    if study.objective == "E":
        value = summary["E"]
    elif study.objective in ("neg_mc", "front"):
        value = -summary["mc"]
    else:  # rate_at_mc
        if summary["mc"] < study.min_mc:
            return math.inf, summary, "degenerate", f"MC {summary['mc']:.2f} < min_mc {study.min_mc:g}"
        value = summary["rate_hz"]
    if not math.isfinite(value):
        return math.inf, summary, "degenerate", "objective not finite"
    return float(value), summary, "ok", ""


def front_point(study: Study, results: list[dict]) -> tuple[float, float] | None:
    """(quality, cost) of a front study's trial — (MC, rate in Hz), or (−error, spikes per sample) with a
    ``[task]`` — or ``None`` when the trial is degenerate."""
    _, summary, status, _ = score(study, results)
    if status != "ok":
        return None
    if study.task is not None:
        return -summary["error"], summary["spikes_per_sample"]
    return summary["mc"], summary["rate_hz"]
