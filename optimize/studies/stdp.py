"""Does heterogeneous STDP lower activity at equal memory? The seed paper's second claim, rule by rule.

For each STDP rule (``[rules.<name>]``: config updates) and operating regime (``[regimes.<name>]``), two pairs of
twins differ only in the heterogeneity of their STDP: HRSNN vs HeNHoS (heterogeneous neurons) and HoNHeS vs MRSNN
(homogeneous neurons). Each model's quality-vs-cost curve is traced by a fixed ladder of input scales around the
regime (nothing is searched or selected), measured on the file's seeds, and the heterogeneous-STDP twin is compared
with its homogeneous-STDP twin as the frontier compares arms (``optimize.analysis.fronts``): the rate (or spikes per
sample) each needs at each MC (or score) level, the saving seed by seed, the hypervolumes. The memory protocol runs
in every regime, the development tasks (``[[task]]``, on their test splits) in the first. A CV sweep then gives one
STDP parameter at a time a CV (the others constant) on heterogeneous neurons at the first regime's scale, and
records the rate, MC and weight distribution after the plastic phase (mean, spread, fractions at 0 and w_max)::

    name = "stdp"
    seeds = [10, 11, 12, 13, 14]
    ladder = [0.5, 0.7, 1.0, 1.4, 2.0]       # input.scale factors (memory protocol)
    task_ladder = [0.7, 1.0, 1.4]             # input.scale factors (tasks)
    cvs = [0.5, 1.0, 1.5]                     # CV sweep (CV 0 is the homogeneous-STDP model)
    sweep = ["tau_plus", "tau_minus", "a_plus", "a_minus"]
    [set]                                     # every model (e.g. n_neurons); task_set: the tasks on top of it
    [rules.triplet]                           # a rule's name sets stdp.rule unless its table does
    "stdp.a_plus.mean" = 0.003
    [regimes.default]
    [regimes.input-driven]                    # a config file's operating point (its fields outside stdp)
    config = "previous-default.toml"
    [[task]]
    kind = "predict"
    dataset = "narma10"
"""
from __future__ import annotations

import json
import math
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from hrsnn import ConfigError, ReservoirConfig
from hrsnn.model.config import ABLATIONS, base_config, read_toml
from hrsnn.provenance import provenance

from ..analysis.fronts import Front, compare_fronts, fresh_values, quality_shown
from ..report.text import front_verdict
from ..run.cache import cache_key, run_cached
from ..run.executors import executor_for
from ..run.trials import evaluate_trial, score_on_test
from ..search.checks import StudyError, seeds_of, with_config
from ..search.objectives import check_task

PAIRS = (("HRSNN", "HeNHoS"), ("HoNHeS", "MRSNN"))   # (heterogeneous STDP, homogeneous STDP) on the same neurons

KEYS = {"name", "seeds", "workers", "target", "ladder", "task_ladder", "cvs", "sweep", "config", "set", "task_set",
        "rules", "regimes", "task"}


SWEEPABLE = ("tau_plus", "tau_minus", "a_plus", "a_minus", "tau_y", "a_plus3")


def _factors(data: dict, key: str, default: list[float]) -> list[float]:
    v = data.get(key, default)
    if not (isinstance(v, list) and v and all(isinstance(x, (int, float)) and not isinstance(x, bool) and x > 0
                                              for x in v)):
        raise StudyError(f"{key}: a non-empty list of positive numbers")
    return sorted(float(x) for x in v)


def _updated(base: ReservoirConfig, updates: Any, where: str) -> ReservoirConfig:
    if not isinstance(updates, dict):
        raise StudyError(f"{where}: a table of field = value")
    try:
        return base.with_updates(updates)
    except ConfigError as e:
        raise StudyError(f"{where}.{e}") from None


def load_plasticity(path: str | Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The checked study file: base configs per (rule, regime), ladders, tasks and sweep."""
    data = read_toml(path, "stdp study file")
    data.update({k: v for k, v in (overrides or {}).items() if v is not None})
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise StudyError(f"{unknown[0]}: unknown key; allowed: {', '.join(sorted(KEYS))}")
    try:
        base = base_config(data, Path(path).parent)
    except ConfigError as e:
        raise StudyError(f"config: {e}") from None
    base = _updated(base, data.get("set", {}), "set")
    rules, regimes = data.get("rules", {"additive": {}}), data.get("regimes", {"default": {}})
    for key, table in (("rules", rules), ("regimes", regimes)):
        if not isinstance(table, dict) or not table:
            raise StudyError(f"{key}: at least one [{key}.<name>] table")
    regimes = {name: with_config(t, Path(path).parent, f"regimes.{name}") for name, t in regimes.items()}
    configs = {(rule, regime): _updated(_updated(base, {"stdp.rule": rule, **ru}, f"rules.{rule}"), re,
                                        f"regimes.{regime}")
               for rule, ru in rules.items() for regime, re in regimes.items()}
    sweep = data.get("sweep", ["tau_plus", "tau_minus", "a_plus", "a_minus"])
    if not isinstance(sweep, list) or not set(sweep) <= set(SWEEPABLE):
        raise StudyError(f"sweep: a list of STDP parameters among {', '.join(SWEEPABLE)}")
    tasks = [check_task(t) for t in data.get("task", [])]
    task_set = data.get("task_set", {})
    for rule, regime in configs:
        _updated(configs[rule, regime], task_set, "task_set")
    workers = data.get("workers", 2)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise StudyError(f"workers: an integer ≥ 1, got {workers!r}")
    return {"name": str(data.get("name", Path(path).stem)), "seeds": seeds_of(data, "seeds", [10, 11, 12, 13, 14]),
            "workers": workers, "target": data.get("target", "auto"), "configs": configs,
            "ladder": _factors(data, "ladder", [0.5, 0.7, 1.0, 1.4, 2.0]),
            "task_ladder": _factors(data, "task_ladder", [0.7, 1.0, 1.4]),
            "cvs": _factors(data, "cvs", [0.5, 1.0, 1.5]),
            "sweep": sweep, "tasks": tasks, "task_set": task_set,
            "rules": list(rules), "regimes": list(regimes)}


def models(cfg: ReservoirConfig) -> dict[str, ReservoirConfig]:
    """The four ablations of ``cfg`` (``hrsnn.model.config.ABLATIONS``)."""
    return {name: cfg.homogeneous(**kw) for name, kw in ABLATIONS.items()}


class Evaluator:
    """Runs (config, task) evaluations on the study's seeds in a pool, cached in a JSON-lines file."""

    def __init__(self, spec: dict, executor, cache: Path, progress: bool):
        self.spec, self.executor, self.cache, self.progress = spec, executor, cache, progress

    def __call__(self, jobs: list[tuple[dict, dict | None]], label: str) -> list[list[dict]]:
        seeds, target = self.spec["seeds"], self.spec["target"]
        return run_cached([(cache_key(c, seeds, t, target),
                            evaluate_trial if t is None else partial(score_on_test, task=t), (c, seeds, target))
                           for c, t in jobs], self.executor, self.cache, label, self.progress)


def _levels(fronts: list[Front], task: dict | None) -> list[float]:
    """Compared levels (internal units): MC 1, 2, … up to what every front reaches; a task: 6 levels from the
    lowest to the highest quality every front reaches."""
    tops = [float(f.mean_quality.max()) for f in fronts]
    lows = [float(f.mean_quality.min()) for f in fronts]
    if task is None:
        return [float(m) for m in range(1, int(math.floor(min(tops))) + 1)] or [min(tops)]
    lo, hi = max(lows), min(tops)
    return sorted({round(float(q), 4) for q in np.linspace(lo, hi, 6)}) if hi > lo else [hi]


def _curve(cfg: ReservoirConfig, factors: list[float]) -> list[dict]:
    return [cfg.with_updates({"input.scale": cfg.input.scale * f}).to_dict() for f in factors]


def compare_pair(het: list[list[dict]], hom: list[list[dict]], task: dict | None, names: tuple[str, str]) -> dict:
    """The heterogeneous-STDP twin's curve against the homogeneous-STDP twin's: levels, costs, savings, HV."""
    fronts = []
    for res in (het, hom):
        q, c = zip(*(fresh_values(r, task) for r in res))
        fronts.append(Front(np.array(q, dtype=float), np.array(c, dtype=float)))
    levels = _levels(fronts, task)
    q_ref = 0.0 if task is None else min(levels)
    cmp = compare_fronts(fronts[0], fronts[1], levels, q_ref)
    fmt = (lambda x: f"{x:g}") if task is None else (lambda x: f"{x:.3g}")
    display = dict(cmp, levels=[quality_shown(task, v) for v in levels],
                   **{k: [[quality_shown(task, x), quality_shown(task, y)] for x, y in cmp[k]]
                      for k in ("a_ahead", "b_ahead", "a_clear", "b_clear")})
    quality = "MC" if task is None else "accuracy" if task["kind"] == "classify" else "NRMSE"
    out = {k: cmp[k] for k in ("a", "b", "saving", "ahead", "hypervolume")}
    out.update(levels=display["levels"], names=list(names), quality=quality,
               verdict=front_verdict(display, names, quality, "spikes (rate)" if task is None else "spikes", fmt),
               curves={n: {"quality": f.quality.tolist(), "cost": f.cost.tolist()} for n, f in zip(names, fronts)})
    return out


def _at_scale(results: list[dict], task: dict | None) -> dict:
    """Quality and cost at the regime's own input scale: mean and std over the seeds."""
    q, c = fresh_values(results, task)
    return {"quality": [float(np.mean(q)), float(np.std(q))], "cost": [float(np.mean(c)), float(np.std(c))]}


def _paired(het: list[dict], hom: list[dict], task: dict | None) -> dict:
    """At the regime's own scale, seed by seed: the relative change in cost (het / hom − 1) and the change in
    quality (het − hom, in the user's units), mean and std over the seeds."""
    (qa, ca), (qb, cb) = fresh_values(het, task), fresh_values(hom, task)
    ca, cb = np.array(ca), np.array(cb)
    paid = cb > 0
    cost = ca[paid] / cb[paid] - 1.0
    dq = np.array([quality_shown(task, x) for x in qa]) - np.array([quality_shown(task, x) for x in qb])
    return {"cost_change": [float(cost.mean()), float(cost.std())] if paid.any() else None,
            "quality_change": [float(dq.mean()), float(dq.std())]}


def _weights(results: list[dict]) -> dict:
    keys = ("rate_hz", "memory_capacity", "weight_mean", "weight_std", "weight_low", "weight_high")
    return {k: [float(np.nanmean([np.nan if r.get(k) is None else r[k] for r in results])),
                float(np.nanstd([np.nan if r.get(k) is None else r[k] for r in results]))] for k in keys}


def run_plasticity(path: str | Path, studies_dir: str | Path = "studies", results_dir: str | Path = "results",
                   progress: bool = True, overrides: dict[str, Any] | None = None) -> Path:
    """Run (or resume) the study; write ``summary.json``, figures and ``report.md``; returns the report's path."""
    from ..report.stdp import write_report
    spec = load_plasticity(path, overrides)
    folder, out = Path(studies_dir) / spec["name"], Path(results_dir) / spec["name"]
    folder.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    executor, shutdown = executor_for(spec["workers"], None)
    run = Evaluator(spec, executor, folder / "evaluations.jsonl", progress)
    summary: dict[str, Any] = {"experiment": spec["name"], "source": str(path), "provenance": provenance(),
                               "seeds": spec["seeds"],
                               "ladder": spec["ladder"], "task_ladder": spec["task_ladder"], "rules": {}}
    try:
        for rule in spec["rules"]:
            entry: dict[str, Any] = {"regimes": {}, "tasks": {}}
            for k, regime in enumerate(spec["regimes"]):
                cfg = spec["configs"][rule, regime]
                entry["regimes"][regime] = _study_pairs(run, models(cfg), spec["ladder"], None, f"{rule} {regime}")
                entry["regimes"][regime]["config"] = cfg.to_dict()
                if k == 0:
                    for task in spec["tasks"]:
                        task_models = models(cfg.with_updates(spec["task_set"]))
                        entry["tasks"][task["dataset"]] = _study_pairs(run, task_models, spec["task_ladder"], task,
                                                                       f"{rule} {task['dataset']}")
            entry["sweep"] = _sweep(run, spec, spec["configs"][rule, spec["regimes"][0]], rule)
            summary["rules"][rule] = entry
    finally:
        shutdown()
    (out / "summary.json").write_text(json.dumps(summary, indent=1, default=str))
    return write_report(summary, out)


def _study_pairs(run: Evaluator, ms: dict[str, ReservoirConfig], ladder: list[float], task: dict | None,
                 label: str) -> dict:
    jobs = [(c, task) for m in ms.values() for c in _curve(m, ladder)]
    results = run(jobs, label)
    per_model = {m: results[i * len(ladder):(i + 1) * len(ladder)] for i, m in enumerate(ms)}
    one = ladder.index(1.0) if 1.0 in ladder else None
    pairs = {}
    for a, b in PAIRS:
        pairs[f"{a} vs {b}"] = compare_pair(per_model[a], per_model[b], task, (a, b))
        if one is not None:
            pairs[f"{a} vs {b}"]["at_scale"] = _paired(per_model[a][one], per_model[b][one], task)
    return {"pairs": pairs,
            "at_scale": None if one is None else {m: _at_scale(r[one], task) for m, r in per_model.items()},
            "weights": None if task is not None or one is None else {m: _weights(r[one]) for m, r in
                                                                      per_model.items()}}


def _sweep(run: Evaluator, spec: dict, cfg: ReservoirConfig, rule: str) -> dict:
    """One STDP parameter's CV at a time (the others constant), heterogeneous neurons: weights, rate and MC."""
    flat = cfg.homogeneous(neurons=False, stdp=True)
    params = [p for p in spec["sweep"] if rule == "triplet" or p not in ("tau_y", "a_plus3")]
    jobs = [(flat.to_dict(), None)]
    for p in params:
        mean = getattr(cfg.stdp, p).mean
        jobs += [(flat.with_updates({f"stdp.{p}": {"dist": "gamma", "mean": mean, "cv": cv}}).to_dict(), None)
                 for cv in spec["cvs"]]
    results = run(jobs, f"{rule} CV sweep")
    base = _weights(results[0])
    out = {"cvs": [0.0] + spec["cvs"], "params": {}}
    for i, p in enumerate(params):
        rows = results[1 + i * len(spec["cvs"]):1 + (i + 1) * len(spec["cvs"])]
        out["params"][p] = [base] + [_weights(r) for r in rows]
    return out
