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
from pathlib import Path
from typing import Any

from hrsnn import ReservoirConfig
from hrsnn.model.config import read_toml
from hrsnn.model.parameters import Parameters
from hrsnn.model.seeds import seed_streams
from hrsnn.model.topology import matched_random

from ..report.comparison import comparison_figure, comparison_table
from ..report.matched import table
from ..report.text import made_by
from ..search.checks import StudyError
from ..search.study import Study, parse_study
from .comparison import check_compare, compare_models, summarize_cells
from .matched import run_matched, save_matched

WIRINGS = ("scml (searched)", "random (same synapses)")


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


def _dotted(data: dict, key: str):
    """A dotted field of a config dict (a constant distribution's spread is 0)."""
    for part in key.split("."):
        if not isinstance(data, dict):
            return 0.0 if part in ("cv", "std") else data
        data = data.get(part)
    return data


def _fmt(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def run_architecture(path: str | Path, studies_dir: str | Path = "studies", results_dir: str | Path = "results",
                     progress: bool = True, overrides: dict[str, Any] | None = None) -> Path:
    """Run (or resume) the search, compare its pick with matched random wiring, write ``report.md``."""
    study, compare = load_search(path, overrides)
    matched = run_matched(study, resume=True, out_dir=studies_dir, progress=progress)
    search = save_matched(matched, studies_dir)
    if progress:
        print(f"\n{study.name}:\n{table(search)}")
    out = Path(results_dir) / study.name
    out.mkdir(parents=True, exist_ok=True)
    made = (made_by(f"hrsnn architecture {path}") + f". {study.calls} trials "
            f"× {study.repeats} repeat(s), objective {study.objective} on seeds {list(study.seeds)}; the pick is the "
            f"best on fresh seeds {list(study.eval_seeds)}")
    search_lines = ["## Search", "", "```", table(search), "```", ""]
    pick = search["arms"][study.arms[0]].get("config")
    if not pick:
        report = out / "report.md"
        report.write_text("\n".join([f"# {study.name}: no finite pick", "", made + ".", "",
                                      "**Verdict: no finite pick.** Every repeat's best went degenerate on a fresh "
                                      "seed (silent, runaway or below `task.min_mc`), so there is nothing to "
                                      "compare with random wiring.", "", *search_lines]))
        if progress:
            print(f"verdict: no finite pick (every pick went degenerate on a fresh seed); written: {report}")
        return report
    best = ReservoirConfig.load(pick)
    configs = dict(zip(WIRINGS, (best, matched_random(best, compare["seeds"][0]))))
    rows = compare_models(configs, compare, study.workers, progress)
    summary = summarize_cells(rows)
    best.save(out / "pick.toml")
    synapses = {label: Parameters.draw(cfg, 1, seed_streams(compare["seeds"][0])[0]).n_synapses
                for label, cfg in configs.items()}
    (out / "comparison.json").write_text(json.dumps({"rows": rows, "summary": summary, "synapses": synapses,
                                                     "configs": {k: c.to_dict() for k, c in configs.items()}},
                                                    indent=2, default=str))
    figure = comparison_figure(summary, out / "comparison.png", ["scml", "random"])
    searched = {d.field: _dotted(best.to_dict(), d.field) for d in study.space}
    lines = [f"# {study.name}: searched SC-ML reservoir vs random wiring of the same size and synapse count", "",
             made + f"; the comparison runs on seeds {compare['seeds']} "
             f"(mean ± std; spikes per sample in brackets: per step for E and prediction, per sequence for "
             f"classification). N = {best.n_neurons}; synapses (seed {compare['seeds'][0]}): "
             + ", ".join(f"{k} {v}" for k, v in synapses.items()) + ".", "",
             comparison_table(summary), "", f"![comparison]({figure.name})", "",
             *search_lines,
             "The pick ([pick.toml](pick.toml); `hrsnn evaluate --config pick.toml`): "
             + ", ".join(f"`{k}` = {_fmt(v)}" for k, v in searched.items()) + ".", ""]
    report = out / "report.md"
    report.write_text("\n".join(lines))
    return report
