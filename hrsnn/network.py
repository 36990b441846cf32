"""The heterogeneous LIF reservoir with heterogeneous STDP, simulated with Brian2.

All random draws (per-neuron parameters, connectivity, delays, per-synapse STDP parameters, input weights,
Poisson input) come from numpy generators spawned from one seed, so a reservoir is fully determined by
``(config, seed)``. Brian2 only integrates; it draws nothing.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from . import encoding
from .config import ReservoirConfig
from .states import filtered_traces, spike_counts

LIF_MODEL = """
dv/dt = (v_rest - v + R * (I_syn + I_ext)) / tau_m : volt (unless refractory)
dI_syn/dt = -I_syn / tau_syn : amp
I_ext = stim(t - t_start, i) : amp
tau_m : second (constant)
v_th : volt (constant)
t_ref : second (constant)
v_rest : volt (constant)
v_reset : volt (constant)
R : ohm (constant)
tau_syn : second (constant)
t_start : second (shared)
"""

STDP_MODEL = """
w : 1
J : amp (constant, shared)
w_max : 1 (constant, shared)
tau_plus : second (constant)
tau_minus : second (constant)
a_plus : 1 (constant)
a_minus : 1 (constant)
plastic : 1 (shared)
dapre/dt = -apre / tau_plus : 1 (event-driven)
dapost/dt = -apost / tau_minus : 1 (event-driven)
"""
STDP_ON_PRE = """
I_syn_post += w * J
apre += 1
w = clip(w - plastic * a_minus * w_max * apost, 0, w_max)
"""
STDP_ON_POST = """
apost += 1
w = clip(w + plastic * a_plus * w_max * apre, 0, w_max)
"""


def _connect(n_pre: int, n_post: int, p: float, rng: np.random.Generator, same: bool):
    """Random (pre, post) index pairs with probability p each; no self-connections within a population."""
    total = n_pre * n_post
    k = rng.binomial(total, p) if total else 0
    flat = np.sort(rng.choice(total, size=k, replace=False)) if k else np.zeros(0, dtype=np.int64)
    pre, post = np.divmod(flat, n_post)
    if same:
        keep = pre != post
        pre, post = pre[keep], post[keep]
    return pre.astype(np.int32), post.astype(np.int32)


@dataclass
class Parameters:
    """Every drawn quantity of one reservoir, in the config's units (ms, mV, pA, MOhm)."""

    tau_m: np.ndarray
    v_th: np.ndarray
    t_ref: np.ndarray
    ee_pre: np.ndarray
    ee_post: np.ndarray
    ee_delay: np.ndarray
    w: np.ndarray                 # E→E weights (× j_ee), plastic
    tau_plus: np.ndarray
    tau_minus: np.ndarray
    a_plus: np.ndarray
    a_minus: np.ndarray
    st_pre: np.ndarray            # all other recurrent synapses (static)
    st_post: np.ndarray
    st_delay: np.ndarray
    st_j: np.ndarray              # signed current jump, pA
    w_in: np.ndarray              # (N, C) input weights

    STREAMS = ("wiring", "tau_m", "v_th", "t_ref", "delay", "tau_plus", "tau_minus", "a_plus", "a_minus", "w_in")

    @classmethod
    def draw(cls, cfg: ReservoirConfig, n_channels: int, seed: np.random.SeedSequence) -> Parameters:
        """Draw everything; each quantity has its own random stream, so the homogeneous twin of a config
        (same seed) has the same wiring, delays and input weights, and differs only where it is constant."""
        rng = {name: np.random.default_rng(s) for name, s in zip(cls.STREAMS, seed.spawn(len(cls.STREAMS)))}
        n, ne = cfg.n_neurons, cfg.n_exc
        nc, sc, st = cfg.neuron, cfg.synapses, cfg.stdp
        pops = {"e": (0, ne), "i": (ne, n)}
        pre_st, post_st, j_st = [], [], []
        ee = None
        for pair in ("ee", "ei", "ie", "ii"):
            (a0, a1), (b0, b1) = pops[pair[0]], pops[pair[1]]
            pre, post = _connect(a1 - a0, b1 - b0, getattr(sc, f"p_{pair}"), rng["wiring"], pair[0] == pair[1])
            pre, post = pre + a0, post + b0
            if pair == "ee":
                ee = (pre, post)
                continue
            sign = 1.0 if pair[0] == "e" else -1.0
            pre_st.append(pre), post_st.append(post)
            j_st.append(np.full(len(pre), sign * getattr(sc, f"j_{pair}")))
        n_ee = len(ee[0])
        st_pre, st_post = np.concatenate(pre_st), np.concatenate(post_st)
        delays = sc.draw("delay", n_ee + len(st_pre), rng["delay"])
        return cls(
            tau_m=nc.draw("tau_m", n, rng["tau_m"]), v_th=nc.draw("v_th", n, rng["v_th"]),
            t_ref=nc.draw("t_ref", n, rng["t_ref"]),
            ee_pre=ee[0], ee_post=ee[1], ee_delay=delays[:n_ee],
            w=np.full(n_ee, st.w_init),
            tau_plus=st.draw("tau_plus", n_ee, rng["tau_plus"]),
            tau_minus=st.draw("tau_minus", n_ee, rng["tau_minus"]),
            a_plus=st.draw("a_plus", n_ee, rng["a_plus"]),
            a_minus=st.draw("a_minus", n_ee, rng["a_minus"]),
            st_pre=st_pre, st_post=st_post, st_delay=delays[n_ee:],
            st_j=np.concatenate(j_st),
            w_in=encoding.input_weights(cfg.input, n, n_channels, rng["w_in"]),
        )

    @property
    def n_synapses(self) -> int:
        return len(self.ee_pre) + len(self.st_pre)

    def out_degree(self, n: int) -> np.ndarray:
        return np.bincount(np.concatenate([self.ee_pre, self.st_pre]), minlength=n)


@dataclass
class RunResult:
    """What one simulation phase returns: spikes (neuron index, time in s from the phase start) and states."""

    spike_i: np.ndarray
    spike_t: np.ndarray
    states: np.ndarray            # (T, N): per-step counts or filtered traces, per config.states
    n_steps: int
    duration: float               # s simulated
    wall_s: float

    @property
    def n_spikes(self) -> int:
        return int(len(self.spike_i))


class Reservoir:
    """A heterogeneous LIF reservoir: ``train_stdp(u)`` (unsupervised, then frozen) and ``run(u) -> states``.

    Parameters
    ----------
    config : ReservoirConfig
    seed : int, optional
        Seeds every random draw (defaults to ``config.seed``).
    n_channels : int
        Number of input channels C; inputs are arrays (T,) or (T, C), one row per step of ``input.step`` ms.
    target : str
        Brian2 code-generation target ("cython" or "numpy"); "auto" picks cython when a compiler works.
    """

    def __init__(self, config: ReservoirConfig, seed: int | None = None, n_channels: int = 1,
                 target: str = "auto", progress: bool = False):
        self.config = config
        self.seed = int(config.seed if seed is None else seed)
        self.n_channels = n_channels
        self.target = target
        self.progress = progress
        param_seed, input_seed, v0_seed, wiring_seed = np.random.SeedSequence(self.seed).spawn(4)
        self.params = Parameters.draw(config, n_channels, param_seed)
        self._input_rng = np.random.default_rng(input_seed)
        self._v0_rng = np.random.default_rng(v0_seed)
        self._wiring_rng = np.random.default_rng(wiring_seed)
        self._net = None
        self.trained = False

    # --- Brian2 -----------------------------------------------------------------------------------
    def _build(self):
        import brian2 as b2

        from .backend import select_target
        select_target(self.target)
        cfg, p = self.config, self.params
        nc = cfg.neuron
        n = cfg.n_neurons
        b2.defaultclock.dt = cfg.dt * b2.ms
        self._b2 = b2
        stim = b2.TimedArray(np.zeros((1, n)) * b2.pA, dt=cfg.input.step * b2.ms, name="stim")
        G = b2.NeuronGroup(n, LIF_MODEL, threshold="v > v_th", reset="v = v_reset", refractory="t_ref",
                           method="exponential_euler", namespace={"stim": stim}, name="neurons")
        G.tau_m = p.tau_m * b2.ms
        G.v_th = p.v_th * b2.mV
        G.t_ref = p.t_ref * b2.ms
        G.v_rest = nc.v_rest * b2.mV
        G.v_reset = nc.v_reset * b2.mV
        G.R = nc.resistance * b2.Mohm
        G.tau_syn = nc.tau_syn * b2.ms
        G.v = (nc.v_reset + self._v0_rng.random(n) * (p.v_th - nc.v_reset)) * b2.mV
        objs = [G]
        S_ee = b2.Synapses(G, G, STDP_MODEL, on_pre=STDP_ON_PRE, on_post=STDP_ON_POST, name="ee")
        if len(p.ee_pre):
            S_ee.connect(i=p.ee_pre, j=p.ee_post)
            S_ee.w = p.w
            S_ee.delay = p.ee_delay * b2.ms
            S_ee.tau_plus = p.tau_plus * b2.ms
            S_ee.tau_minus = p.tau_minus * b2.ms
            S_ee.a_plus = p.a_plus
            S_ee.a_minus = p.a_minus
            S_ee.J = cfg.synapses.j_ee * b2.pA
            S_ee.w_max = cfg.stdp.w_max
            objs.append(S_ee)
        S_st = b2.Synapses(G, G, "J : amp (constant)", on_pre="I_syn_post += J", name="static")
        if len(p.st_pre):
            S_st.connect(i=p.st_pre, j=p.st_post)
            S_st.J = p.st_j * b2.pA
            S_st.delay = p.st_delay * b2.ms
            objs.append(S_st)
        if cfg.input.encoding == "poisson":
            n_in = cfg.input.n_poisson * self.n_channels
            P = b2.SpikeGeneratorGroup(n_in, np.zeros(0, dtype=int), np.zeros(0) * b2.ms, name="poisson_in")
            S_in = b2.Synapses(P, G, "J : amp (constant)", on_pre="I_syn_post += J", name="input_syn")
            pre, post = _connect(n_in, n, 0.2, self._wiring_rng, False)
            channel = pre // cfg.input.n_poisson
            S_in.connect(i=pre, j=post)
            S_in.J = cfg.input.scale * p.w_in[post, channel] * b2.pA
            objs += [P, S_in]
            self._poisson = P
        self._G, self._S_ee = G, S_ee
        self._net = b2.Network(objs)

    def _phase(self, u, plastic: bool) -> RunResult:
        cfg = self.config
        u = encoding.as_input(u, self.n_channels)
        if self._net is None:
            self._build()
        b2 = self._b2
        n, step = cfg.n_neurons, cfg.input.step * 1e-3
        if cfg.input.encoding == "current":
            current = encoding.input_current(cfg.input, self.params.w_in, u)
        else:
            current = np.full((len(u), n), cfg.input.bias)
            idx, times = encoding.poisson_spikes(cfg.input, u, cfg.dt * 1e-3, self._input_rng)
            self._poisson.set_spikes(idx, (times + float(self._net.t)) * b2.second)
        stim = b2.TimedArray(current * b2.pA, dt=cfg.input.step * b2.ms, name="stim")
        self._G.namespace["stim"] = stim
        self._G.t_start = self._net.t
        if len(self.params.ee_pre):
            self._S_ee.plastic = 1.0 if (plastic and cfg.stdp.enabled) else 0.0
        mon = b2.SpikeMonitor(self._G, name="spikes")
        self._net.add(mon)
        t0 = float(self._net.t)
        duration = len(u) * step
        wall = time.perf_counter()
        report = _ProgressBar(duration) if self.progress else None
        self._net.run(duration * b2.second, report=report, report_period=1 * b2.second, namespace={})
        wall = time.perf_counter() - wall
        if report is not None:
            report.close()
        spike_i = np.asarray(mon.i[:], dtype=np.int64)
        spike_t = np.asarray(mon.t_[:]) - t0
        self._net.remove(mon)
        if len(self.params.ee_pre):
            self.params.w = np.asarray(self._S_ee.w[:])
        sc = cfg.states
        if sc.kind == "count":
            states = spike_counts(spike_i, spike_t, n, len(u), step)
        else:
            states = filtered_traces(spike_i, spike_t, n, len(u), step, sc.tau_filter * 1e-3)
        return RunResult(spike_i, spike_t, states, len(u), duration, wall)

    # --- public API -------------------------------------------------------------------------------
    def train_stdp(self, u) -> RunResult:
        """Drive the network with ``u`` while STDP is on; the E→E weights are then frozen."""
        result = self._phase(u, plastic=True)
        self.trained = True
        return result

    def run(self, u) -> RunResult:
        """Drive the (frozen) network with ``u`` and return its states, one row per input step."""
        return self._phase(u, plastic=False)


class _ProgressBar:
    """Brian2 ``report`` callback drawing a tqdm bar in simulated seconds."""

    def __init__(self, total_s: float):
        from tqdm.auto import tqdm
        self.bar = tqdm(total=round(total_s, 3), unit="sim s", leave=False)

    def __call__(self, elapsed, completed, start, duration):
        self.bar.n = round(float(completed) * float(duration), 3)
        self.bar.refresh()

    def close(self):
        self.bar.close()
