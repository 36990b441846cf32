"""Heterogeneous reservoir vs its homogeneous twin over several seeds (the demo's main job)."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ConfigError
from ..model.config import ABLATIONS, ReservoirConfig
from .evaluate import EfficiencyResult, evaluate_many


@dataclass
class Comparison:
    """Results per variant name, one ``EfficiencyResult`` per seed."""

    results: dict[str, list[EfficiencyResult]]

    def summary(self) -> list[dict]:
        rows = []
        for name, res in self.results.items():
            def stat(key):
                v = np.array([getattr(r, key) for r in res], dtype=float)
                finite = v[np.isfinite(v)]
                return (float(finite.mean()) if len(finite) else math.inf,
                        float(finite.std()) if len(finite) else 0.0)
            rows.append(dict(model=name, seeds=[r.seed for r in res], n_degenerate=sum(r.degenerate for r in res),
                             **{k: stat(k) for k in ("E", "memory_capacity", "rate_hz", "spikes", "wall_s")}))
        return rows

    def table(self) -> str:
        head = f"{'model':<9} {'E (Hz/MC)':>16} {'MC':>14} {'rate (Hz)':>14} {'spikes':>16} {'degenerate':>10}"
        lines = [head, "-" * len(head)]
        for r in self.summary():
            def pm(key, fmt):
                m, s = r[key]
                return f"{m:{fmt}} ± {s:{fmt}}" if math.isfinite(m) else "inf"
            lines.append(f"{r['model']:<9} {pm('E', '.3f'):>16} {pm('memory_capacity', '.2f'):>14} "
                         f"{pm('rate_hz', '.2f'):>14} {pm('spikes', '.0f'):>16} "
                         f"{r['n_degenerate']:>4}/{len(r['seeds'])}")
        return "\n".join(lines)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {name: [r.to_dict() for r in res] for name, res in self.results.items()}
        path.write_text(json.dumps({"summary": self.summary(), "results": data}, indent=2, default=str))
        return path


def compare(config: ReservoirConfig, seeds: list[int], models=("HRSNN", "MRSNN"), target: str = "auto",
            progress: bool = True, keep_runs: bool = False, workers: int | None = None) -> Comparison:
    """Evaluate the configured (heterogeneous) reservoir and its ablations (``ABLATIONS``) on the same seeds,
    in parallel processes (``workers``, default all cores)."""
    unknown = [m for m in models if m not in ABLATIONS]
    if unknown:
        raise ConfigError(f"models: unknown {unknown}; allowed: {', '.join(ABLATIONS)}")
    jobs = [(name, seed) for name in models for seed in seeds]
    configs = [config.homogeneous(**ABLATIONS[name]) for name, _ in jobs]
    flat = evaluate_many(configs, [seed for _, seed in jobs], workers=workers, target=target,
                         progress=progress, keep_run=keep_runs)
    results: dict[str, list[EfficiencyResult]] = {name: [] for name in models}
    for (name, _), result in zip(jobs, flat):
        results[name].append(result)
    return Comparison(results)
