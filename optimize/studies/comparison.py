"""Named reservoir configs side by side on E (memory protocol) and on development tasks, over seeds.

A ``[compare]`` table says what to score::

    [compare]
    seeds = [20, 21, 22]           # seeds of every cell
    classify = ["GunPoint"]        # classification sets
    predict = ["mackey_glass"]     # prediction series (last 30 % held out)
    n_steps = 2000                 # steps per prediction series
    max_train = 100                # classification: at most this many training sequences
    split = "test"                 # "test": the sets' test splits; "validation": a hold-out carved from the
                                   # training split (optimize.run.trials), for choosing among the configs

Each cell records the score (E, accuracy or NRMSE) and spikes per sample (per step for E and prediction, per
sequence for classification); ``summarize`` gives mean ± std over seeds per task and config.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from hrsnn import ReservoirConfig

from ..analysis.stats import stat
from ..run.cache import cache_key, run_cached
from ..run.executors import SerialExecutor
from ..search.checks import StudyError, at_least, seeds_of

COMPARE_KEYS = {"seeds", "classify", "predict", "n_steps", "max_train", "split"}

SPLITS = ("test", "validation")

METRICS = {"memory": "E, Hz/MC", "classify": "accuracy", "predict": "NRMSE"}


def check_compare(compare: Any, search_seeds: tuple[int, ...] = (), what: str = "an architecture search") -> dict:
    """The validated ``[compare]`` table with its defaults; its seeds may not be ``search_seeds``."""
    from hrsnn.tasks.datasets import classification_names, series_names
    if not isinstance(compare, dict):
        raise StudyError(f"compare: {what} needs a [compare] table (seeds, classify, predict)")
    unknown = sorted(set(compare) - COMPARE_KEYS)
    if unknown:
        raise StudyError(f"compare.{unknown[0]}: unknown key; allowed: {', '.join(sorted(COMPARE_KEYS))}")
    try:
        seeds = seeds_of(compare, "seeds", [20, 21, 22])
    except StudyError as e:
        raise StudyError(f"compare.{e}") from None
    if set(seeds) & set(search_seeds):
        raise StudyError(f"compare.seeds: {sorted(set(seeds) & set(search_seeds))} are also search seeds")
    out = {"seeds": seeds}
    for key, names in (("classify", classification_names()), ("predict", series_names())):
        value = compare.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise StudyError(f"compare.{key}: a list of dataset names")
        bad = [v for v in value if v not in names]
        if bad:
            raise StudyError(f"compare.{key}: unknown dataset {bad[0]!r}; available: {', '.join(names)}")
        out[key] = value
    for key, lo, default in (("n_steps", 300, 2000), ("max_train", 2, None)):
        value = compare.get(key, default)
        out[key] = None if value is None else at_least(value, lo, f"compare.{key}", integer=True)
    out["split"] = compare.get("split", "test")
    if out["split"] not in SPLITS:
        raise StudyError(f"compare.split: {out['split']!r} is not one of {', '.join(SPLITS)}")
    return out


def _cell(job: tuple[str, str, str, dict, int, dict]) -> dict:
    """One (config, task, seed) cell: score, spikes per sample and, for the memory task, E, MC and rate."""
    label, kind, name, config, seed, compare = job
    from hrsnn import evaluate
    from hrsnn.tasks.cells import classify, predict
    cfg = ReservoirConfig.from_dict(config)
    row = {"model": label, "kind": kind, "task": name, "seed": seed}
    if kind == "memory":
        r = evaluate(cfg, seed)
        return {**row, "score": r.E, "memory_capacity": r.memory_capacity, "rate_hz": r.rate_hz,
                "spikes_per_sample": r.spikes / cfg.task.eval_steps, "degenerate": r.degenerate}
    if compare["split"] == "validation":
        from ..run.trials import task_trial
        from ..search.objectives import check_task
        task = check_task({"kind": kind, "dataset": name, "n_steps": compare["n_steps"],
                           "max_train": compare["max_train"]})
        r = task_trial(config, [seed], task=task)[0]
        return {**row, "score": r["score"], "rate_hz": r["rate_hz"], "spikes_per_sample": r["spikes_per_sample"],
                "degenerate": r["degenerate"]}
    if kind == "classify":
        c = classify(name, "hrsnn", cfg, seed=seed, with_e=False, max_train=compare["max_train"])
    else:
        c = predict(name, "hrsnn", cfg, seed=seed, n_steps=compare["n_steps"], with_e=False)
    return {**row, "score": c.score, "rate_hz": c.rate_hz, "spikes_per_sample": c.spikes_per_sample,
            "degenerate": False}


def _key(job: tuple) -> str:
    """A cell's identity: its config, task, seed and the compare fields that change its score (not the label)."""
    _, kind, name, config, seed, compare = job
    return cache_key(config, kind, name, seed, {k: compare[k] for k in ("n_steps", "max_train", "split")})


def compare_models(configs: dict[str, ReservoirConfig], compare: dict, workers: int = 1,
                   progress: bool = True, cache: Path | None = None) -> list[dict]:
    """Every config on E (memory protocol) and on every compare task and seed, in ``workers`` processes. With
    ``cache`` (a JSON-lines file) finished cells are appended as they complete and reused by later calls, so an
    interrupted run resumes and a new candidate costs only its own cells."""
    from hrsnn.parallel import process_pool
    tasks = [("memory", "memory")] + [("classify", d) for d in compare["classify"]] + [("predict", d)
                                                                                  for d in compare["predict"]]
    jobs = [(label, kind, name, cfg.to_dict(), seed, compare) for label, cfg in configs.items()
            for kind, name in tasks for seed in compare["seeds"]]
    with SerialExecutor() if workers <= 1 else process_pool(min(workers, max(len(jobs), 1))) as pool:
        rows = run_cached([(_key(job), _cell, (job,)) for job in jobs], pool, cache, "compare", progress)
    return [{**row, "model": job[0]} for row, job in zip(rows, jobs)]


def summarize_cells(rows: list[dict]) -> list[dict]:
    """Per task and config: score and spikes per sample, mean ± std over seeds."""
    out = []
    for kind, task in dict.fromkeys((r["kind"], r["task"]) for r in rows):
        entry = {"kind": kind, "task": task, "metric": METRICS[kind], "models": {}}
        for label in dict.fromkeys(r["model"] for r in rows):
            mine = [r for r in rows if r["kind"] == kind and r["task"] == task and r["model"] == label]
            entry["models"][label] = {"score": stat([r["score"] for r in mine]),
                                      "spikes_per_sample": stat([r["spikes_per_sample"] for r in mine]),
                                      "n": len(mine)}
            if kind == "memory":
                entry["models"][label]["memory_capacity"] = stat([r["memory_capacity"] for r in mine])
                entry["models"][label]["rate_hz"] = stat([r["rate_hz"] for r in mine])
        out.append(entry)
    return out
