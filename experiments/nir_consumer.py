"""make nir-consumer: an hrsnn reservoir exported as NIR (cubalif form) and run by external NIR importers — Norse
and snnTorch — on the same event input as hrsnn's kernel; spike counts per neuron compared.

Needs torch, norse and snntorch beside hrsnn (``make nir-consumer`` installs them in .venv-nir). Writes
``<out>/summary.json`` and ``<out>/report.md``.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import time
from pathlib import Path

import numpy as np

from hrsnn import ReservoirConfig
from hrsnn.sim.eventsim import run_eventsim
from hrsnn.tasks.export import export_nir, trained_parameters

REGIMES = {"default levers": {}, "input scale 200 pA": {"input.scale": 200.0}}
"""Reservoirs compared: the default levers, and a weaker input (more of the activity is recurrent)."""
EXACT = {"input.encoding": "events", "neuron.t_ref": 0.0, "synapses.delay": 0.1, "stdp.enabled": False}
"""What the cubalif form holds exactly: event input, no refractory period, delays = dt, the reservoir as drawn."""


def hrsnn_counts(config: ReservoirConfig, seed: int, counts: np.ndarray) -> np.ndarray:
    params = trained_parameters(config, seed, n_channels=counts.shape[1])
    run = run_eventsim(config, seed, [], counts, params=params)[1]
    return np.bincount(run.spike_i, minlength=config.n_neurons).astype(float)


def torch_counts(module, config: ReservoirConfig, counts: np.ndarray) -> np.ndarray:
    """Per-neuron spike counts of an imported module stepped once per dt, the counts of each input step arriving
    in its first time step."""
    import torch
    step = int(round(config.input.step / config.dt))
    silent = torch.zeros(1, counts.shape[1])
    total, state = torch.zeros(config.n_neurons), None
    with torch.no_grad():
        for row in counts:
            x = torch.tensor(row[None], dtype=torch.float32)
            for j in range(step):
                out, state = module(x if j == 0 else silent, state)
                total += out[0]
    return total.numpy().astype(float)


def norse_module(graph):
    import norse.torch as norse
    return norse.from_nir(graph, dt=float(graph.metadata["dt"]))


def snntorch_module(graph):
    from snntorch.import_nir import import_from_nir
    with contextlib.redirect_stdout(io.StringIO()):        # its importer prints a line per rescaled node
        return import_from_nir(graph)


CONSUMERS = {"norse": norse_module, "snntorch": snntorch_module}


def compare(ours: np.ndarray, theirs: np.ndarray, seconds: float) -> dict:
    n = len(ours)
    return {"rate_hrsnn": ours.sum() / n / seconds, "rate": theirs.sum() / n / seconds,
            "rate_ratio": theirs.sum() / max(ours.sum(), 1.0),
            "correlation": float(np.corrcoef(ours, theirs)[0, 1]) if ours.std() > 0 and theirs.std() > 0 else None,
            "median_relative_difference": float(np.median(np.abs(theirs - ours) / np.maximum(ours, 1.0)))}


def main() -> None:
    import nir
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="results/nir-consumer")
    ap.add_argument("--neurons", type=int, default=200)
    ap.add_argument("--channels", type=int, default=20)
    ap.add_argument("--rate", type=float, default=20.0, help="input events per channel and second")
    ap.add_argument("--steps", type=int, default=400, help="input steps (5 ms each)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3], help="reservoir seeds")
    ap.add_argument("--input-seed", type=int, default=0)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for regime, updates in REGIMES.items():
        config = ReservoirConfig().with_updates({"n_neurons": args.neurons, **EXACT, **updates})
        seconds = args.steps * config.input.step * 1e-3
        counts = np.random.default_rng(args.input_seed).poisson(args.rate * config.input.step * 1e-3,
                                                               (args.steps, args.channels)).astype(float)
        for seed in args.seeds:
            path = export_nir(config, seed, out / f"reservoir-{len(rows)}.nir", form="cubalif",
                              n_channels=args.channels)
            ours = hrsnn_counts(config, seed, counts)
            for name, load in CONSUMERS.items():
                t0 = time.perf_counter()
                graph = nir.read(path)                      # importers may rewrite the graph they are given
                try:
                    result = compare(ours, torch_counts(load(graph), config, counts), seconds)
                except Exception as e:                      # an importer that refuses the graph is a result
                    result = {"rate_hrsnn": ours.sum() / len(ours) / seconds, "error": f"{type(e).__name__}: {e}"}
                result.update(regime=regime, seed=seed, consumer=name, seconds=round(time.perf_counter() - t0, 1))
                rows.append(result)
                print(json.dumps(result))
    setup = {"neurons": args.neurons, "channels": args.channels, "input_rate_hz": args.rate, "steps": args.steps,
             "seeds": args.seeds, "input_seed": args.input_seed, "regimes": REGIMES, "exact": EXACT,
             "dt_ms": ReservoirConfig().dt}
    (out / "summary.json").write_text(json.dumps({"setup": setup, "runs": rows}, indent=2, default=str))
    (out / "report.md").write_text(report(setup, rows))
    print(f"written: {out / 'report.md'}")


def _spread(runs: list[dict], key: str, fmt: str) -> str:
    """Mean ± std of ``key`` over ``runs`` (– when no run has a value)."""
    v = np.array([np.nan if r[key] is None else r[key] for r in runs], dtype=float)
    return f"{np.nanmean(v):{fmt}} ± {np.nanstd(v):{fmt}}" if np.isfinite(v).any() else "–"


def report(setup: dict, rows: list[dict]) -> str:
    lines = ["# An exported reservoir in external NIR importers\n",
             f"`make nir-consumer`: N = {setup['neurons']} reservoirs at the default config with {setup['exact']}, "
             f"exported with `hrsnn export-nir --form cubalif`, driven by {setup['channels']} Poisson event "
             f"channels at {setup['input_rate_hz']:g} Hz for {setup['steps']} input steps (input seed "
             f"{setup['input_seed']}); reservoir seeds {setup['seeds']}. Each importer steps the graph at dt = {setup['dt_ms']:g} ms."
             "\n", "| regime | consumer | rate hrsnn (Hz) | rate consumer (Hz) | consumer / hrsnn | per-neuron "
             "correlation | median per-neuron difference |", "|---|---|---|---|---|---|---|"]
    for regime in dict.fromkeys(r["regime"] for r in rows):
        for consumer in CONSUMERS:
            runs = [r for r in rows if r["regime"] == regime and r["consumer"] == consumer]
            ours = f"{np.mean([r['rate_hrsnn'] for r in runs]):.2f}"
            if any("error" in r for r in runs):
                lines.append(f"| {regime} | {consumer} | {ours} | refused: {runs[0].get('error', '')} | | | |")
                continue
            cells = [_spread(runs, key, fmt) for key, fmt in (("rate", ".2f"), ("rate_ratio", ".3f"),
                                                              ("correlation", ".3f"),
                                                              ("median_relative_difference", ".1%"))]
            lines.append(f"| {regime} | {consumer} | {ours} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
