"""A plain event-driven Numba implementation of the same LIF + STDP reservoir: the "speed of light" reference.

Same model as ``hrsnn.network`` (per-step exact LIF update with held currents, exponential synaptic current,
per-synapse delays, trace-based pair STDP on E→E acting at spike arrival), written as one loop over time
steps: a spike queues its (presynaptic neuron, delay) blocks of synapses on a ring of future steps, so each
synaptic event costs O(1) and no step scans the delays. It is a benchmark
baseline and a cross-check of the Brian2 model, not the product path: Brian2 remains the simulator of record.
"""
from __future__ import annotations

import time

import numpy as np

from . import encoding
from .config import ReservoirConfig
from .network import Parameters, RunResult, run_states, seed_streams


def _blocks(pre, delay_steps, n):
    """Synapse order sorted by (pre, delay), and blocks of equal (pre, delay): first synapse of each block,
    its delay, and the first block of each presynaptic neuron."""
    order = np.lexsort((delay_steps, pre))
    p, d = pre[order], delay_steps[order]
    new_block = np.ones(len(order), dtype=bool)
    new_block[1:] = (p[1:] != p[:-1]) | (d[1:] != d[:-1])
    starts = np.flatnonzero(new_block)
    block_start = np.append(starts, len(order)).astype(np.int64)
    block_delay = d[starts].astype(np.int64)
    neuron_ptr = np.searchsorted(p[starts], np.arange(n + 1)).astype(np.int64)
    return order, block_start, block_delay, neuron_ptr


def _compile():
    from numba import njit

    @njit(cache=True)
    def simulate(n_steps, per_input, plastic_steps, current, decay_m, decay_syn, v_th, ref_steps, v_rest,
                 v_reset, R, v, n_delays,
                 ee_post, ee_bstart, ee_bdelay, ee_nptr, w, j_ee, w_max, tau_p, tau_m_, a_p, a_m, in_ptr, in_syn,
                 st_post, st_bstart, st_bdelay, st_nptr, st_j, dt):
        n = v.shape[0]
        n_ee_blocks = ee_bdelay.shape[0]
        i_syn = np.zeros(n)
        last = np.full(n, -10**9)
        apre = np.zeros(w.shape[0])
        apost = np.zeros(w.shape[0])
        t_pre = np.zeros(w.shape[0])
        t_post = np.zeros(w.shape[0])
        n_slots = n_delays + 1
        queue = np.empty((n_slots, 64), dtype=np.int64)   # blocks arriving at each future step (ring)
        queue_n = np.zeros(n_slots, dtype=np.int64)
        spiked = np.empty(n, dtype=np.int64)
        out_i = np.empty(1 << 16, dtype=np.int32)
        out_t = np.empty(1 << 16, dtype=np.int64)
        n_out = 0
        events = 0
        for step in range(n_steps):
            t = step * dt
            row = step // per_input
            for k in range(n):                                  # neurons: exact step
                if step - last[k] >= ref_steps[k]:
                    v_inf = v_rest[k] + R[k] * (i_syn[k] + current[row, k])
                    v[k] = v_inf + (v[k] - v_inf) * decay_m[k]
                i_syn[k] *= decay_syn[k]
            n_spiked = 0
            for k in range(n):                                  # threshold; queue the spike's synapse blocks
                if v[k] > v_th[k] and step - last[k] >= ref_steps[k]:
                    spiked[n_spiked] = k
                    n_spiked += 1
                    if n_out == out_i.shape[0]:
                        out_i = np.concatenate((out_i, np.empty_like(out_i)))
                        out_t = np.concatenate((out_t, np.empty_like(out_t)))
                    out_i[n_out] = k
                    out_t[n_out] = step
                    n_out += 1
                    for b in range(ee_nptr[k], ee_nptr[k + 1]):
                        queue, queue_n = _push(queue, queue_n, (step + ee_bdelay[b]) % n_slots, b)
                    for b in range(st_nptr[k], st_nptr[k + 1]):
                        queue, queue_n = _push(queue, queue_n, (step + st_bdelay[b]) % n_slots, n_ee_blocks + b)
            learning = step < plastic_steps
            slot = step % n_slots
            for q in range(queue_n[slot]):                      # arrivals: transmit, then LTD
                b = queue[slot, q]
                if b < n_ee_blocks:
                    for s in range(ee_bstart[b], ee_bstart[b + 1]):
                        i_syn[ee_post[s]] += w[s] * j_ee
                        if learning:
                            w[s] = min(max(w[s] - a_m[s] * w_max * apost[s] * np.exp(-(t - t_post[s]) / tau_m_[s]),
                                           0.0), w_max)
                            apre[s] = apre[s] * np.exp(-(t - t_pre[s]) / tau_p[s]) + 1.0
                            t_pre[s] = t
                    events += ee_bstart[b + 1] - ee_bstart[b]
                else:
                    b -= n_ee_blocks
                    for s in range(st_bstart[b], st_bstart[b + 1]):
                        i_syn[st_post[s]] += st_j[s]
                    events += st_bstart[b + 1] - st_bstart[b]
            queue_n[slot] = 0
            if learning:                                        # postsynaptic spikes: LTP
                for q in range(n_spiked):
                    k = spiked[q]
                    for x in range(in_ptr[k], in_ptr[k + 1]):
                        s = in_syn[x]
                        w[s] = min(w[s] + a_p[s] * w_max * apre[s] * np.exp(-(t - t_pre[s]) / tau_p[s]), w_max)
                        apost[s] = apost[s] * np.exp(-(t - t_post[s]) / tau_m_[s]) + 1.0
                        t_post[s] = t
            for q in range(n_spiked):                           # reset
                k = spiked[q]
                v[k] = v_reset[k]
                last[k] = step
        return out_i[:n_out], out_t[:n_out], events

    @njit(cache=True)
    def _push(queue, queue_n, slot, block):
        if queue_n[slot] == queue.shape[1]:
            bigger = np.empty((queue.shape[0], 2 * queue.shape[1]), dtype=queue.dtype)
            bigger[:, :queue.shape[1]] = queue
            queue = bigger
        queue[slot, queue_n[slot]] = block
        queue_n[slot] += 1
        return queue, queue_n

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
    ee_order, ee_bstart, ee_bdelay, ee_nptr = _blocks(params.ee_pre, d_ee, n)
    st_order, st_bstart, st_bdelay, st_nptr = _blocks(params.st_pre, d_st, n)
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
        params.ee_post[ee_order].astype(np.int64), ee_bstart, ee_bdelay, ee_nptr, w, config.synapses.j_ee * 1e-12,
        config.stdp.w_max, params.tau_plus[ee_order] * 1e-3, params.tau_minus[ee_order] * 1e-3,
        params.a_plus[ee_order], params.a_minus[ee_order], in_ptr.astype(np.int64), in_syn.astype(np.int64),
        params.st_post[st_order].astype(np.int64), st_bstart, st_bdelay, st_nptr, params.st_j[st_order] * 1e-12, dt)
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
