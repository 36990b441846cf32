"""The default operating point, chosen by measurement: named candidate configs scored on E and on the development
tasks' validation splits (never their test splits), ranked on the efficiency studies' objectives.

An operating-point file holds::

    name = "operating-point"                    # results go to results/<name>/
    workers = 2
    weights = {classify = 0.05, predict = 2.0}  # price of 1000 spikes per sample, added to the task error
    min_mc = 5.0                                # candidates with a lower mean MC are not ranked
    references = ["driven"]                     # ranked for comparison, never picked (optional)
    incumbent = "previous"                      # a reference the pick must rank ahead of to replace (optional)
    [set]                                       # shared by every candidate
    n_neurons = 500
    [front]                                     # candidates from a `hrsnn frontier` summary (optional):
    summary = "../docs/frontier/summary.json"   # the points of an arm's front with MC >= min_mc on the search
    study = "memory"                            # seeds, each as the config it was evaluated with ("front MC 6.1",
    arm = "heterogeneous"                       # "… (knee)" for the arm's knee), and each of `knees`' arms' knee
    knees = ["homogeneous"]                     # ("homogeneous knee")
    [candidates]                                # name = dotted updates of [set]
    default = {}
    driven = {"input.scale" = 800.0, "input.bias" = 50.0}
    previous = {config = "previous-default.toml"}   # a config file's operating point (its fields outside stdp)
    [compare]                                   # optimize.studies.comparison; split = "validation" (the only choice)
    seeds = [0, 1, 2]
    classify = ["GunPoint"]
    predict = ["mackey_glass"]

Per task, each candidate's value is the mean over seeds of E (memory protocol), or of error + weight × spikes
per sample / 1000 (the ``tradeoff`` scalar of a task study); candidates are ranked per task and the lowest mean
rank outside ``references`` is the pick (ties go to the earlier candidate); with an ``incumbent`` (the default in
use, one of the references) the pick becomes the default only with a strictly better mean rank, else the incumbent
stays. E and the spike price both reward near-silence, so candidates whose mean memory capacity falls below
``min_mc`` are reported but not ranked.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from hrsnn import ReservoirConfig
from hrsnn.errors import ConfigError
from hrsnn.model.config import read_toml

from ..report.comparison import comparison_figure, comparison_table
from ..report.text import made_by, pm
from ..search.checks import StudyError, at_least, with_config
from .comparison import check_compare, compare_models, summarize_cells

KEYS = {"name", "workers", "weights", "min_mc", "set", "front", "candidates", "references", "incumbent", "compare"}

DEFAULT_WEIGHTS = {"classify": 0.05, "predict": 2.0}


def load_operating(path: str | Path, overrides: dict[str, Any] | None = None) -> dict:
    """The validated operating-point file: name, workers, weights, candidates (name → config), compare."""
    path = Path(path)
    raw = read_toml(path, "operating-point", StudyError)
    raw.update({k: v for k, v in (overrides or {}).items() if v is not None})
    unknown = sorted(set(raw) - KEYS)
    if unknown:
        raise StudyError(f"{unknown[0]}: unknown key; allowed: {', '.join(sorted(KEYS))}")
    given = raw.get("weights", {})
    if not isinstance(given, dict):
        raise StudyError(f"weights: a table such as {{classify = 0.05, predict = 2.0}}, got {given!r}")
    weights = {**DEFAULT_WEIGHTS, **given}
    for kind, w in weights.items():
        if kind not in DEFAULT_WEIGHTS:
            raise StudyError(f"weights.{kind}: unknown key; allowed: {', '.join(DEFAULT_WEIGHTS)}")
        at_least(w, 0.0, f"weights.{kind}")
    min_mc = at_least(raw.get("min_mc", 0.0), 0.0, "min_mc")
    workers = at_least(raw.get("workers", 1), 1, "workers", integer=True)
    try:
        base = ReservoirConfig().with_updates(raw.get("set", {}))
    except ConfigError as e:
        raise StudyError(f"set.{e}") from None
    candidates, found = _front_candidates(raw["front"], path.parent, min_mc) if "front" in raw else ({}, {})
    table = raw.get("candidates", {})
    if not isinstance(table, dict) or len(table) + len(candidates) < 2:
        raise StudyError("candidates: a table of at least two named candidates (name = {dotted updates})")
    table = {name: with_config(updates, path.parent, f"candidates.{name}") for name, updates in table.items()}
    for name, updates in table.items():
        if not isinstance(updates, dict):
            raise StudyError(f"candidates.{name}: a table of dotted updates, e.g. {{\"input.scale\" = 800.0}}")
        try:
            candidates[name] = base.with_updates(updates)
        except ConfigError as e:
            raise StudyError(f"candidates.{name}: {e}") from None
    references = raw.get("references", [])
    if not isinstance(references, list) or any(r not in candidates for r in references) \
            or len(set(references)) >= len(candidates):
        raise StudyError(f"references: a list of candidate names, leaving at least one candidate to pick; got "
                         f"{references!r}")
    incumbent = raw.get("incumbent")
    if incumbent is not None and incumbent not in references:
        raise StudyError(f"incumbent: one of the references ({', '.join(references) or 'none given'}); got "
                         f"{incumbent!r}")
    compare = raw.get("compare")
    compare = check_compare({"split": "validation", **compare} if isinstance(compare, dict) else compare,
                            what="an operating-point choice")
    if compare["split"] != "validation":
        raise StudyError("compare.split: an operating point is chosen on \"validation\"; the test splits stay unseen")
    return {"name": raw.get("name", path.stem), "workers": workers, "weights": weights, "min_mc": float(min_mc),
            "candidates": candidates, "references": list(references), "incumbent": incumbent,
            "updates": {**found, **{k: dict(v) for k, v in table.items()}}, "compare": compare}


def _front_candidates(front: Any, folder: Path, min_mc: float) -> tuple[dict, dict]:
    """(name → config, name → searched values) of the ``[front]`` table's front points and knees."""
    need = {"summary", "study", "arm", "knees"}
    if not isinstance(front, dict) or not {"summary", "study", "arm"} <= set(front) or set(front) - need \
            or not isinstance(front.get("knees", []), list):
        raise StudyError("front: a table with summary, study and arm (and optionally knees = [arms])")
    path = folder / str(front["summary"])
    if not path.is_file():
        raise StudyError(f"front.summary: no file {path} (`make frontier` writes it)")
    try:
        studies = json.loads(path.read_text())["studies"]
    except (ValueError, KeyError):
        raise StudyError(f"front.summary: {path} is not a `hrsnn frontier` summary.json") from None
    if front["study"] not in studies:
        raise StudyError(f"front.study: {front['study']!r} is not in {path.name}; it holds {', '.join(studies)}")
    arms = studies[front["study"]].get("arms", {})
    knees = front.get("knees", [])
    for arm in [front["arm"], *knees]:
        if arm not in arms or not arms[arm].get("points"):
            raise StudyError(f"front: the {front['study']} study has no {arm!r} front; it has {', '.join(arms)}")
    configs, values = {}, {}

    def add(name: str, point: dict) -> None:
        configs[name], values[name] = ReservoirConfig.from_dict(point["config"]), dict(point["params"])
    points, named = arms[front["arm"]]["points"], set()
    for i, p in sorted(enumerate(points), key=lambda ip: ip[1]["search"][0]):
        if p["search"][0] >= min_mc:
            name = f"front MC {p['search'][0]:.1f}"
            name = f"front MC {p['search'][0]:.3f}" if name in named else name
            named.add(name)
            add(name + (" (knee)" if i == arms[front["arm"]]["pick"] else ""), p)
    for arm in knees:
        if arms[arm].get("pick") is not None:
            add(f"{arm} knee", arms[arm]["points"][arms[arm]["pick"]])
    return configs, values


def objective(row: dict, weights: dict) -> float:
    """A cell's value to minimize: E, or the task error plus the weighted spikes per sample / 1000; a degenerate
    cell (silent, or stopped above ``task.max_rate``) is the worst, inf."""
    if row["degenerate"] or row["score"] is None:
        return math.inf
    if row["kind"] == "memory":
        return float(row["score"])
    error = 1.0 - row["score"] if row["kind"] == "classify" else row["score"]
    return error + weights[row["kind"]] * row["spikes_per_sample"] / 1000.0


def rank(rows: list[dict], weights: dict, references: tuple[str, ...] = ()) -> dict:
    """Per task the candidates' mean objective and rank (1 = best, ties share the mean rank), their mean rank
    over tasks, and the pick (the best mean rank outside ``references``; None if only references are ranked)."""
    from scipy.stats import rankdata
    labels = list(dict.fromkeys(r["model"] for r in rows))
    tasks = list(dict.fromkeys(r["task"] for r in rows))
    values = {t: [float(np.mean([objective(r, weights) for r in rows if r["task"] == t and r["model"] == m]))
                  for m in labels] for t in tasks}
    ranks = {t: rankdata(v).tolist() for t, v in values.items()}
    mean_rank = {m: float(np.mean([ranks[t][i] for t in tasks])) for i, m in enumerate(labels)}
    pickable = [m for m in labels if m not in references]
    pick = min(pickable, key=lambda m: (mean_rank[m], labels.index(m))) if pickable else None
    return {"values": values, "ranks": ranks, "mean_rank": mean_rank, "pick": pick, "labels": labels}


def _default(ranking: dict | None, incumbent: str | None) -> str | None:
    """The default the ranking gives: its pick, unless the incumbent ranks as well or better."""
    if not ranking or not ranking["pick"]:
        return None
    pick, mean = ranking["pick"], ranking["mean_rank"]
    return incumbent if incumbent in mean and mean[incumbent] <= mean[pick] else pick


def _updates(updates: dict) -> str:
    return ", ".join(f"`{k}` = {v:.3g}" if isinstance(v, float) else f"`{k}` = {v}"
                     for k, v in updates.items()) or "the [set] config as it is"


def run_operating(path: str | Path, studies_dir: str | Path = "studies", results_dir: str | Path = "results",
                  progress: bool = True, overrides: dict[str, Any] | None = None) -> Path:
    """Score every candidate (cells already in ``cells.jsonl`` are reused), rank them, write ``report.md``,
    ``comparison.json|png`` and ``pick.toml`` under ``results_dir``/<name> (``studies_dir`` is unused: nothing is
    searched, the argument keeps the signature of the other report commands)."""
    spec = load_operating(path, overrides)
    out = Path(results_dir) / spec["name"]
    out.mkdir(parents=True, exist_ok=True)
    rows = compare_models(spec["candidates"], spec["compare"], spec["workers"], progress, out / "cells.jsonl")
    summary = summarize_cells(rows)
    memory = next(e["models"] for e in summary if e["kind"] == "memory")
    eligible = [m for m, v in memory.items() if v["memory_capacity"][0] >= spec["min_mc"]]
    kept = [r for r in rows if r["model"] in eligible]
    refs = tuple(spec["references"])
    ranking = rank(kept, spec["weights"], refs) if kept else None
    unpriced = rank(kept, {kind: 0.0 for kind in spec["weights"]}, refs) if kept else None
    default = _default(ranking, spec["incumbent"])
    if default:
        spec["candidates"][default].save(out / "pick.toml")
    (out / "comparison.json").write_text(json.dumps(
        {"rows": rows, "summary": summary, "eligible": eligible, "ranking": ranking, "unpriced": unpriced,
         "weights": spec["weights"], "min_mc": spec["min_mc"], "references": spec["references"],
         "incumbent": spec["incumbent"], "default": default, "updates": spec["updates"],
         "compare": spec["compare"]}, indent=2, default=str))
    figure = comparison_figure(summary, out / "comparison.png")
    w, c = spec["weights"], spec["compare"]
    lines = [f"# {spec['name']}: which operating point do the development tasks want?", "",
             made_by(f"hrsnn operating-point {path}") + f". Seeds {c['seeds']}; tasks "
             "scored on a validation hold-out of their training data (the test splits are not touched); E on the "
             "memory protocol. Mean ± std over seeds, spikes per sample in brackets (per step for E and prediction, "
             "per sequence for classification).", "", "Candidates (updates of the shared [set]; a front point: its "
             "searched values):", ""]
    lines += [f"- **{m}**: {_updates(spec['updates'][m])}" for m in memory]
    lines += ["", comparison_table(summary), "", "Memory capacity and mean rate (memory protocol): " + "; ".join(
        f"{m} MC {pm(v['memory_capacity'])}, {pm(v['rate_hz'])} Hz" for m, v in memory.items()) + ".", "",
        f"![comparison]({figure.name})", "", "## Ranking", "",
        f"Candidates with a mean MC below min_mc = {spec['min_mc']:g} are not ranked (E rewards near-silence: "
        f"{', '.join(m for m in memory if m not in eligible) or 'none'}). Per task the value minimized is E, or "
        f"error + weight × spikes per sample / 1000 (weight {w['classify']:g} for classification, {w['predict']:g} "
        "for prediction: the efficiency studies' trade-off); rank 1 is the lowest. The last column ranks on E and "
        "the task errors alone (spikes not priced)."
        + (f" References, ranked but never picked: {', '.join(refs)}." if refs else ""), ""]
    if ranking and ranking["pick"]:
        tasks = list(ranking["ranks"])
        lines += ["| candidate | " + " | ".join(tasks) + " | mean rank | unpriced mean rank |",
                  "|---|" + "---|" * (len(tasks) + 2)]
        lines += [f"| {m} | " + " | ".join(f"{ranking['ranks'][t][i]:g}" for t in tasks)
                  + f" | {ranking['mean_rank'][m]:.2f} | {unpriced['mean_rank'][m]:.2f} |"
                  for i, m in enumerate(ranking["labels"])]
        pick = ranking["pick"]
        lines += ["", f"**Pick: {pick}** ({_updates(spec['updates'][pick])}). With spikes not priced: "
                  f"{unpriced['pick']}.", ""]
        if default != pick:
            lines += [f"**The incumbent, {default}, stays**: the pick does not rank ahead of it (mean rank "
                      f"{ranking['mean_rank'][pick]:.2f} against {ranking['mean_rank'][default]:.2f}; "
                      "[pick.toml](pick.toml) holds it).", ""]
        else:
            lines += ["The pick is the default ([pick.toml](pick.toml)).", ""]
    else:
        lines += [f"**No pick**: no candidate{' other than a reference' if refs else ''} reaches MC "
                  f"{spec['min_mc']:g}.", ""]
    report = out / "report.md"
    report.write_text("\n".join(lines))
    return report
