"""Compile once per structure, run many: the reservoir as a Brian2 ``cpp_standalone`` binary.

A *structure* is everything that shapes the generated code or its wiring: network size and connectivity rule,
the wiring seed, the delay distribution, whether STDP and intrinsic plasticity are on, dt, the input step and the
steps of each phase. Its binary is built once (in a subprocess, so Brian2's global device state never leaks into
the caller) and cached on disk under
``$HRSNN_CACHE_DIR/standalone/<key>``. Every other value (per-neuron and per-synapse parameters, weights,
initial voltages, the input currents) is passed to the binary as run arguments, so a new
parameter set, input or distribution costs one run of the binary and no compilation. Runs of one binary are
independent processes and may proceed in parallel.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from ..errors import HRSNNError
from ..model import encoding
from ..model.config import ReservoirConfig
from ..model.parameters import Parameters
from ..model.seeds import seed_streams
from .network import LIF_MODEL, LIF_RESET, LIF_STEP, stdp_equations
from .states import RunResult, StateSpec

ENGINE_VERSION = 3  # bump when the generated network changes in a way the model strings do not show


def cache_root() -> Path:
    root = os.environ.get("HRSNN_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "hrsnn")
    return Path(root).absolute() / "standalone"


def structure(config: ReservoirConfig, seed: int, n_train: int, n_eval: int, n_channels: int,
              threads: int) -> dict:
    """What one compiled binary is specific to (its hash is the cache key)."""
    import brian2
    sc = config.synapses
    stdp = stdp_equations(config.stdp.rule, config.stdp.pairing)
    return dict(engine=ENGINE_VERSION, brian2=brian2.__version__, model=[LIF_MODEL, LIF_STEP, LIF_RESET, *stdp],
                n_neurons=config.n_neurons, n_exc=config.n_exc,
                p=[sc.p_ee, sc.p_ei, sc.p_ie, sc.p_ii], topology=config.topology.to_dict(), delay=sc.delay.to_dict(),
                stdp=config.stdp.enabled, ip=config.ip.enabled,
                dt=config.dt, step=config.input.step, seed=int(seed),
                n_train=int(n_train), n_eval=int(n_eval), n_channels=int(n_channels), threads=int(threads))


def _key(spec: dict) -> str:
    return hashlib.sha1(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]


class StandaloneEngine:
    """Runs reservoirs as cached ``cpp_standalone`` binaries; ``threads`` > 1 uses OpenMP inside one run."""

    def __init__(self, threads: int = 1, cache_dir: str | Path | None = None):
        self.threads = int(threads)
        self.cache_dir = Path(cache_dir) if cache_dir else cache_root()
        self.compiles = 0          # binaries built by this engine (not found in the cache)
        self.compile_s = 0.0

    # --- building ---------------------------------------------------------------------------------
    def project(self, config: ReservoirConfig, seed: int, n_train: int, n_eval: int,
                n_channels: int = 1, progress: bool = False) -> Path:
        """The directory of the compiled binary for this structure, building it if needed."""
        if config.input.encoding != "current":
            raise HRSNNError(f"target standalone: input.encoding {config.input.encoding!r} is not supported; "
                             "use target 'numba' (events), 'cython' or 'numpy'")
        spec = structure(config, seed, n_train, n_eval, n_channels, self.threads)
        path = self.cache_dir / _key(spec)
        if (path / "manifest.json").exists():
            return path
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        if progress:
            print(f"hrsnn: compiling the standalone reservoir for this structure (once; cached in {path})",
                  file=sys.stderr, flush=True)
        tmp = Path(tempfile.mkdtemp(prefix=path.name + ".build-", dir=self.cache_dir))
        start = time.perf_counter()
        job = {"config": config.to_dict(), "seed": int(seed), "n_train": int(n_train), "n_eval": int(n_eval),
               "n_channels": int(n_channels), "threads": self.threads, "spec": spec}
        (tmp / "job.json").write_text(json.dumps(job))
        proc = subprocess.run([sys.executable, "-m", "hrsnn.sim.standalone", str(tmp)], capture_output=True, text=True)
        if proc.returncode != 0 or not (tmp / "manifest.json").exists():
            shutil.rmtree(tmp, ignore_errors=True)
            tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
            raise HRSNNError(f"standalone build failed:\n{tail}")
        try:
            tmp.rename(path)
        except OSError:                     # another process built the same structure first
            shutil.rmtree(tmp, ignore_errors=True)
        self.compiles += 1
        self.compile_s += time.perf_counter() - start
        return path

    # --- running ----------------------------------------------------------------------------------
    def run(self, config: ReservoirConfig, seed: int, u_train, u_eval, params: Parameters | None = None,
            progress: bool = False) -> tuple[RunResult | None, RunResult, Parameters]:
        """STDP phase on ``u_train`` (may be empty), frozen phase on ``u_eval``: the same spikes as
        ``Reservoir(config, seed)`` with ``train_stdp(u_train)`` then ``run(u_eval)``."""
        import brian2 as b2

        from .network import variable_values
        u_eval = encoding.as_input(u_eval, name="u_eval")
        n_channels = u_eval.shape[1]
        u_train = (encoding.as_input(u_train, n_channels, name="u_train") if len(u_train)
                   else np.zeros((0, n_channels)))
        if params is None:
            params = Parameters.draw(config, n_channels, seed_streams(seed)[0])
        project = self.project(config, seed, len(u_train), len(u_eval), n_channels, progress)
        manifest = json.loads((project / "manifest.json").read_text())
        if manifest["wiring"] != wiring_digest(params):
            raise HRSNNError("standalone: the parameters' wiring does not match the compiled structure")
        values = {f"{obj}.{var}": np.asarray(q, dtype=float)
                  for (obj, var), q in variable_values(b2, config, params).items()}
        current = encoding.input_current(config.input, params.w_in, np.vstack([u_train, u_eval])) * 1e-12
        wall = time.perf_counter()
        out = _run_binary(project, manifest, values, current)
        wall = time.perf_counter() - wall
        step = config.input.step * 1e-3
        t_split = len(u_train) * step
        phases = []
        for lo, hi, n_steps in ((0.0, t_split, len(u_train)), (t_split, np.inf, len(u_eval))):
            keep = (out["spike_t"] >= lo - 1e-12) & (out["spike_t"] < hi - 1e-12)
            i, t = out["spike_i"][keep].astype(np.int64), out["spike_t"][keep] - lo
            phases.append(RunResult(i, t, StateSpec.of(config), config.n_neurons, n_steps, n_steps * step,
                                    wall * n_steps / (len(u_train) + len(u_eval))))
        if "w" in out:
            params.w = out["w"]
        if config.ip.enabled:
            params.v_th = out["v_th"] * 1e3
        return (phases[0] if len(u_train) else None), phases[1], params


_DEFAULT: StandaloneEngine | None = None


def default_engine() -> StandaloneEngine:
    """The process-wide engine used by ``hrsnn.evaluate`` (one OpenMP thread per run)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = StandaloneEngine()
    return _DEFAULT


def wiring_digest(params: Parameters) -> str:
    h = hashlib.sha1()
    for a in (params.ee_pre, params.ee_post, params.st_pre, params.st_post):
        h.update(np.ascontiguousarray(a, dtype=np.int32).tobytes())
    return h.hexdigest()


def _run_binary(project: Path, manifest: dict, values: dict[str, np.ndarray], current: np.ndarray) -> dict:
    with tempfile.TemporaryDirectory(prefix="run-", dir=project) as tmp:
        args = []
        for name, spec in manifest["args"].items():
            arr = np.ascontiguousarray(values[name], dtype=spec["dtype"]).ravel()
            if arr.size == 1:
                args.append(f"{name}={arr.item()!r}")
                continue
            if arr.size != spec["size"]:
                raise HRSNNError(f"standalone: {name} has {arr.size} values, the binary expects {spec['size']}")
            path = os.path.join(tmp, name + ".dat")
            arr.tofile(path)
            args.append(f"{name}={path}")
        stim = np.ascontiguousarray(current, dtype=float)
        if list(stim.shape) != manifest["stim_shape"]:
            raise HRSNNError(f"standalone: input of shape {stim.shape}, the binary expects {manifest['stim_shape']}")
        stim.tofile(os.path.join(tmp, "stim.dat"))
        args.append(f"stim.values={os.path.join(tmp, 'stim.dat')}")
        proc = subprocess.run([str(project / "main"), "--results_dir", tmp + "/", *args], cwd=project,
                              capture_output=True, text=True)
        if proc.returncode != 0 or "Error" in proc.stderr:
            raise HRSNNError(f"standalone run failed: {(proc.stderr or proc.stdout).strip()[-500:]}")
        return {name: np.fromfile(os.path.join(tmp, spec["file"]), dtype=spec["dtype"])
                for name, spec in manifest["outputs"].items()}


def _build(directory: Path) -> None:
    """Subprocess entry point: generate and compile the project described by ``directory/job.json``."""
    import brian2 as b2

    from .network import create_objects, set_ip, set_plastic, variable_values
    job = json.loads((directory / "job.json").read_text())
    config = ReservoirConfig.from_dict(job["config"])
    b2.prefs.logging.file_log = False
    b2.set_device("cpp_standalone", directory=str(directory), build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = job["threads"]
    b2.defaultclock.dt = config.dt * b2.ms
    n_channels, n_train, n_eval = job["n_channels"], job["n_train"], job["n_eval"]
    params = Parameters.draw(config, n_channels, seed_streams(job["seed"])[0])
    stim = b2.TimedArray(np.zeros((n_train + n_eval, config.n_neurons)) * b2.amp, dt=config.input.step * b2.ms,
                         name="stim")
    objs = create_objects(b2, config, params, stim)
    mon = b2.SpikeMonitor(objs["neurons"], name="spikes")
    net = b2.Network(*objs.values(), mon)
    step = config.input.step * b2.ms
    if n_train:
        if "ee" in objs:
            set_plastic(objs["ee"], config.stdp.enabled)
        set_ip(objs["neurons"], config.ip.enabled)
        net.run(n_train * step, namespace={})
    if "ee" in objs:
        set_plastic(objs["ee"], False)
    set_ip(objs["neurons"], False)
    net.run(n_eval * step, namespace={})
    b2.device.build(directory=str(directory), compile=True, run=False)
    args = {}
    values = variable_values(b2, config, params)
    for (obj, var), value in values.items():   # run-argument names are "<object>.<variable>"
        args[f"{obj}.{var}"] = {"dtype": np.dtype(getattr(objs[obj], var).dtype).str, "size": int(np.size(value))}
    outputs = {"spike_i": mon.variables["i"], "spike_t": mon.variables["t"],
               "v_th": objs["neurons"].variables["v_th"]}
    if "ee" in objs:
        outputs["w"] = objs["ee"].variables["w"]
    manifest = {
        "args": args, "stim_shape": [n_train + n_eval, config.n_neurons], "wiring": wiring_digest(params),
        "outputs": {k: {"file": b2.device.get_array_filename(v), "dtype": np.dtype(v.dtype).str}
                    for k, v in outputs.items()},
        "structure": job["spec"],
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1))


if __name__ == "__main__":
    from ..parallel import exit_with_parent
    exit_with_parent()
    _build(Path(sys.argv[1]))
