"""A drawn reservoir as a NIR graph (Neuromorphic Intermediate Representation, the ``nir`` package), and back.

Two forms, in SI units (s, V, Ω, A). ``to_nir`` ("delays", NIR's continuous-time semantics, spikes as unit
impulses)::

    input (C) → input_current: Affine(scale · W_in, bias) → lif                   input.encoding = "current"
    input (C) → input_spikes: Linear(scale · W_in) → synapse;                       input.encoding = "events"
        input → bias: Affine(0, bias) → lif
    lif: LIF(τ = τ_m, r = R, v_leak = v_rest, v_threshold = v_th, v_reset), its inputs added
    lif → delay_<k>: Delay(d_k) → recurrent_<k>: Linear(J) → synapse: LI(τ_syn, r = τ_syn, v_leak = 0) → lif
    lif → output (N spikes)

One ``Delay → Linear`` pair per distinct synaptic delay (in steps of dt): ``recurrent_<k>[post, pre]`` is the
current jump (A) of the synapse pre → post with delay d_k; E→E jumps are the learned weight × j_ee. The synaptic
current is an LI node with r = τ so that a spike of weight J makes it jump by J, as in hrsnn.

``to_nir_cubalif`` ("cubalif", the form snnTorch's and Norse's importers take): one CubaLIF node and a recurrent
Linear, no Delay and no LI node::

    input (C spikes) → input_weights: Affine(W_in', b') → lif: CubaLIF ⇄ recurrent: Linear(J') ;  lif → output

It follows their discrete-time reading (a spike is a 1 for one time step dt; the recurrent edge acts one step
later), so it needs every delay = dt and event input (input spikes reach the synaptic current, as recurrent ones
do). Potentials are relative to rest (v_leak = 0, reset 0 when v_reset = v_rest); w_in = τ_syn/dt and
r = τ_m/dt, so the synaptic current is in volts per step: neuron i's currents are scaled by k_i = R·dt/τ_m,i
(J' = k·J, W_in' = k·scale·W_in, b' = k·bias·dt/τ_syn).

NIR has no refractory period and no spike generator: a reservoir with t_ref > 0 is refused unless
``approximate``, which drops it and lists it in the graph's metadata; Poisson input is refused. The metadata also
holds what hrsnn needs to rerun the same reservoir and NIR cannot say (config, seed, initial potentials,
refractory periods): ``from_nir(to_nir(...))`` gives the same spikes, in either form.
"""
from __future__ import annotations

import json

import numpy as np

from ..errors import HRSNNError
from .config import ReservoirConfig
from .parameters import Parameters

FORMS = ("delays", "cubalif")
"""The graph forms: ``to_nir`` and ``to_nir_cubalif``."""
DENSE_LIMIT = 2 * 10**8
"""Most matrix entries an export writes (NIR's Linear weights are dense: delay groups × N²)."""


def _dropped(config: ReservoirConfig, params: Parameters, approximate: bool) -> list[str]:
    """What the export leaves out (only with ``approximate``); refuses what NIR cannot hold at all."""
    if config.input.encoding == "poisson":
        raise HRSNNError("input.encoding: 'poisson' draws its input spikes inside the reservoir and NIR has no spike "
                         "generator; export with 'current' or 'events'")
    if np.any(params.t_ref > 0):
        if not approximate:
            raise HRSNNError("neuron.t_ref: NIR has no refractory period; export with approximate=True "
                             "(--approximate) to drop it (recorded in the graph's metadata) or set neuron.t_ref = 0")
        return ["neuron.t_ref: refractory period (NIR LIF has none)"]
    return []


def _synapses(config: ReservoirConfig, params: Parameters) -> tuple[np.ndarray, ...]:
    """(pre, post, current jump (A), delay (ms)) of every recurrent synapse, E→E first."""
    return (np.concatenate([params.ee_pre, params.st_pre]), np.concatenate([params.ee_post, params.st_post]),
            np.concatenate([params.w * config.synapses.j_ee, params.st_j]) * 1e-12,
            np.concatenate([params.ee_delay, params.st_delay]))


def _dense(n: int, post: np.ndarray, pre: np.ndarray, jump: np.ndarray) -> np.ndarray:
    """The (n, n) matrix [post, pre] of the summed current jumps of these synapses."""
    weight = np.zeros((n, n))
    np.add.at(weight, (post, pre), jump)
    return weight


def _metadata(config: ReservoirConfig, params: Parameters, seed: int, form: str, dropped: list[str]) -> dict:
    return {"generator": "hrsnn", "hrsnn_form": form, "hrsnn_config": json.dumps(config.to_dict()),
            "hrsnn_seed": int(seed), "hrsnn_v0": params.v0 * 1e-3, "hrsnn_t_ref": params.t_ref * 1e-3,
            "hrsnn_n_exc": config.n_exc, "dt": config.dt * 1e-3, "input_step": config.input.step * 1e-3,
            "dropped": "; ".join(dropped) or "nothing"}


def to_nir(config: ReservoirConfig, params: Parameters, seed: int, approximate: bool = False,
           delay_step: float | None = None, readout: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None):
    """The reservoir (``params`` as drawn, or as STDP left them) as a ``nir.NIRGraph``. ``delay_step`` (ms, needs
    ``approximate``) rounds the delays to its multiples, so that fewer delay groups are written. ``readout`` =
    (W_states (D, N), W_input (D, C), bias (D,)) adds a linear readout of the filtered spike trains and the input:
    ``lif → trace: LI(τ_filter, r = τ_filter) → readout: Affine → prediction`` and ``input → readout_input: Linear →
    prediction`` (NIR reads the trace continuously; hrsnn samples it at the end of each input step)."""
    import nir
    n, dt = config.n_neurons, config.dt
    dropped = _dropped(config, params, approximate)
    pre, post, jump, delays = _synapses(config, params)
    if delay_step is not None:
        if not approximate or not delay_step > 0:
            raise HRSNNError(f"delay_step: {delay_step!r} must be > 0 ms and comes with approximate=True "
                             "(--approximate): rounded delays change the spikes")
        delays = np.round(delays / delay_step) * delay_step
        dropped.append(f"synapses.delay: rounded to multiples of {delay_step:g} ms")
    steps = np.round(delays / dt).astype(np.int64)
    groups = np.unique(steps)
    if len(groups) * n * n > DENSE_LIMIT:
        raise HRSNNError(f"n_neurons: {n} neurons with {len(groups)} distinct delays need {len(groups)} dense "
                         f"{n}×{n} matrices in NIR (limit {DENSE_LIMIT:.0e} entries); round the delays "
                         "(--delay-step, approximate) or export a smaller reservoir")
    nc, inp = config.neuron, config.input
    nodes = {
        "input": nir.Input({"input": np.array([params.w_in.shape[1]])}),
        "lif": nir.LIF(tau=params.tau_m * 1e-3, r=np.full(n, nc.resistance * 1e6),
                       v_leak=np.full(n, nc.v_rest * 1e-3), v_threshold=params.v_th * 1e-3,
                       v_reset=np.full(n, nc.v_reset * 1e-3)),
        "synapse": nir.LI(tau=params.tau_syn * 1e-3, r=params.tau_syn * 1e-3, v_leak=np.zeros(n)),
        "output": nir.Output({"output": np.array([n])}),
    }
    w_in, bias = inp.scale * params.w_in * 1e-12, np.full(n, inp.bias * 1e-12)
    if inp.encoding == "events":             # input spikes jump the synaptic current; the bias stays a current
        nodes.update(input_spikes=nir.Linear(weight=w_in), bias=nir.Affine(weight=np.zeros_like(w_in), bias=bias))
        edges = [("input", "input_spikes"), ("input_spikes", "synapse"), ("input", "bias"), ("bias", "lif")]
    else:
        nodes["input_current"] = nir.Affine(weight=w_in, bias=bias)
        edges = [("input", "input_current"), ("input_current", "lif")]
    edges += [("synapse", "lif"), ("lif", "output")]
    for k in groups:
        sel = steps == k
        nodes[f"delay_{k}"] = nir.Delay(delay=np.full(n, k * dt * 1e-3))
        nodes[f"recurrent_{k}"] = nir.Linear(weight=_dense(n, post[sel], pre[sel], jump[sel]))
        edges += [("lif", f"delay_{k}"), (f"delay_{k}", f"recurrent_{k}"), (f"recurrent_{k}", "synapse")]
    if readout is not None:
        if config.states.kind != "trace":
            raise HRSNNError("states.kind: a NIR readout reads filtered spike trains; 'count' states have no "
                             "continuous-time form")
        w_states, w_input, bias = (np.atleast_2d(readout[0]), np.atleast_2d(readout[1]), np.atleast_1d(readout[2]))
        tau = np.full(n, config.states.tau_filter * 1e-3)
        nodes.update(trace=nir.LI(tau=tau, r=tau, v_leak=np.zeros(n)), readout=nir.Affine(weight=w_states, bias=bias),
                     readout_input=nir.Linear(weight=w_input),
                     prediction=nir.Output({"output": np.array([len(bias)])}))
        edges += [("lif", "trace"), ("trace", "readout"), ("readout", "prediction"), ("input", "readout_input"),
                  ("readout_input", "prediction")]
    metadata = _metadata(config, params, seed, "delays", dropped)
    return nir.NIRGraph(nodes=nodes, edges=edges, metadata=metadata)


def to_nir_cubalif(config: ReservoirConfig, params: Parameters, seed: int, approximate: bool = False):
    """The reservoir as one CubaLIF node with a delay-free recurrent Linear (the module's "cubalif" form), for
    importers that take no Delay or LI node (snnTorch, Norse). Needs ``input.encoding = "events"`` and every
    synaptic delay equal to dt (with ``approximate``: the delays are set to dt and the analog input is written as
    input to the synaptic current, both recorded); ``v_reset`` other than ``v_rest`` is refused (CubaLIF importers
    reset to their v_leak)."""
    import nir
    n, dt, nc, inp = config.n_neurons, config.dt, config.neuron, config.input
    if n * n > DENSE_LIMIT:
        raise HRSNNError(f"n_neurons: {n} neurons need a dense {n}×{n} recurrent matrix in NIR (limit "
                         f"{DENSE_LIMIT:.0e} entries); export a smaller reservoir")
    dropped = _dropped(config, params, approximate)
    pre, post, jump, delays = _synapses(config, params)
    if nc.v_reset != nc.v_rest:
        raise HRSNNError(f"neuron.v_reset: {nc.v_reset:g} mV must equal v_rest = {nc.v_rest:g} mV in the cubalif form "
                         "(its importers reset to the leak potential); use the delays form")
    for what, ok, why in (("synapses.delay", np.allclose(delays, dt), f"every delay must be dt = {dt:g} ms"),
                          ("input.encoding", inp.encoding == "events", "the input must be 'events' (spikes that "
                           "reach the synaptic current)")):
        if not ok:
            if not approximate:
                raise HRSNNError(f"{what}: in the cubalif form {why}; export with approximate=True (--approximate) "
                                 "to write it anyway (recorded in the graph's metadata) or use the delays form")
            dropped.append(f"{what}: {why} (written as if so)")
    k = nc.resistance * 1e6 * dt / params.tau_m                 # V per A: one step's potential change per current
    tau_syn = params.tau_syn * 1e-3
    nodes = {
        "input": nir.Input({"input": np.array([params.w_in.shape[1]])}),
        "input_weights": nir.Affine(weight=k[:, None] * inp.scale * params.w_in * 1e-12,
                                    bias=k * inp.bias * 1e-12 * dt / params.tau_syn),
        "lif": nir.CubaLIF(tau_syn=tau_syn, tau_mem=params.tau_m * 1e-3, r=params.tau_m / dt, v_leak=np.zeros(n),
                           v_threshold=(params.v_th - nc.v_rest) * 1e-3, v_reset=np.zeros(n),
                           w_in=tau_syn / (dt * 1e-3)),
        "recurrent": nir.Linear(weight=k[:, None] * _dense(n, post, pre, jump)),
        "output": nir.Output({"output": np.array([n])}),
    }
    edges = [("input", "input_weights"), ("input_weights", "lif"), ("lif", "recurrent"), ("recurrent", "lif"),
             ("lif", "output")]
    return nir.NIRGraph(nodes=nodes, edges=edges, metadata=_metadata(config, params, seed, "cubalif", dropped))


def _expect(node, name: str, field: str, want) -> None:
    """Refuse a graph whose ``name.field`` is not what its hrsnn config sets (the import would ignore it)."""
    got = np.asarray(getattr(node, field), dtype=float)
    if not np.allclose(got, np.broadcast_to(want, got.shape), rtol=1e-9, atol=0.0):
        raise HRSNNError(f"nir graph: {name}.{field} differs from its hrsnn config ({np.ravel(got)[:3]} vs "
                         f"{np.ravel(np.broadcast_to(want, got.shape))[:3]}); hrsnn imports only graphs whose values "
                         "its config sets")


def from_nir(graph) -> tuple[ReservoirConfig, Parameters, int]:
    """(config, frozen parameters, seed) of a graph written by ``to_nir`` or ``to_nir_cubalif`` (its metadata names
    the config and the form). The per-neuron time constants (τ_m, τ_syn), thresholds and weights come from the graph;
    a graph whose other neuron or synapse constants (r, v_leak, v_reset, w_in) differ from its config is refused."""
    meta = graph.metadata
    if meta.get("generator") != "hrsnn" or "hrsnn_config" not in meta:
        raise HRSNNError("nir graph: not written by hrsnn (its metadata has no hrsnn_config); only hrsnn's own "
                         "graphs can be imported")
    config = ReservoirConfig.from_dict(json.loads(str(meta["hrsnn_config"])))
    nodes, n, n_exc, dt, nc = graph.nodes, config.n_neurons, config.n_exc, config.dt, config.neuron
    lif = nodes["lif"]
    if meta.get("hrsnn_form", "delays") == "cubalif":
        tau_m, tau_syn = np.asarray(lif.tau_mem) * 1e3, np.asarray(lif.tau_syn) * 1e3
        for field, want in (("r", tau_m / dt), ("v_leak", 0.0), ("v_reset", 0.0), ("w_in", tau_syn / dt)):
            _expect(lif, "lif", field, want)
        k = config.neuron.resistance * 1e6 * dt / tau_m
        v_th = np.asarray(lif.v_threshold) * 1e3 + config.neuron.v_rest
        matrices = [(np.asarray(nodes["recurrent"].weight) / k[:, None], dt)]
        w_in = np.asarray(nodes["input_weights"].weight) / k[:, None]
    else:
        tau_m, v_th = np.asarray(lif.tau) * 1e3, np.asarray(lif.v_threshold) * 1e3
        tau_syn = np.asarray(nodes["synapse"].tau) * 1e3
        for node, field, want in ((lif, "r", nc.resistance * 1e6), (lif, "v_leak", nc.v_rest * 1e-3),
                                  (lif, "v_reset", nc.v_reset * 1e-3), (nodes["synapse"], "r", tau_syn * 1e-3),
                                  (nodes["synapse"], "v_leak", 0.0)):
            _expect(node, "lif" if node is lif else "synapse", field, want)
        matrices = [(np.asarray(node.weight), float(np.asarray(nodes["delay_" + name[10:]].delay).ravel()[0]) * 1e3)
                    for name, node in nodes.items() if name.startswith("recurrent_")]
        w_in = np.asarray(nodes["input_spikes" if "input_spikes" in nodes else "input_current"].weight)
    pre, post, jump, delay = [], [], [], []
    for weight, d in matrices:
        p, q = np.nonzero(weight)
        pre.append(q), post.append(p), jump.append(weight[p, q]), delay.append(np.full(len(p), d))
    pre, post = np.concatenate(pre).astype(np.int64), np.concatenate(post).astype(np.int64)
    jump, delay = np.concatenate(jump) * 1e12, np.concatenate(delay)
    ee = (pre < n_exc) & (post < n_exc)
    st = config.stdp
    n_ee = int(ee.sum())
    return config, Parameters(
        tau_m=tau_m, v_th=v_th, t_ref=np.asarray(meta["hrsnn_t_ref"]) * 1e3, tau_syn=tau_syn,
        ee_pre=pre[ee], ee_post=post[ee], ee_delay=delay[ee], w=jump[ee] / config.synapses.j_ee,
        tau_plus=np.full(n_ee, st.tau_plus.mean), tau_minus=np.full(n_ee, st.tau_minus.mean),
        a_plus=np.full(n_ee, st.a_plus.mean), a_minus=np.full(n_ee, st.a_minus.mean),
        tau_y=np.zeros(0), a_plus3=np.zeros(0),
        st_pre=pre[~ee], st_post=post[~ee], st_delay=delay[~ee], st_j=jump[~ee],
        w_in=w_in * 1e12 / config.input.scale if config.input.scale else np.zeros(w_in.shape),
        v0=np.asarray(meta["hrsnn_v0"]) * 1e3, ip_rate=np.zeros(n)), int(meta["hrsnn_seed"])
