"""Architecture search over SC-ML reservoirs (HRMAS, adapted) and the comparison of its pick with random wiring.

A search file is a study file whose ``[set]`` makes the base ``topology.kind = "scml"`` and whose space may hold
architecture fields (``topology.layers``, ``topology.motif_size``, ``topology.p_intra``, ``topology.p_inter``,
``topology.p_ff``, ``exc_fraction``, ``ip.enabled``, ``ip.target_rate``) beside the heterogeneity fields, plus::

    [compare]
    seeds = [20, 21, 22]           # fresh seeds, neither searched nor used to pick
    classify = ["GunPoint"]        # development classification sets (scored on their test split)
    predict = ["mackey_glass"]     # development prediction series (scored on their last 30 %)
    n_steps = 2000                 # steps per prediction series
    max_train = 100                # classification: at most this many training sequences

Every candidate's evaluation runs its unsupervised phase first: STDP and, when ``ip.enabled``, intrinsic
plasticity, HRMAS's "self-repair" of a changed architecture. The study's pick (its best on fresh seeds) is then
compared with ``hrsnn.model.topology.matched_random`` of itself (random wiring with the same size and synapse count
per population pair, every other field equal) on E and on the tasks, mean ± std over the compare seeds.
"""
from __future__ import annotations

import json
import platform
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from hrsnn import ReservoirConfig
from hrsnn.model.config import read_toml
from hrsnn.model.parameters import Parameters, seed_streams
from hrsnn.model.topology import matched_random

from .efficiency import _pm
from .matched import _stat, run_matched, save_matched, table
from .space import Study, StudyError, _seeds, parse_study

COMPARE_KEYS = {"seeds", "classify", "predict", "n_steps", "max_train"}
MODELS = ("scml (searched)", "random (same synapses)")


def check_compare(compare: Any, search_seeds: tuple[int, ...]) -> dict:
    """The validated ``[compare]`` table with its defaults."""
    from hrsnn.tasks.datasets import classification_names, series_names
    if not isinstance(compare, dict):
        raise StudyError("compare: an architecture search needs a [compare] table (seeds, classify, predict)")
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
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < lo):
            raise StudyError(f"compare.{key}: {value!r} outside the allowed range [{lo}, inf)")
        out[key] = value
    return out


def load_search(path: str | Path, overrides: dict[str, Any] | None = None) -> tuple[Study, dict]:
    """The study and the ``[compare]`` table of a search file."""
    path = Path(path)
    data = read_toml(path, "architecture search", StudyError)
    data.update({k: v for k, v in (overrides or {}).items() if v is not None})
    compare = data.pop("compare", None)
    study = parse_study(data, path.parent)
    if study.base.topology.kind != "scml":
        raise StudyError("set.topology.kind: an architecture search needs \"scml\" (the SC-ML motif layers)")
    return study, check_compare(compare, study.seeds)


def _cell(job: tuple[str, str, str, dict, int, dict]) -> dict:
    """One (model, task, seed) of the comparison: score, spikes per sample and, for the memory task, E."""
    label, kind, name, config, seed, compare = job
    from hrsnn import evaluate
    from hrsnn.tasks.cells import classify, predict
    cfg = ReservoirConfig.from_dict(config)
    row = {"model": label, "kind": kind, "task": name, "seed": seed}
    if kind == "memory":
        r = evaluate(cfg, seed)
        return {**row, "score": r.E, "memory_capacity": r.memory_capacity, "rate_hz": r.rate_hz,
                "spikes_per_sample": r.spikes / cfg.task.eval_steps, "degenerate": r.degenerate}
    if kind == "classify":
        c = classify(name, "hrsnn", cfg, seed=seed, with_e=False, max_train=compare["max_train"])
    else:
        c = predict(name, "hrsnn", cfg, seed=seed, n_steps=compare["n_steps"], with_e=False)
    return {**row, "score": c.score, "rate_hz": c.rate_hz, "spikes_per_sample": c.spikes_per_sample,
            "degenerate": False}


def compare_models(configs: dict[str, ReservoirConfig], compare: dict, workers: int = 1,
                   progress: bool = True) -> list[dict]:
    """Every model on E (memory protocol) and on every compare task and seed, in ``workers`` processes."""
    from tqdm.auto import tqdm

    from hrsnn.parallel import process_pool
    tasks = [("memory", "memory")] + [("classify", d) for d in compare["classify"]] + [("predict", d)
                                                                                  for d in compare["predict"]]
    jobs = [(label, kind, name, cfg.to_dict(), seed, compare) for label, cfg in configs.items()
            for kind, name in tasks for seed in compare["seeds"]]
    bar = tqdm(total=len(jobs), desc="compare", unit="cell", disable=not progress)
    if workers <= 1:
        rows = []
        for job in jobs:
            rows.append(_cell(job))
            bar.update()
    else:
        with process_pool(min(workers, len(jobs))) as pool:
            futures = [pool.submit(_cell, job) for job in jobs]
            for f in futures:
                f.add_done_callback(lambda _: bar.update())
            rows = [f.result() for f in futures]
    bar.close()
    return rows


def summarize(rows: list[dict]) -> list[dict]:
    """Per task and model: score and spikes per sample, mean ± std over seeds."""
    out = []
    for kind, task in dict.fromkeys((r["kind"], r["task"]) for r in rows):
        entry = {"kind": kind, "task": task, "metric": {"memory": "E, Hz/MC", "classify": "accuracy",
                                                         "predict": "NRMSE"}[kind], "models": {}}
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


def _dotted(data: dict, key: str):
    """A dotted field of a config dict (a constant distribution's spread is 0)."""
    for part in key.split("."):
        if not isinstance(data, dict):
            return 0.0 if part in ("cv", "std") else data
        data = data.get(part)
    return data


def _fmt(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def comparison_table(summary: list[dict]) -> str:
    """Markdown: one row per task, each model's score ± std (spikes per sample)."""
    labels = list(summary[0]["models"])
    lines = ["| task | " + " | ".join(labels) + " |", "|---|" + "---|" * len(labels)]
    for e in summary:
        cells = [f"{_pm(m['score'])} ({m['spikes_per_sample'][0]:.3g})" for m in e["models"].values()]
        lines.append(f"| {e['task']} ({e['metric']}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def comparison_figure(summary: list[dict], path: Path) -> Path:
    """Score and spikes per sample per task, the models side by side (error bars: std over seeds)."""
    from hrsnn.measure.plots import panels
    plt, fig, axes = panels(2 * len(summary), 4, 3.2, 2.6)
    for k, e in enumerate(summary):
        for ax, key, what in ((axes[2 * k], "score", e["metric"]),
                              (axes[2 * k + 1], "spikes_per_sample", "spikes / sample")):
            stats = [m[key] for m in e["models"].values()]
            ax.bar(range(len(stats)), [s[0] for s in stats], yerr=[s[1] for s in stats], color=["C1", "C0"])
            ax.set_xticks(range(len(stats)), ["scml", "random"])
            ax.set_title(f"{e['task']}: {what}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def run_architecture(path: str | Path, studies_dir: str | Path = "studies", results_dir: str | Path = "results",
                     progress: bool = True, overrides: dict[str, Any] | None = None) -> Path:
    """Run (or resume) the search, compare its pick with matched random wiring, write ``report.md``."""
    study, compare = load_search(path, overrides)
    matched = run_matched(study, resume=True, out_dir=studies_dir, progress=progress)
    search = save_matched(matched, studies_dir)
    if progress:
        print(f"\n{study.name}:\n{table(search)}")
    pick = search["arms"][study.arms[0]].get("config")
    if not pick:
        raise StudyError(f"{study.name}: every pick was degenerate on the fresh seeds; nothing to compare")
    best = ReservoirConfig.load(pick)
    configs = dict(zip(MODELS, (best, matched_random(best, compare["seeds"][0]))))
    rows = compare_models(configs, compare, study.workers, progress)
    summary = summarize(rows)
    out = Path(results_dir) / study.name
    out.mkdir(parents=True, exist_ok=True)
    best.save(out / "pick.toml")
    synapses = {label: Parameters.draw(cfg, 1, seed_streams(compare["seeds"][0])[0]).n_synapses
                for label, cfg in configs.items()}
    (out / "comparison.json").write_text(json.dumps({"rows": rows, "summary": summary, "synapses": synapses,
                                                     "configs": {k: c.to_dict() for k, c in configs.items()}},
                                                    indent=2, default=str))
    figure = comparison_figure(summary, out / "comparison.png")
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    searched = {d.field: _dotted(best.to_dict(), d.field) for d in study.space}
    lines = [f"# {study.name}: searched SC-ML reservoir vs random wiring of the same size and synapse count", "",
             f"Made by `hrsnn architecture {path}` on {now} ({platform.machine()}). {study.calls} trials "
             f"× {study.repeats} repeat(s), objective {study.objective} on seeds {list(study.seeds)}; the pick is the "
             f"best on fresh seeds {list(study.eval_seeds)}; the comparison runs on seeds {compare['seeds']} "
             f"(mean ± std; spikes per sample in brackets: per step for E and prediction, per sequence for "
             f"classification). N = {best.n_neurons}; synapses (seed {compare['seeds'][0]}): "
             + ", ".join(f"{k} {v}" for k, v in synapses.items()) + ".", "",
             comparison_table(summary), "", f"![comparison]({figure.name})", "",
             "## Search", "", "```", table(search), "```", "",
             "The pick ([pick.toml](pick.toml); `hrsnn evaluate --config pick.toml`): "
             + ", ".join(f"`{k}` = {_fmt(v)}" for k, v in searched.items()) + ".", ""]
    report = out / "report.md"
    report.write_text("\n".join(lines))
    return report
