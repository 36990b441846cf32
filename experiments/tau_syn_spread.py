"""Does a spread of the synaptic decay τ_syn matter? MC and rate (memory protocol) at the default and at the full
HRSNN's memory knee (experiments/picks/memory/hrsnn-bo.toml), τ_syn ~ Gamma(5 ms, CV) for CV 0, 0.5 and 1, on
fresh seeds 10-14 (each network the same but for its τ_syn draw), against CV 0 seed by seed.

    python experiments/tau_syn_spread.py [--out results/tau_syn]    # docs/tau_syn/report.md
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import hrsnn
from hrsnn import ReservoirConfig

ROOT = Path(__file__).resolve().parents[1]
POINTS = {"default": None, "memory knee (hrsnn-bo)": ROOT / "experiments" / "picks" / "memory" / "hrsnn-bo.toml"}
CVS = (0.0, 0.5, 1.0)
SEEDS = (10, 11, 12, 13, 14)


def measure(config: ReservoirConfig) -> dict[float, np.ndarray]:
    """CV → (seeds × [MC, rate Hz]) with τ_syn ~ Gamma(its mean, CV)."""
    mean = config.neuron.tau_syn.mean
    out = {}
    for cv in CVS:
        cfg = config.with_updates({"neuron.tau_syn": {"dist": "gamma", "mean": mean, "cv": cv}})
        out[cv] = np.array([[r.memory_capacity, r.rate_hz]
                            for r in hrsnn.evaluate_many(cfg, seeds=list(SEEDS), progress=False)])
    return out


def report(results: dict[str, dict[float, np.ndarray]]) -> str:
    lines = [f"τ_syn spread: MC and rate over seeds {list(SEEDS)} (mean ± std); change against CV 0 seed by seed "
             "(mean ± std of the paired differences)", "",
             "| point | τ_syn CV | MC | rate (Hz) | ΔMC | Δrate (Hz) |", "|---|---|---|---|---|---|"]
    for name, by_cv in results.items():
        base = by_cv[0.0]
        for cv, vals in by_cv.items():
            d = vals - base
            lines.append(f"| {name} | {cv:g} | {vals[:, 0].mean():.2f} ± {vals[:, 0].std():.2f} | "
                         f"{vals[:, 1].mean():.2f} ± {vals[:, 1].std():.2f} | "
                         f"{d[:, 0].mean():+.2f} ± {d[:, 0].std():.2f} | "
                         f"{d[:, 1].mean():+.2f} ± {d[:, 1].std():.2f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="results/tau_syn", help="folder of report.md")
    args = parser.parse_args()
    results = {name: measure(ReservoirConfig.load(path) if path else ReservoirConfig())
               for name, path in POINTS.items()}
    text = report(results)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
