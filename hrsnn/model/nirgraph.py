"""A drawn reservoir as a NIR graph (Neuromorphic Intermediate Representation, the ``nir`` package), and back.

Graph, in SI units (s, V, Ω, A), NIR's continuous-time semantics::

    input (C) → input_current: Affine(scale · W_in, bias) → lif
    lif: LIF(τ = τ_m, r = R, v_leak = v_rest, v_threshold = v_th, v_reset), its inputs added
    lif → delay_<k>: Delay(d_k) → recurrent_<k>: Linear(J) → synapse: LI(τ_syn, r = τ_syn, v_leak = 0) → lif
    lif → output (N spikes)

One ``Delay → Linear`` pair per distinct synaptic delay (in steps of dt): ``recurrent_<k>[post, pre]`` is the
current jump (A) of the synapse pre → post with delay d_k; E→E jumps are the learned weight × j_ee. The synaptic
current is an LI node with r = τ so that a spike of weight J makes it jump by J, as in hrsnn. NIR has no refractory
period: a reservoir with t_ref > 0 is refused unless ``approximate``, which drops it and lists it in the graph's
metadata. The metadata also holds what hrsnn needs to rerun the same reservoir and NIR cannot say (config, seed,
initial potentials, refractory periods): ``from_nir(to_nir(...))`` gives the same spikes.
"""
from __future__ import annotations

import json

import numpy as np

from ..errors import HRSNNError
from .config import ReservoirConfig
from .parameters import Parameters

DENSE_LIMIT = 2 * 10**8
"""Most matrix entries an export writes (NIR's Linear weights are dense: delay groups × N²)."""


def to_nir(config: ReservoirConfig, params: Parameters, seed: int, approximate: bool = False,
           delay_step: float | None = None, readout: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None):
    """The reservoir (``params`` as drawn, or as STDP left them) as a ``nir.NIRGraph``. ``delay_step`` (ms, needs
    ``approximate``) rounds the delays to its multiples, so that fewer delay groups are written. ``readout`` =
    (W_states (D, N), W_input (D, C), bias (D,)) adds a linear readout of the filtered spike trains and the input:
    ``lif → trace: LI(τ_filter, r = τ_filter) → readout: Affine → prediction`` and ``input → readout_input: Linear →
    prediction`` (NIR reads the trace continuously; hrsnn samples it at the end of each input step)."""
    import nir
    n, dt = config.n_neurons, config.dt
    dropped = []
    if np.any(params.t_ref > 0):
        if not approximate:
            raise HRSNNError("neuron.t_ref: NIR has no refractory period; export with approximate=True "
                             "(--approximate) to drop it (recorded in the graph's metadata) or set neuron.t_ref = 0")
        dropped.append("neuron.t_ref: refractory period (NIR LIF has none)")
    pre = np.concatenate([params.ee_pre, params.st_pre])
    post = np.concatenate([params.ee_post, params.st_post])
    jump = np.concatenate([params.w * config.synapses.j_ee, params.st_j]) * 1e-12
    delays = np.concatenate([params.ee_delay, params.st_delay])
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
        "input_current": nir.Affine(weight=inp.scale * params.w_in * 1e-12, bias=np.full(n, inp.bias * 1e-12)),
        "lif": nir.LIF(tau=params.tau_m * 1e-3, r=np.full(n, nc.resistance * 1e6),
                       v_leak=np.full(n, nc.v_rest * 1e-3), v_threshold=params.v_th * 1e-3,
                       v_reset=np.full(n, nc.v_reset * 1e-3)),
        "synapse": nir.LI(tau=np.full(n, nc.tau_syn * 1e-3), r=np.full(n, nc.tau_syn * 1e-3), v_leak=np.zeros(n)),
        "output": nir.Output({"output": np.array([n])}),
    }
    edges = [("input", "input_current"), ("input_current", "lif"), ("synapse", "lif"), ("lif", "output")]
    for k in groups:
        sel = steps == k
        weight = np.zeros((n, n))
        np.add.at(weight, (post[sel], pre[sel]), jump[sel])
        nodes[f"delay_{k}"] = nir.Delay(delay=np.full(n, k * dt * 1e-3))
        nodes[f"recurrent_{k}"] = nir.Linear(weight=weight)
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
    metadata = {"generator": "hrsnn", "hrsnn_config": json.dumps(config.to_dict()), "hrsnn_seed": int(seed),
                "hrsnn_v0": params.v0 * 1e-3, "hrsnn_t_ref": params.t_ref * 1e-3, "hrsnn_n_exc": config.n_exc,
                "dt": dt * 1e-3, "input_step": inp.step * 1e-3, "dropped": "; ".join(dropped) or "nothing"}
    return nir.NIRGraph(nodes=nodes, edges=edges, metadata=metadata)


def from_nir(graph) -> tuple[ReservoirConfig, Parameters, int]:
    """(config, frozen parameters, seed) of a graph written by ``to_nir`` (its metadata names the config)."""
    meta = graph.metadata
    if meta.get("generator") != "hrsnn" or "hrsnn_config" not in meta:
        raise HRSNNError("nir graph: not written by hrsnn (its metadata has no hrsnn_config); only hrsnn's own "
                         "graphs can be imported")
    config = ReservoirConfig.from_dict(json.loads(str(meta["hrsnn_config"])))
    nodes, n, n_exc = graph.nodes, config.n_neurons, config.n_exc
    lif = nodes["lif"]
    pre, post, jump, delay = [], [], [], []
    for name, node in nodes.items():
        if name.startswith("recurrent_"):
            d = float(np.asarray(nodes["delay_" + name.split("_", 1)[1]].delay).ravel()[0]) * 1e3
            p, q = np.nonzero(np.asarray(node.weight))
            pre.append(q), post.append(p), jump.append(np.asarray(node.weight)[p, q]), delay.append(np.full(len(p), d))
    pre, post = np.concatenate(pre).astype(np.int64), np.concatenate(post).astype(np.int64)
    jump, delay = np.concatenate(jump) * 1e12, np.concatenate(delay)
    ee = (pre < n_exc) & (post < n_exc)
    w = jump[ee] / config.synapses.j_ee
    st = config.stdp
    affine = nodes["input_current"]
    n_ee = int(ee.sum())
    return config, Parameters(
        tau_m=np.asarray(lif.tau) * 1e3, v_th=np.asarray(lif.v_threshold) * 1e3,
        t_ref=np.asarray(meta["hrsnn_t_ref"]) * 1e3,
        ee_pre=pre[ee], ee_post=post[ee], ee_delay=delay[ee], w=w,
        tau_plus=np.full(n_ee, st.tau_plus.mean), tau_minus=np.full(n_ee, st.tau_minus.mean),
        a_plus=np.full(n_ee, st.a_plus.mean), a_minus=np.full(n_ee, st.a_minus.mean),
        tau_y=np.zeros(0), a_plus3=np.zeros(0),
        st_pre=pre[~ee], st_post=post[~ee], st_delay=delay[~ee], st_j=jump[~ee],
        w_in=np.asarray(affine.weight) * 1e12 / config.input.scale if config.input.scale else
        np.zeros(np.asarray(affine.weight).shape),
        v0=np.asarray(meta["hrsnn_v0"]) * 1e3, ip_rate=np.zeros(n)), int(meta["hrsnn_seed"])
