"""Named reservoir configs side by side on E (memory protocol) and on development tasks, over seeds.

A ``[compare]`` table says what to score::

    [compare]
    seeds = [20, 21, 22]           # seeds of every cell
    classify = ["GunPoint"]        # classification sets
    predict = ["mackey_glass"]     # prediction series (last 30 % held out)
    n_steps = 2000                 # steps per prediction series
    max_train = 100                # classification: at most this many training sequences
    split = "test"                 # "test": the sets' test splits; "validation": a hold-out carved from the
                                   # training split (optimize.objectives), for choosing among the configs

Each cell records the score (E, accuracy or NRMSE) and spikes per sample (per step for E and prediction, per
sequence for classification); ``summarize`` gives mean ± std over seeds per task and config.
"""
from __future__ import annotations

from concurrent.futures import as_completed
from pathlib import Path
from typing import Any

from hrsnn import ReservoirConfig

from .cache import append_cache, cache_key, read_cache
from .efficiency import _pm
from .matched import _stat
from .space import StudyError, _at_least, _seeds

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
        seeds = _seeds(compare, "seeds", [20, 21, 22])
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
        out[key] = None if value is None else _at_least(value, lo, f"compare.{key}", integer=True)
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
        from .objectives import check_task, task_trial
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
    from tqdm.auto import tqdm

    from hrsnn.parallel import process_pool
    tasks = [("memory", "memory")] + [("classify", d) for d in compare["classify"]] + [("predict", d)
                                                                                  for d in compare["predict"]]
    jobs = [(label, kind, name, cfg.to_dict(), seed, compare) for label, cfg in configs.items()
            for kind, name in tasks for seed in compare["seeds"]]
    known = read_cache(cache)
    keys = [_key(job) for job in jobs]
    todo = [(k, job) for k, job in zip(keys, jobs) if k not in known]
    bar = tqdm(total=len(todo), desc="compare", unit="cell", disable=not progress)

    def finished(key: str, row: dict) -> None:
        known[key] = row
        append_cache(cache, key, row)
        bar.update()
    if workers <= 1:
        for key, job in todo:
            finished(key, _cell(job))
    else:
        with process_pool(min(workers, max(len(todo), 1))) as pool:
            futures = {pool.submit(_cell, job): key for key, job in todo}
            for f in as_completed(futures):
                finished(futures[f], f.result())
    bar.close()
    return [{**known[k], "model": job[0]} for k, job in zip(keys, jobs)]


def summarize(rows: list[dict]) -> list[dict]:
    """Per task and config: score and spikes per sample, mean ± std over seeds."""
    out = []
    for kind, task in dict.fromkeys((r["kind"], r["task"]) for r in rows):
        entry = {"kind": kind, "task": task, "metric": METRICS[kind], "models": {}}
        for label in dict.fromkeys(r["model"] for r in rows):
            mine = [r for r in rows if r["kind"] == kind and r["task"] == task and r["model"] == label]
            entry["models"][label] = {"score": _stat([r["score"] for r in mine]),
                                      "spikes_per_sample": _stat([r["spikes_per_sample"] for r in mine]),
                                      "n": len(mine)}
            if kind == "memory":
                entry["models"][label]["memory_capacity"] = _stat([r["memory_capacity"] for r in mine])
                entry["models"][label]["rate_hz"] = _stat([r["rate_hz"] for r in mine])
        out.append(entry)
    return out


def comparison_table(summary: list[dict]) -> str:
    """Markdown: one row per task, each config's score ± std (spikes per sample)."""
    labels = list(summary[0]["models"])
    lines = ["| task | " + " | ".join(labels) + " |", "|---|" + "---|" * len(labels)]
    for e in summary:
        cells = [f"{_pm(m['score'])} ({m['spikes_per_sample'][0]:.3g})" for m in e["models"].values()]
        lines.append(f"| {e['task']} ({e['metric']}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def comparison_figure(summary: list[dict], path: Path, names: list[str] | None = None) -> Path:
    """Score and spikes per sample per task, the configs side by side (error bars: std over seeds); ``names``
    are the bars' short labels (default: the configs' labels)."""
    from hrsnn.measure.plots import panels
    labels = names or list(summary[0]["models"])
    plt, fig, axes = panels(2 * len(summary), 4, 3.2, 2.6)
    for k, e in enumerate(summary):
        for ax, key, what in ((axes[2 * k], "score", e["metric"]),
                              (axes[2 * k + 1], "spikes_per_sample", "spikes / sample")):
            stats = [m[key] for m in e["models"].values()]
            ax.bar(range(len(stats)), [s[0] for s in stats], yerr=[s[1] for s in stats],
                   color=[f"C{(i + 1) % 10}" for i in range(len(stats))])
            ax.set_xticks(range(len(stats)), labels, rotation=30 if len(labels) > 2 else 0, fontsize=8)
            ax.set_title(f"{e['task']}: {what}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
