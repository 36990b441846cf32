"""Reproduction experiments: every model × dataset/task × seed cell of an experiment file, a Markdown report
with tables, the HRSNN-vs-MRSNN verdicts, and plots.

An experiment file (TOML) holds::

    name = "reproduce"          # results go to results/<name>/
    seeds = [0, 1, 2]
    models = ["hrsnn", "mrsnn", "henhos", "honhes", "hrsnn-bo", "esn", "linear"]
    bo_study = "studies/hrsnn/summary.json"   # hrsnn-bo = [set] + the fields the study searched, at its best
    workers = 2
    [set]                       # updates of the default ReservoirConfig (dotted fields)
    n_neurons = 500
    [classify]                  # datasets, and HRSNNClassifier / tasks.classify arguments
    datasets = ["GunPoint"]
    n_bins = 3
    [[predict.tasks]]           # tasks.predict arguments per task
    name = "mackey_glass"

Finished cells are appended to ``results/<name>/cells.jsonl`` as they complete, so an interrupted run resumes
where it stopped (cells of a different experiment definition are ignored, never mixed in).
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..model.config import ReservoirConfig, base_config, read_toml
from ..model.seeds import SEED_MAX, check_seed
from .estimators import MODELS, SPIKING, model_config

_KEYS = {"name", "seeds", "models", "bo_study", "workers", "target", "config", "set", "classify", "predict"}
_CLASSIFY_KEYS = {"datasets", "n_bins", "gap", "length", "max_train", "max_test", "alphas", "test_fraction"}
_TASK_KEYS = {"name", "n_steps", "horizon", "test_fraction", "washout", "series_args", "alphas"}
LABELS = (*MODELS, "hrsnn-bo")


def _searched_fields(params: dict, config: dict) -> dict:
    """The config fields a study's best ``params`` set, taken whole from its best config: a searched
    distribution parameter ("neuron.v_th.std") brings its whole distribution (which the study's own [set] may
    have changed, e.g. a constant made a normal law); other fields are taken as they are."""
    updates = {}
    for key in params:
        *parent, _ = key.split(".")
        node = config
        for part in parent:
            node = node[part]
        if isinstance(node, dict) and "dist" in node:
            updates[".".join(parent)] = node
        else:
            updates[key] = node[key.split(".")[-1]]
    return updates


@dataclass
class Experiment:
    name: str
    seeds: list[int]
    models: list[str]
    base: ReservoirConfig
    classify: dict[str, Any] = field(default_factory=dict)
    predict: list[dict[str, Any]] = field(default_factory=list)
    bo_study: str | None = None
    workers: int = 0
    target: str = "auto"
    raw: dict[str, Any] = field(default_factory=dict)
    path: str = ""

    @property
    def fingerprint(self) -> str:
        return hashlib.sha1(json.dumps(self.raw, sort_keys=True, default=str).encode()).hexdigest()[:12]

    def bo_config(self) -> tuple[ReservoirConfig | None, str]:
        """The base config with the optimization study's best parameters, or None and why not."""
        if not self.bo_study:
            return None, "no bo_study given"
        path = Path(self.bo_study)
        if not path.exists():
            return None, f"{path} not found (run its study first: `hrsnn optimize STUDY.toml`)"
        try:
            summary = json.loads(path.read_text())
            best = summary["best"]["params"]
            best_config = ReservoirConfig.load(path.parent / Path(summary["best_config"]).name).to_dict()
            updates = _searched_fields(best, best_config)
            config = self.base.with_updates(updates)
        except (json.JSONDecodeError, KeyError, TypeError, OSError, ConfigError) as e:
            return None, f"{path}: no usable best parameters ({type(e).__name__}: {e})"
        return config, f"best of {path}: " + ", ".join(f"{k} = {v:.4g}" if isinstance(
            v, float) else f"{k} = {v}" for k, v in best.items())

    def rows(self) -> tuple[list[tuple[str, str, ReservoirConfig]], list[str]]:
        """(label, model kind, config) per table row, and notes on rows that were skipped."""
        rows, notes = [], []
        for label in self.models:
            if label == "hrsnn-bo":
                cfg, why = self.bo_config()
                if cfg is None:
                    notes.append(f"hrsnn-bo skipped: {why}")
                else:
                    rows.append((label, "hrsnn", cfg))
                    notes.append(f"hrsnn-bo = {why}")
            else:
                rows.append((label, label, self.base))
        return rows, notes


def load_experiment(path: str | Path) -> Experiment:
    path = Path(path)
    raw = read_toml(path, "experiment")
    for key, allowed in (("", _KEYS), ("classify.", _CLASSIFY_KEYS)):
        table = raw if not key else raw.get("classify", {})
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise ConfigError(f"{key}{unknown[0]}: unknown key in {path}; allowed: {', '.join(sorted(allowed))}")
    tasks = raw.get("predict", {}).get("tasks", [])
    for k, task in enumerate(tasks):
        unknown = sorted(set(task) - _TASK_KEYS)
        if unknown or "name" not in task:
            raise ConfigError(f"predict.tasks[{k}]: {'unknown key ' + unknown[0] if unknown else 'needs a name'}; "
                              f"allowed: {', '.join(sorted(_TASK_KEYS))}")
    models = list(raw.get("models", ["hrsnn", "mrsnn"]))
    bad = [m for m in models if m not in LABELS]
    if bad:
        raise ConfigError(f"models: unknown {bad[0]!r}; allowed: {', '.join(LABELS)}")
    from ..sim.targets import TARGETS
    if raw.get("target", "auto") not in TARGETS:
        raise ConfigError(f"target: {raw['target']!r} is not one of {', '.join(TARGETS)}")
    seeds = raw.get("seeds", [0])
    if not isinstance(seeds, list) or not seeds:
        raise ConfigError(f"seeds: expected a non-empty list of integers in [0, {SEED_MAX}], got {seeds!r}")
    for k, s in enumerate(seeds):
        check_seed(s, f"seeds[{k}]")
    base = base_config(raw, path.parent).with_updates(raw.get("set", {}))
    classify = dict(raw.get("classify", {}))
    if classify:
        from .datasets import classification_names
        names = classification_names()
        for d in classify.get("datasets", []):
            if d not in names and not str(d).endswith(".ts"):
                raise ConfigError(f"classify.datasets: unknown {d!r}; shipped: {', '.join(names)}")
    return Experiment(raw.get("name", path.stem), list(seeds), models, base, classify, tasks,
                      raw.get("bo_study"), int(raw.get("workers", 0)), raw.get("target", "auto"), raw, str(path))


# --- running -------------------------------------------------------------------------------------------------
def _job(store: Path, fingerprint: str, target: str, part: str, item: str, seed: int, rows: list,
         options: dict) -> list[dict]:
    """All rows of one (part, dataset/task, seed) in one process (so a structure compiles once); each finished
    cell is appended to ``store`` at once, in one write."""
    from . import cells
    out = []
    for label, model, config_dict in rows:
        config = ReservoirConfig.from_dict(config_dict)
        fn = cells.classify if part == "classify" else cells.predict
        result = fn(item, model=model, config=config, seed=seed, label=label, with_e=False, target=target, **options)
        cell = result.to_dict()
        line = (json.dumps({"experiment": fingerprint, "cell": cell}) + "\n").encode()
        fd = os.open(store, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
        out.append(cell)
    return out


def _cell_key(d: dict) -> tuple:
    return (d["task"], d["dataset"], d["model"], d["seed"])


def run_experiment(exp: Experiment, parts=("classify", "predict"), out_dir: str | Path = "results",
                   progress: bool = True) -> Path:
    """Run the missing cells of ``parts`` (and the E evaluations), then write the report; returns its path."""
    from concurrent.futures import as_completed

    from tqdm.auto import tqdm

    from ..measure.compare import Comparison
    from ..measure.evaluate import evaluate_many
    from ..parallel import cores, process_pool
    out = Path(out_dir) / exp.name
    out.mkdir(parents=True, exist_ok=True)
    store = out / "cells.jsonl"
    rows, notes = exp.rows()
    done = {}
    if store.exists():
        for line in store.read_text().splitlines():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:       # a line cut by an interruption: that cell is simply rerun
                continue
            if rec.get("experiment") == exp.fingerprint:
                done[_cell_key(rec["cell"])] = rec["cell"]
    jobs = []
    for part in parts:
        if part == "classify":
            options = {k: v for k, v in exp.classify.items() if k != "datasets"}
            items = [(d, options) for d in exp.classify.get("datasets", [])]
        else:
            items = [(t["name"], {k: v for k, v in t.items() if k != "name"}) for t in exp.predict]
        for item, options in items:
            for seed in exp.seeds:
                todo = [(label, model, cfg.to_dict()) for label, model, cfg in rows
                        if (part, item, label, seed) not in done]
                if todo:
                    jobs.append((part, item, seed, todo, options))
    workers = max(1, min(exp.workers or cores(), max(len(jobs), 1)))
    if jobs:
        bar = tqdm(total=sum(len(j[3]) for j in jobs), desc=f"{exp.name} cells", unit="cell", disable=not progress)
        def finished(cells):
            for cell in cells:
                done[_cell_key(cell)] = cell
                bar.update()
                bar.set_postfix_str(f"{cell['dataset']}/{cell['model']}: {cell['metric']} {cell['score']:.3f}")
        if workers == 1:
            for job in jobs:
                finished(_job(store, exp.fingerprint, exp.target, *job))
        else:
            with process_pool(workers) as pool:
                futures = [pool.submit(_job, store, exp.fingerprint, exp.target, *job) for job in jobs]
                for fut in as_completed(futures):
                    finished(fut.result())
        bar.close()
    spiking = [(label, model_config(model, cfg)) for label, model, cfg in rows if model in SPIKING]
    labels = [label for label, _ in spiking]
    flat = evaluate_many([cfg for _, cfg in spiking for _ in exp.seeds], [s for _ in spiking for s in exp.seeds],
                         workers=workers, target=exp.target, keep_run=True, progress=progress) if spiking else []
    efficiency = Comparison({label: flat[i * len(exp.seeds):(i + 1) * len(exp.seeds)]
                             for i, label in enumerate(labels)})
    efficiency.save(out / "efficiency.json")
    cells = list(done.values())       # the report covers every finished cell, whichever part ran them
    from .report import write_report
    return write_report(exp, cells, efficiency, notes, out, parts)

