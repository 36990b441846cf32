"""``hrsnn optimize`` of a single-arm study: its outputs (best config, figures, summary) and the best's homogeneous
twin."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hrsnn.provenance import provenance

from ..run.loop import StudyRun
from ..search.objectives import score
from ..search.study import Study


def baseline(study: Study, params: dict, progress: bool = False) -> dict[str, dict]:
    """The best config and its homogeneous twin (same means), evaluated on the study's seeds."""
    from hrsnn import evaluate_many
    config = study.config_for(params)
    out = {}
    for name, cfg in (("optimized", config), ("homogeneous twin", config.homogeneous())):
        res = evaluate_many([cfg] * len(study.seeds), list(study.seeds), target=study.target, progress=progress)
        dicts = [r.to_dict() for r in res]
        _, summary, status, reason = score(study, dicts)
        out[name] = {**summary, "status": status, "reason": reason}
    return out


def save_outputs(run: StudyRun, out_dir: str | Path, with_baseline: bool = True) -> dict[str, Any]:
    """Best config (TOML), convergence and objective plots, and a JSON summary under ``out_dir/<name>/``."""
    from ..report.plots import convergence_plot, objective_plot
    folder = Path(out_dir) / run.study.name
    folder.mkdir(parents=True, exist_ok=True)
    best = run.best
    summary: dict[str, Any] = {"study": run.study.name, "trials": len(run.trials),
                               "ok": sum(t.status == "ok" for t in run.trials),
                               "degenerate": sum(t.status == "degenerate" for t in run.trials),
                               "failed": sum(t.status == "failed" for t in run.trials),
                               "objective": run.study.objective, "seeds": list(run.study.seeds)}
    if best is not None:
        summary["best"] = {"trial": best.id, "params": best.params, "objective": best.objective, "E": best.E,
                           "mc": best.mc, "rate_hz": best.rate_hz}
        run.study.config_for(best.params).save(folder / "best.toml")
        summary["best_config"] = str(folder / "best.toml")
        if with_baseline:
            summary["comparison"] = baseline(run.study, best.params)
    summary["plots"] = [str(convergence_plot(run, folder / "convergence.png")),
                        str(objective_plot(run, folder / "objective.png"))]
    summary["provenance"] = provenance()
    (folder / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    return summary
