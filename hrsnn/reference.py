"""A plain event-driven Numba implementation of the same LIF + STDP reservoir: the "speed of light" reference.

Same model as ``hrsnn.network`` (per-step exact LIF update with held currents, exponential synaptic current,
per-synapse delays, trace-based pair STDP on E→E acting at spike arrival), written as one loop over time
steps with compressed (pre, delay)-sorted synapse tables, so each synaptic event costs O(1). It is a benchmark
baseline and a cross-check of the Brian2 model, not the product path: Brian2 remains the simulator of record.
"""
from __future__ import annotations

import time

import numpy as np

from . import encoding
from .config import ReservoirConfig
from .network import Parameters, RunResult, run_states, seed_streams


def _tables(pre, post, delay_steps, n, n_delays):
    """Synapses sorted by (pre, delay) and the first index of each (pre, delay) block: ptr[k, d]."""
    order = np.lexsort((delay_steps, pre))
    keys = pre[order].astype(np.int64) * (n_delays + 1) + delay_steps[order]
    ptr = np.searchsorted(keys, np.arange(n * (n_delays + 1) + 1)).astype(np.int64)
    return order, ptr


def _compile():
    from numba import njit

    @njit(cache=True)
    def simulate(n_steps, per_input, plastic_steps, current, decay_m, decay_syn, v_th, ref_steps, v_rest,
                 v_reset, R, v, n_delays,
                 ee_post, ee_delay, ee_ptr, w, j_ee, w_max, tau_p, tau_m_, a_p, a_m,
                 in_ptr, in_syn,
                 st_post, st_delay, st_ptr, st_j, dt):
        n = v.shape[0]
        i_syn = np.zeros(n)
        last = np.full(n, -10**9)
        apre = np.zeros(w.shape[0])
        apost = np.zeros(w.shape[0])
        t_pre = np.zeros(w.shape[0])
        t_post = np.zeros(w.shape[0])
        ring = np.zeros((n_delays + 1, n), dtype=np.int32)
        ring_n = np.zeros(n_delays + 1, dtype=np.int64)
        out_i = np.empty(1 << 16, dtype=np.int32)
        out_t = np.empty(1 << 16, dtype=np.int64)
        n_out = 0
        events = 0
        for step in range(n_steps):
            t = step * dt
            row = step // per_input
            for k in range(n):                                  # neurons: exact step, then threshold
                if step - last[k] >= ref_steps[k]:
                    v_inf = v_rest[k] + R[k] * (i_syn[k] + current[row, k])
                    v[k] = v_inf + (v[k] - v_inf) * decay_m[k]
                i_syn[k] *= decay_syn[k]
            slot = step % (n_delays + 1)
            ring_n[slot] = 0
            for k in range(n):
                if v[k] > v_th[k] and step - last[k] >= ref_steps[k]:
                    ring[slot, ring_n[slot]] = k
                    ring_n[slot] += 1
                    if n_out == out_i.shape[0]:
                        out_i = np.concatenate((out_i, np.empty_like(out_i)))
                        out_t = np.concatenate((out_t, np.empty_like(out_t)))
                    out_i[n_out] = k
                    out_t[n_out] = step
                    n_out += 1
            learning = step < plastic_steps
            for d in range(n_delays + 1):                       # arrivals of spikes emitted d steps ago
                if d > step:
                    break
                src = (step - d) % (n_delays + 1)
                for q in range(ring_n[src]):
                    k = ring[src, q]
                    base = k * (n_delays + 1) + d
                    for s in range(ee_ptr[base], ee_ptr[base + 1]):
                        i_syn[ee_post[s]] += w[s] * j_ee
                        if learning:
                            w[s] = min(max(w[s] - a_m[s] * w_max * apost[s] * np.exp(-(t - t_post[s]) / tau_m_[s]),
                                           0.0), w_max)
                            apre[s] = apre[s] * np.exp(-(t - t_pre[s]) / tau_p[s]) + 1.0
                            t_pre[s] = t
                    for s in range(st_ptr[base], st_ptr[base + 1]):
                        i_syn[st_post[s]] += st_j[s]
                    events += ee_ptr[base + 1] - ee_ptr[base] + st_ptr[base + 1] - st_ptr[base]
            if learning:                                        # postsynaptic side of STDP
                for q in range(ring_n[slot]):
                    k = ring[slot, q]
                    for x in range(in_ptr[k], in_ptr[k + 1]):
                        s = in_syn[x]
                        w[s] = min(w[s] + a_p[s] * w_max * apre[s] * np.exp(-(t - t_pre[s]) / tau_p[s]), w_max)
                        apost[s] = apost[s] * np.exp(-(t - t_post[s]) / tau_m_[s]) + 1.0
                        t_post[s] = t
            for q in range(ring_n[slot]):                       # reset
                k = ring[slot, q]
                v[k] = v_reset[k]
                last[k] = step
        return out_i[:n_out], out_t[:n_out], events

    return simulate


_SIMULATE = None


def run_reference(config: ReservoirConfig, seed: int, u_train, u_eval, params: Parameters | None = None
                  ) -> tuple[RunResult | None, RunResult, Parameters, int]:
    """Train (STDP) then frozen run, as ``StandaloneEngine.run``; returns also the synaptic event count."""
    global _SIMULATE
    if _SIMULATE is None:
        _SIMULATE = _compile()
    u_eval = encoding.as_input(u_eval, name="u_eval")
    u_train = encoding.as_input(u_train, u_eval.shape[1], name="u_train") if len(u_train) else u_eval[:0]
    if params is None:
        params = Parameters.draw(config, u_eval.shape[1], seed_streams(seed)[0])
    n, dt = config.n_neurons, config.dt * 1e-3
    per_input = int(round(config.input.step / config.dt))
    d_ee = np.round(params.ee_delay / config.dt).astype(np.int64)
    d_st = np.round(params.st_delay / config.dt).astype(np.int64)
    n_delays = int(max(d_ee.max(initial=0), d_st.max(initial=0)))
    ee_order, ee_ptr = _tables(params.ee_pre, params.ee_post, d_ee, n, n_delays)
    st_order, st_ptr = _tables(params.st_pre, params.st_post, d_st, n, n_delays)
    in_syn = np.argsort(params.ee_post[ee_order], kind="stable")     # E→E synapses (sorted order) by post
    in_ptr = np.searchsorted(params.ee_post[ee_order][in_syn], np.arange(n + 1))
    nc = config.neuron
    w = params.w[ee_order].astype(float)
    current = encoding.input_current(config.input, params.w_in, np.vstack([u_train, u_eval])) * 1e-12
    n_train_steps = len(u_train) * per_input
    start = time.perf_counter()
    spike_i, spike_step, events = _SIMULATE(
        (len(u_train) + len(u_eval)) * per_input, per_input,
        n_train_steps if config.stdp.enabled else 0, current,
        np.exp(-config.dt / params.tau_m), np.full(n, np.exp(-config.dt / nc.tau_syn)), params.v_th * 1e-3,
        np.round(params.t_ref / config.dt).astype(np.int64), np.full(n, nc.v_rest * 1e-3),
        np.full(n, nc.v_reset * 1e-3), np.full(n, nc.resistance * 1e6), params.v0 * 1e-3, n_delays,
        params.ee_post[ee_order].astype(np.int64), d_ee[ee_order], ee_ptr, w, config.synapses.j_ee * 1e-12,
        config.stdp.w_max, params.tau_plus[ee_order] * 1e-3, params.tau_minus[ee_order] * 1e-3,
        params.a_plus[ee_order], params.a_minus[ee_order], in_ptr.astype(np.int64), in_syn.astype(np.int64),
        params.st_post[st_order].astype(np.int64), d_st[st_order], st_ptr, params.st_j[st_order] * 1e-12, dt)
    wall = time.perf_counter() - start
    params.w = np.empty_like(w)
    params.w[ee_order] = w
    step_s = config.input.step * 1e-3
    phases = []
    for lo, n_steps in ((0, len(u_train)), (n_train_steps, len(u_eval))):
        keep = (spike_step >= lo) & (spike_step < lo + n_steps * per_input)
        i, t = spike_i[keep].astype(np.int64), (spike_step[keep] - lo) * dt
        phases.append(RunResult(i, t, run_states(config, i, t, n_steps), n_steps, n_steps * step_s,
                                wall * n_steps / (len(u_train) + len(u_eval))))
    return (phases[0] if len(u_train) else None), phases[1], params, int(events)
