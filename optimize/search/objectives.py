"""What a trial's results score: the memory protocol (E, −MC, rate at a minimum MC) or a task's validation error,
folded into the value the optimizer minimizes; a front study's two objectives; the ``[task]`` table that says how.

A task objective never sees test data (``optimize.run.trials``); every trial records its error (1 − accuracy, or
NRMSE) and its spikes per sample, and ``scalar`` turns the two into the value the optimizer minimizes.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .checks import StudyError

if TYPE_CHECKING:
    from .study import Study


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


def task_value(task: dict, error: float, spikes: float) -> tuple[float, str]:
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


def score(study: Study, results: list[dict]) -> tuple[float, dict, str, str]:
    """(objective, means, status, reason) of one trial's per-seed results; degenerate → ``math.inf`` (the study loop
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
        value, miss = task_value(study.task, summary["error"], summary["spikes_per_sample"])
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
