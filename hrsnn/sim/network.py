"""The heterogeneous LIF reservoir with heterogeneous STDP, simulated with Brian2.

Brian2 only integrates: every drawn quantity comes from ``hrsnn.model.parameters`` (and the Poisson input from
its own stream of the same seed), so a reservoir is fully determined by ``(config, seed)``.
"""
from __future__ import annotations

import time

import numpy as np

from ..model import encoding
from ..model.config import ReservoirConfig
from ..model.parameters import Parameters, connect, ip_drift
from ..model.seeds import check_seed, seed_streams
from .states import RunResult, StateSpec

# Leaky integrate-and-fire neuron with an exponential synaptic current:
#     tau_m dv/dt = v_rest - v + R (I_syn + I_ext)      (v frozen while refractory)
#     tau_syn dI_syn/dt = -I_syn
# integrated exactly over each time step dt with the currents held for the step (Brian2's exponential Euler),
# using per-neuron decay factors exp(-dt/tau_m) and exp(-dt/tau_syn) computed once instead of every step.
# Intrinsic plasticity (while ip_on = 1): the threshold falls by ip_drift = eta * target_rate * dt every step
# (not below v_reset) and rises by ip_eta at each spike, so it settles where the neuron fires at its target rate.
LIF_MODEL = """
v : volt
I_syn : amp
v_th : volt
ip_drift : volt (constant)
ip_eta : volt (constant)
ip_on : 1 (shared)
t_ref : second (constant)
v_rest : volt (constant)
v_reset : volt (constant)
R : ohm (constant)
decay_m : 1 (constant)    # exp(-dt / tau_m)
decay_syn : 1 (constant)  # exp(-dt / tau_syn)
t_start : second (shared)
"""
LIF_STEP = """
v_inf = v_rest + R * (I_syn + stim(t - t_start, i))
v = v_inf + (v - v_inf) * decay_m ** int(not_refractory)
I_syn = I_syn * decay_syn
v_th = v_th - ip_on * ip_drift * int(v_th - ip_drift > v_reset)
"""
# Event input (input.encoding = "events"): at the start of each input step, every input spike of channel c adds its
# input synapse's jump scale·W_in[i, c] to I_syn, after the threshold, as a recurrent spike arriving at that step.
EVENTS_STEP = "I_syn += events(t - t_start, i)"
LIF_RESET = """
v = v_reset
v_th = v_th + ip_on * ip_eta
"""

# Trace-based STDP with per-synapse constants. apre (apost) is the presynaptic (postsynaptic) trace's value at its
# last update t_lastpre (t_lastpost); traces decay with tau_plus (tau_minus) and jump by 1 per spike (all-to-all
# pairing) or are reset to 1 (nearest-spike pairing). The triplet rule adds the slow postsynaptic trace apost2
# (tau_y), read before its own jump. Rules and their parameters: ``hrsnn.model.config.STDPConfig``.
STDP_MODEL = """
w : 1
J : amp (constant, shared)
w_max : 1 (constant, shared)
tau_plus : second (constant)
tau_minus : second (constant)
a_plus : 1 (constant)
a_minus : 1 (constant)
apre : 1
apost : 1
t_lastpre : second
t_lastpost : second
"""
STDP_MODEL_EXTRA = {
    "additive": "",
    "multiplicative": "mu : 1 (constant, shared)  # weight-dependence exponent\n",
    "triplet": "tau_y : second (constant)\na_plus3 : 1 (constant)\napost2 : 1\n",
}
LTD = "a_minus * w_max * apost * exp(-(t - t_lastpost) / tau_minus)"
LTP = "a_plus * w_max * apre * exp(-(t - t_lastpre) / tau_plus)"
LTP_STEP = {
    "additive": LTP,
    "multiplicative": LTP + " * (1 - w / w_max)**mu",       # soft bound: vanishes as w reaches w_max
    "triplet": LTP + " + a_plus3 * w_max * apre * exp(-(t - t_lastpre) / tau_plus)"
                     " * apost2 * exp(-(t - t_lastpost) / tau_y)",
}
LTD_STEP = {"additive": LTD, "multiplicative": LTD + " * (w / w_max)**mu", "triplet": LTD}


def stdp_equations(rule: str = "additive", pairing: str = "all") -> tuple[str, dict, str]:
    """The E→E synapses' Brian2 model, ``on_pre`` pathways and ``on_post`` code for an STDP rule and pairing.

    Pathways: "pre" transmits; "learn" (LTD) and the postsynaptic code (LTP) are the rule, act at the spike's
    arrival at the synapse (after the transmission delay) and are switched off when the weights are frozen."""
    def trace(name, tau, last):
        return f"{name} = 1" if pairing == "nearest" else f"{name} = {name} * exp(-(t - {last}) / {tau}) + 1"
    on_pre = {
        "pre": "I_syn_post += w * J",
        "learn": f"w = clip(w - {LTD_STEP[rule]}, 0, w_max)\n{trace('apre', 'tau_plus', 't_lastpre')}\n"
                 "t_lastpre = t",
    }
    on_post = f"w = clip(w + {LTP_STEP[rule]}, 0, w_max)\n{trace('apost', 'tau_minus', 't_lastpost')}\n"
    if rule == "triplet":
        on_post += trace("apost2", "tau_y", "t_lastpost") + "\n"
    return STDP_MODEL + STDP_MODEL_EXTRA[rule], on_pre, on_post + "t_lastpost = t"

def set_plastic(S_ee, on: bool) -> None:
    """Switch the STDP pathways of the E→E synapses on or off (transmission is unaffected)."""
    S_ee.learn.active = on
    S_ee.post.active = on


def create_objects(b2, cfg: ReservoirConfig, p: Parameters, stim) -> dict:
    """The reservoir's Brian2 objects (neurons, plastic E→E and static synapses), wired and initialised."""
    G = b2.NeuronGroup(cfg.n_neurons, LIF_MODEL, threshold="v > v_th", reset=LIF_RESET,
                       refractory="t_ref", namespace={"stim": stim}, name="neurons")
    G.run_regularly(LIF_STEP, when="groups", name="neurons_step")
    objs = {"neurons": G}
    if len(p.ee_pre):
        model, on_pre, on_post = stdp_equations(cfg.stdp.rule, cfg.stdp.pairing)
        S_ee = b2.Synapses(G, G, model, on_pre=on_pre, on_post=on_post, name="ee")
        S_ee.connect(i=p.ee_pre, j=p.ee_post)
        S_ee.pre.delay = S_ee.learn.delay = p.ee_delay * b2.ms
        S_ee.learn.order, S_ee.post.order = 1, 2    # in a time step: transmit, then LTD at arrival, then LTP
        objs["ee"] = S_ee
    if len(p.st_pre):
        S_st = b2.Synapses(G, G, "J : amp (constant)", on_pre="I_syn_post += J", name="static")
        S_st.connect(i=p.st_pre, j=p.st_post)
        S_st.delay = p.st_delay * b2.ms
        objs["static"] = S_st
    for (obj, var), value in variable_values(b2, cfg, p).items():
        if obj in objs:
            setattr(objs[obj], var, value)
    return objs


def set_ip(G, on: bool) -> None:
    """Switch intrinsic plasticity on or off (the thresholds keep their values)."""
    G.ip_on = 1.0 if on else 0.0


def variable_values(b2, cfg: ReservoirConfig, p: Parameters) -> dict:
    """Every value that may differ between reservoirs of one structure (wiring and delays), as
    {(object, variable): quantity}.

    The standalone engine passes exactly these as run arguments, so one compiled binary serves them all.
    """
    nc, ms, mV, pA = cfg.neuron, b2.ms, b2.mV, b2.pA
    n = cfg.n_neurons
    values = {
        ("neurons", "decay_m"): np.exp(-cfg.dt / p.tau_m), ("neurons", "v_th"): p.v_th * mV,
        ("neurons", "t_ref"): p.t_ref * ms, ("neurons", "v"): p.v0 * mV,
        ("neurons", "v_rest"): np.full(n, nc.v_rest) * mV, ("neurons", "v_reset"): np.full(n, nc.v_reset) * mV,
        ("neurons", "R"): np.full(n, nc.resistance) * b2.Mohm,
        ("neurons", "decay_syn"): np.exp(-cfg.dt / p.tau_syn),
        ("neurons", "ip_drift"): ip_drift(cfg, p) * mV, ("neurons", "ip_eta"): np.full(n, cfg.ip.eta) * mV,
    }
    if len(p.ee_pre):
        values.update({
            ("ee", "w"): p.w, ("ee", "tau_plus"): p.tau_plus * ms,
            ("ee", "tau_minus"): p.tau_minus * ms, ("ee", "a_plus"): p.a_plus, ("ee", "a_minus"): p.a_minus,
            ("ee", "J"): cfg.synapses.j_ee * pA, ("ee", "w_max"): cfg.stdp.w_max,
        })
        if cfg.stdp.rule == "multiplicative":
            values[("ee", "mu")] = cfg.stdp.mu
        elif cfg.stdp.rule == "triplet":
            values.update({("ee", "tau_y"): p.tau_y * ms, ("ee", "a_plus3"): p.a_plus3})
    if len(p.st_pre):
        values[("static", "J")] = p.st_j * pA
    return values


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
        self.seed = config.seed if seed is None else check_seed(seed)
        self.n_channels = n_channels
        self.target = target
        self.progress = progress
        param_seed, input_seed, wiring_seed = seed_streams(self.seed)
        self.params = Parameters.draw(config, n_channels, param_seed)
        self._input_rng = np.random.default_rng(input_seed)
        self._wiring_rng = np.random.default_rng(wiring_seed)
        self._net = None
        self.trained = False

    # --- Brian2 -----------------------------------------------------------------------------------
    def _build(self):
        import brian2 as b2

        from .targets import select_target
        select_target(self.target)
        self._b2 = b2
        cfg = self.config
        b2.defaultclock.dt = cfg.dt * b2.ms
        stim = b2.TimedArray(np.zeros((1, cfg.n_neurons)) * b2.pA, dt=cfg.input.step * b2.ms, name="stim")
        objs = create_objects(b2, cfg, self.params, stim)
        if cfg.input.encoding == "events":
            events = b2.TimedArray(np.zeros((1, cfg.n_neurons)) * b2.pA, dt=cfg.input.step * b2.ms, name="events")
            objs["neurons"].namespace["events"] = events
            objs["neurons"].run_regularly(EVENTS_STEP, when="synapses", order=-1, dt=cfg.input.step * b2.ms,
                                          name="input_events")
        if cfg.input.encoding == "poisson":
            n_in = cfg.input.n_poisson * self.n_channels
            P = b2.SpikeGeneratorGroup(n_in, np.zeros(0, dtype=int), np.zeros(0) * b2.ms, name="poisson_in")
            S_in = b2.Synapses(P, objs["neurons"], "J : amp (constant)", on_pre="I_syn_post += J",
                               name="input_syn")
            pre, post = connect(n_in, cfg.n_neurons, 0.2, self._wiring_rng, False)
            S_in.connect(i=pre, j=post)
            S_in.J = cfg.input.scale * self.params.w_in[post, pre // cfg.input.n_poisson] * b2.pA
            objs.update(poisson_in=P, input_syn=S_in)
            self._poisson = P
        self._G, self._S_ee = objs["neurons"], objs.get("ee")
        self._net = b2.Network(list(objs.values()))

    def _phase(self, u, plastic: bool) -> RunResult:
        cfg = self.config
        u = encoding.as_input(u, self.n_channels)
        if self._net is None:
            self._build()
        b2 = self._b2
        n, step = cfg.n_neurons, cfg.input.step * 1e-3
        if cfg.input.encoding == "current":
            current = encoding.input_current(cfg.input, self.params.w_in, u)
        elif cfg.input.encoding == "events":
            current = np.full((len(u), n), cfg.input.bias)
            jumps = encoding.event_jumps(cfg.input, self.params.w_in, encoding.check_counts(u))
            self._G.namespace["events"] = b2.TimedArray(jumps * b2.pA, dt=cfg.input.step * b2.ms, name="events")
        else:
            current = np.full((len(u), n), cfg.input.bias)
            idx, times = encoding.poisson_spikes(cfg.input, u, cfg.dt * 1e-3, self._input_rng)
            self._poisson.set_spikes(idx, (times + float(self._net.t)) * b2.second)
        stim = b2.TimedArray(current * b2.pA, dt=cfg.input.step * b2.ms, name="stim")
        self._G.namespace["stim"] = stim
        self._G.t_start = self._net.t
        if self._S_ee is not None:
            set_plastic(self._S_ee, plastic and cfg.stdp.enabled)
        set_ip(self._G, plastic and cfg.ip.enabled)
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
        if self._S_ee is not None:
            self.params.w = np.asarray(self._S_ee.w[:])
        if cfg.ip.enabled:
            self.params.v_th = np.asarray(self._G.v_th_[:]) * 1e3
        return RunResult(spike_i, spike_t, StateSpec.of(cfg), cfg.n_neurons, len(u), duration, wall)

    # --- public API -------------------------------------------------------------------------------
    def train_stdp(self, u) -> RunResult:
        """Drive the network with ``u`` while STDP (and intrinsic plasticity, if enabled) is on; the E→E weights
        and the thresholds are then frozen."""
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
