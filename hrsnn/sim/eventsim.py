"""The reservoir as one event-driven Numba kernel: the default simulation target ("numba").

Same model, same arithmetic, same order of operations as the Brian2 network of ``hrsnn.network`` (per-step
exact LIF update with held currents, exponential synaptic current, per-synapse delays, trace-based pair STDP on
E→E acting at spike arrival), so it produces Brian2's spikes and weights (``tests/test_eventsim.py`` checks it
against a fresh Brian2 build). One loop over time steps: a spike queues each of its synapses on a ring of future
steps (one slot per step of the longest delay), so a synaptic event costs O(1) and no step scans the delays.
Layout for speed: the neuron update is branch-free (vectorisable); the queue holds 8-byte ``ARRIVAL`` records
(target, index of the current jump), read in order, so a frozen arrival's one random read is its jump in a
part's small ``jumps`` table (E→E: one per synapse; static: one per distinct value); each E→E synapse's STDP
state sits in one 64-byte ``SYNAPSE`` record, kept in target order, so a plastic arrival touches one cache line
and a postsynaptic spike's LTP sweeps contiguous records.
A run is split over threads (``default_threads``): with n of them, each owns every n-th neuron (so each gets its
share of excitatory and inhibitory neurons, of learning and of transmission), the synapses onto them and their
queue, and the threads swap spikes every shortest-delay steps, queueing them in a single thread's order, so
the spikes do not depend on the number of threads.
The kernel is compiled once per machine (Numba's on-disk cache), not per network structure: any size, wiring,
seed, parameter set or input length runs without compilation. Brian2 remains the simulator of record.
"""
from __future__ import annotations

import os
import platform
import threading
import time

import numpy as np
from llvmlite import binding, ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from .. import parallel
from ..errors import HRSNNError
from ..memo import Memo
from ..model import encoding
from ..model.config import ReservoirConfig
from ..model.parameters import Parameters, ip_drift
from ..model.seeds import seed_streams
from .states import RunResult, StateSpec

SYNAPSE = np.dtype([("w", "f8"), ("apre", "f8"), ("apost", "f8"), ("tau_plus", "f8"), ("tau_minus", "f8"),
                    ("a_plus", "f8"), ("a_minus", "f8"), ("pre_step", "i4"), ("post_step", "i4")])
"""One E→E synapse: weight (× j_ee), traces, time constants (s), learning rates × w_max, and the steps of the
last presynaptic arrival and postsynaptic spike (the traces' update times)."""

TRIPLET = np.dtype([("apost2", "f8"), ("tau_y", "f8"), ("a_plus3", "f8")])
"""The triplet rule's part of an E→E synapse, beside its ``SYNAPSE`` record: the slow postsynaptic trace, its time
constant (s) and its LTP rate × w_max."""

RULES = {"additive": 0, "multiplicative": 1, "triplet": 2}
"""``stdp.rule`` as the kernel's ``rule`` argument."""

ARRIVAL = np.dtype([("post", "i4"), ("k", "i4")])
"""What an arrival needs, 8 bytes, one per synapse in a part's out order and copied into the queue: its target
(position in the part) and its current jump's index in the part's ``jumps`` (E→E: its ``SYNAPSE`` record,
k < number of records; static: past them)."""


AHEAD = 16
"""Plastic arrivals prefetch the STDP record of the arrival this many events ahead (random accesses into records
that outgrow the caches: at N = 2000 the STDP phase takes 0.22 s on one thread with it, 0.54 s without)."""


PAD = 16
"""``sync`` holds one counter per part, 16 int64 (128 bytes) apart so that parts do not share a cache line."""


def _item_pointer(context, builder, signature, args):
    aryty = signature.args[0]
    ary = context.make_array(aryty)(context, builder, args[0])
    return cgutils.get_item_pointer(context, builder, aryty, ary, [args[1]], wraparound=False)


@intrinsic
def prefetch(typingctx, arr, index):
    """Hint the CPU to bring ``arr[index]`` into cache for reading (no effect on any result)."""
    def codegen(context, builder, signature, args):
        ptr = _item_pointer(context, builder, signature, args)
        i8p, i32 = ir.IntType(8).as_pointer(), ir.IntType(32)
        name = "llvm.prefetch.p0" if binding.llvm_version_info[0] >= 17 else "llvm.prefetch.p0i8"
        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]),
                                            name)
        # read (0), high temporal locality (3), data cache (1)
        builder.call(fn, [builder.bitcast(ptr, i8p), ir.Constant(i32, 0), ir.Constant(i32, 3), ir.Constant(i32, 1)])
        return context.get_dummy_value()
    return types.void(arr, index), codegen


@intrinsic
def load_acquire(typingctx, arr, index):
    """``arr[index]`` (int64), read after everything the thread that stored it with ``store_release`` wrote."""
    def codegen(context, builder, signature, args):
        return builder.load_atomic(_item_pointer(context, builder, signature, args), "acquire", 8)
    return types.int64(arr, index), codegen


@intrinsic
def store_release(typingctx, arr, index, value):
    """``arr[index] = value`` (int64), visible to other threads only after this thread's earlier writes."""
    def codegen(context, builder, signature, args):
        value = context.cast(builder, args[2], signature.args[2], types.int64)
        builder.store_atomic(value, _item_pointer(context, builder, signature, args), "release", 8)
        return context.get_dummy_value()
    return types.void(arr, index, value), codegen


@intrinsic
def spin_pause(typingctx):
    """The CPU's spin-wait hint (x86 ``pause``; nothing elsewhere)."""
    def codegen(context, builder, signature, args):
        if platform.machine().lower() in ("x86_64", "amd64", "i386", "i686"):
            fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.VoidType(), []),
                                                "llvm.x86.sse2.pause")
            builder.call(fn, [])
        return context.get_dummy_value()
    return types.void(), codegen


@intrinsic
def sched_yield(typingctx):
    """Give this thread's core to another runnable thread (POSIX ``sched_yield``)."""
    def codegen(context, builder, signature, args):
        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.IntType(32), []), "sched_yield")
        builder.call(fn, [])
        return context.get_dummy_value()
    return types.void(), codegen


SPINS = 1 << 12
"""Spin-wait hints before a waiting part starts yielding its core (≈ 0.1 ms: longer than a part usually waits,
short enough that more parts than cores still make progress)."""


@njit(cache=True, nogil=True)
def wait_all(sync, part, count):
    """Publish that this part has reached exchange ``count``, then wait until every part has (False: a part
    failed and the run is abandoned)."""
    n_parts = sync.shape[0] // PAD - 1
    store_release(sync, part * PAD, count)
    for q in range(n_parts):
        spins = 0
        while load_acquire(sync, q * PAD) < count:
            if load_acquire(sync, n_parts * PAD) != 0:
                return False
            spins += 1
            if spins < SPINS:
                spin_pause()
            else:
                sched_yield()
    return True


def synapse_records(w, tau_plus, tau_minus, a_plus, a_minus, w_max: float) -> np.ndarray:
    """``SYNAPSE`` records, 64-byte aligned (one cache line each); time constants in s."""
    buf = np.zeros((len(w) + 1) * SYNAPSE.itemsize, np.uint8)
    start = -buf.ctypes.data % SYNAPSE.itemsize
    syn = buf[start:start + len(w) * SYNAPSE.itemsize].view(SYNAPSE)
    syn["w"], syn["tau_plus"], syn["tau_minus"] = w, tau_plus, tau_minus
    syn["a_plus"], syn["a_minus"] = a_plus * w_max, a_minus * w_max
    return syn


def triplet_records(tau_y, a_plus3, w_max: float) -> np.ndarray:
    """``TRIPLET`` records (time constants in s), in the order of the ``SYNAPSE`` records they belong to."""
    syn3 = np.zeros(len(tau_y), TRIPLET)
    syn3["tau_y"], syn3["a_plus3"] = tau_y, a_plus3 * w_max
    return syn3


@njit(cache=True, nogil=True, error_model="numpy")
def grow(queue):
    bigger = np.empty((queue.shape[0], 2 * queue.shape[1]), dtype=queue.dtype)
    bigger[:, :queue.shape[1]] = queue
    return bigger


@njit(cache=True, nogil=True, error_model="numpy")
def push(queue, queue_n, now, out_delay, arrival, a, b, fill):
    """Queue arrivals ``a … b−1`` (out order) at their slots (``queue`` has room); returns the new fill.
    A function of its own so the loop sees a fixed ``queue`` (no reload per event: ≈25 % faster)."""
    n_slots = queue.shape[0]
    for x in range(a, b):
        slot = now + out_delay[x]
        slot = slot - n_slots if slot >= n_slots else slot
        c = queue_n[slot]
        e, r = queue[slot, c], arrival[x]
        e.post, e.k = r.post, r.k
        queue_n[slot] = c + 1
        fill = max(fill, c + 1)
    return fill


@njit(cache=True, nogil=True, error_model="numpy")
def exchange(queue, queue_n, fill, spk, spk_n, par, w0, w1, out_ptr, out_delay, arrival):
    """Queue this part's synapses of every part's spikes of steps ``w0 … w1−1`` (buffer ``par``), step by step
    and in neuron order (merging the parts' lists), as one thread would: each target sees its arrivals in
    Brian2's order."""
    n_parts, n_slots = spk.shape[0], queue.shape[0]
    start = np.zeros(n_parts, dtype=np.int64)
    end = np.zeros(n_parts, dtype=np.int64)
    for step in range(w0, w1):
        now = step % n_slots
        for q in range(n_parts):
            end[q] = start[q] + spk_n[q, par, step - w0]
        while True:
            k, first = np.iinfo(np.int32).max, -1
            for q in range(n_parts):
                if start[q] < end[q] and spk[q, par, start[q]] < k:
                    k, first = spk[q, par, start[q]], q
            if first < 0:
                break
            start[first] += 1
            a, b = out_ptr[k], out_ptr[k + 1]
            while fill + (b - a) > queue.shape[1]:          # room for all of them in any slot
                queue = grow(queue)
            fill = push(queue, queue_n, now, out_delay, arrival, a, b, fill)
    return queue, fill


@njit(cache=True, nogil=True, error_model="numpy")
def simulate(part, own, window, sync, spk, spk_n, n_steps, per_input, plastic_steps, current, decay_m, decay_syn,
             v_th, ref_steps, v_rest, v_reset, R, v, n_slots, out_ptr, out_delay, arrival, syn, static_jumps, j_ee,
             w_max, in_ptr, dt, eval_start, max_eval_spikes, max_train_spikes, ip_steps, ip_drift, ip_eta, u_in,
             w_in, bias, scale, rule, mu, nearest, syn3, ev):
    """Part ``part`` of the network, run by one thread: neurons ``own`` (ascending) and the synapses onto them.

    Per-neuron arrays (``current``: input row × neuron, ``decay_m``, ``decay_syn``, ``v_th``, ``ref_steps``, ``v``)
    are the part's own, by position in ``own``. A ``current`` with no rows (one input channel) is made here a row at
    a time, as ``encoding.input_current`` makes it: (bias + scale · u_in[row] · w_in[j]) A, so no T × N array is
    held. Neuron k's synapses onto the part are its arrivals ``out_ptr[k] … out_ptr[k+1]−1`` (``ARRIVAL``: target
    position and jump index k: for E→E the plastic ``SYNAPSE`` record ``syn[k]``, whose current is w·j_ee; static:
    ``static_jumps[k − len(syn)]``), E→E first,
    each by delay (``out_delay``, steps). Once the weights freeze, the E→E jumps are set to w·j_ee, so a frozen
    arrival is one add. ``syn`` is ordered by target, with position j's records at ``in_ptr[j] … in_ptr[j+1]−1``
    (its LTP is one sweep). The STDP rule (``rule``, as in ``RULES``) is ``hrsnn.network``'s: additive; ``1``
    multiplicative with exponent ``mu``; ``2`` triplet, with the slow trace in ``syn3`` (``TRIPLET``, one per
    record; empty for the other rules). ``nearest``: traces are reset to 1 at a spike instead of jumping by 1.
    ``ev`` (input rows × part, A; no rows: none): event input, added to the synaptic currents at the first step of
    each input row, after the threshold and before the recurrent arrivals.
    The parts exchange their spikes (``spk``, ``spk_n``: per part, two alternating buffers) every ``window``
    steps, which must not exceed the shortest delay; ``window`` 0 (zero delays): within each step, before the
    arrivals. Every target's arrivals, and so its current, come in the order of a single-thread run.
    Before step ``ip_steps`` intrinsic plasticity moves the thresholds ``v_th`` (in place): down by ``ip_drift``
    (per neuron) each step unless that takes them to ``v_reset`` or below, up by ``ip_eta`` at each spike.
    The run stops after the step in which the spikes from step ``eval_start`` on exceed ``max_eval_spikes``, or
    those before it exceed ``max_train_spikes`` (each ≥ 0; −1: no budget). Returns the part's spike neurons and
    steps, its synaptic events and the steps simulated (−1: another part failed)."""
    early, width = window == 0, max(window, 1)
    m = own.shape[0]
    i_syn = np.zeros(m)
    ready = ref_steps - 10**9                           # first step each neuron integrates again
    fired = np.empty(m, dtype=np.int64)                 # positions of this step's spiking neurons
    queue = np.empty((n_slots, 256), dtype=arrival.dtype)  # arrivals at each future step (ring)
    n_rec = syn.shape[0]
    jumps = np.zeros(n_rec + static_jumps.shape[0])     # E→E: set when the weights freeze
    jumps[n_rec:] = static_jumps
    queue_n = np.zeros(n_slots, dtype=np.int64)
    step_events = np.zeros(width, dtype=np.int64)
    row_current = np.empty(m)                           # the current of this input row (one channel)
    last_row = -1
    out_i = np.empty(1 << 16, dtype=np.int32)
    out_t = np.empty(1 << 16, dtype=np.int32)                 # steps < 2**31 (checked)
    n_out = 0
    fill = 0                                            # the fullest any slot has been
    events = 0
    eval_spikes = 0
    train_spikes = 0
    count = 0                                           # exchanges so far
    for w0 in range(0, n_steps, width):
        w1 = min(w0 + width, n_steps)
        par = count & 1
        n_own = 0
        for step in range(w0, w1):
            t = step * dt
            row = step // per_input
            if current.shape[0] == 0:
                if row != last_row:
                    for j in range(m):
                        row_current[j] = (bias + scale * (u_in[row] * w_in[j])) * 1e-12
                    last_row = row
                u = row_current
            else:
                u = current[row]
            ip = 1.0 if step < ip_steps else 0.0
            for j in range(m):                          # neurons: exact step unless refractory
                v_inf = v_rest + R * (i_syn[j] + u[j])
                v_new = v_inf + (v[j] - v_inf) * decay_m[j]
                v[j] = v_new if step >= ready[j] else v[j]
                i_syn[j] *= decay_syn[j]
            if step < ip_steps:                         # IP's drift (only while it runs: no stream otherwise)
                for j in range(m):
                    v_th[j] = v_th[j] - ip_drift[j] * (1.0 if v_th[j] - ip_drift[j] > v_reset else 0.0)
            first = n_own
            for j in range(m):                          # threshold
                if v[j] > v_th[j] and step >= ready[j]:
                    fired[n_own - first] = j
                    spk[part, par, n_own] = own[j]
                    n_own += 1
            n_fired = n_own - first
            spk_n[part, par, step - w0] = n_fired
            if n_out + n_fired > out_i.shape[0]:
                out_i = np.concatenate((out_i, np.empty_like(out_i)))
                out_t = np.concatenate((out_t, np.empty_like(out_t)))
            for q in range(first, n_own):
                out_i[n_out] = spk[part, par, q]
                out_t[n_out] = step
                n_out += 1
            if early:                                   # zero delays: this step's spikes arrive in this step
                count += 1
                if not wait_all(sync, part, count):
                    return out_i[:0], out_t[:0], 0, -1
                queue, fill = exchange(queue, queue_n, fill, spk, spk_n, par, w0, w1, out_ptr, out_delay, arrival)
            now = step % n_slots
            if ev.shape[0] > 0 and step % per_input == 0:   # input spikes of this row, through their synapses
                for j in range(m):
                    i_syn[j] += ev[row, j]
            learning = step < plastic_steps
            if step == plastic_steps:                   # weights frozen from here on
                for x in range(n_rec):
                    jumps[x] = syn[x].w * j_ee
            c = queue_n[now]
            events += c
            step_events[step - w0] = c
            if learning:
                for q in range(c):                      # arrivals: transmit, then LTD
                    if q + AHEAD < c and queue[now, q + AHEAD].k < n_rec:
                        prefetch(syn, queue[now, q + AHEAD].k)
                    a = queue[now, q]
                    s = a.k
                    if s < n_rec:
                        r = syn[s]
                        i_syn[a.post] += r.w * j_ee
                        ltd = r.a_minus * r.apost * np.exp(-(t - r.post_step * dt) / r.tau_minus)
                        if rule == 1:
                            ltd = ltd * (r.w / w_max) ** mu
                        r.w = min(max(r.w - ltd, 0.0), w_max)
                        r.apre = 1.0 if nearest else r.apre * np.exp(-(t - r.pre_step * dt) / r.tau_plus) + 1.0
                        r.pre_step = step
                    else:
                        i_syn[a.post] += jumps[s]
            else:
                for q in range(c):                      # arrivals: transmit
                    if q + AHEAD < c:
                        prefetch(jumps, queue[now, q + AHEAD].k)
                    a = queue[now, q]
                    i_syn[a.post] += jumps[a.k]
            queue_n[now] = 0
            if learning:                                # postsynaptic spikes: LTP
                for q in range(n_fired):
                    j = fired[q]
                    for x in range(in_ptr[j], in_ptr[j + 1]):
                        r = syn[x]
                        decay = np.exp(-(t - r.pre_step * dt) / r.tau_plus)   # of the presynaptic trace
                        if rule == 0:
                            r.w = min(r.w + r.a_plus * r.apre * decay, w_max)
                        elif rule == 1:
                            r.w = min(r.w + r.a_plus * r.apre * decay * (1.0 - r.w / w_max) ** mu, w_max)
                        else:
                            r3 = syn3[x]
                            y = np.exp(-(t - r.post_step * dt) / r3.tau_y)
                            r.w = min(r.w + r.a_plus * r.apre * decay + r3.a_plus3 * r.apre * decay * r3.apost2 * y,
                                      w_max)
                            r3.apost2 = 1.0 if nearest else r3.apost2 * y + 1.0
                        r.apost = 1.0 if nearest else r.apost * np.exp(-(t - r.post_step * dt) / r.tau_minus) + 1.0
                        r.post_step = step
            for q in range(n_fired):                    # reset
                j = fired[q]
                v[j] = v_reset
                v_th[j] = v_th[j] + ip * ip_eta
                ready[j] = step + ref_steps[j]
        if not early:                                   # the window's spikes arrive after it
            count += 1
            if not wait_all(sync, part, count):
                return out_i[:0], out_t[:0], 0, -1
            queue, fill = exchange(queue, queue_n, fill, spk, spk_n, par, w0, w1, out_ptr, out_delay, arrival)
        if max_eval_spikes >= 0 or max_train_spikes >= 0:   # every part sees every part's counts: same verdict
            for step in range(w0, w1):
                n_all = 0
                for q in range(spk.shape[0]):
                    n_all += spk_n[q, par, step - w0]
                if step >= eval_start:
                    eval_spikes += n_all
                    over = 0 <= max_eval_spikes < eval_spikes
                else:
                    train_spikes += n_all
                    over = 0 <= max_train_spikes < train_spikes
                if over:                                # stop after this step: drop what came later
                    while n_out > 0 and out_t[n_out - 1] > step:
                        n_out -= 1
                    for later in range(step + 1, w1):
                        events -= step_events[later - w0]
                    return out_i[:n_out], out_t[:n_out], events, step + 1
    return out_i[:n_out], out_t[:n_out], events, n_steps


def _refractory_steps(t_ref: np.ndarray, dt: float) -> np.ndarray:
    """Steps a neuron stays refractory (times in ms), as Brian2 counts them: ``timestep(t_ref, dt)``."""
    return np.array((t_ref * 1e-3 + 1e-3 * dt * 1e-3) / (dt * 1e-3), dtype=np.int64)


MAX_WINDOW = 256
"""Most steps between two spike exchanges of the parts (at most the shortest delay)."""
PART_MIN = 250
"""Fewest neurons per thread by default (``make bench``: two parts of 250 neurons still beat one thread)."""


def default_threads(n_neurons: int) -> int:
    """Threads for one run: ``HRSNN_THREADS`` if set, else ``parallel.threads()`` with at least ``PART_MIN``
    neurons each."""
    if os.environ.get("HRSNN_THREADS"):
        return parallel.threads()
    return max(1, min(parallel.threads(), n_neurons // PART_MIN))


LAYOUTS = Memo(max_mb=768)
"""Synapse layouts by the wiring arrays they were made from (kept alive with them, so ids are not reused, and
counted with them). Sized for an N = 100 000 SC-ML reservoir (380 MB)."""
_WIRING_FIELDS = ("ee_pre", "ee_post", "ee_delay", "st_pre", "st_post", "st_delay", "st_j")


def _layout(params: Parameters, dt: float, n_parts: int) -> dict:
    d_ee = np.round(params.ee_delay / dt).astype(np.int64)
    d_st = np.round(params.st_delay / dt).astype(np.int64)
    ee = np.lexsort((d_ee, params.ee_pre))         # synapse order: by presynaptic neuron, then delay
    st = np.lexsort((d_st, params.st_pre))
    n, n_ee = len(params.v0), len(ee)
    pre = np.concatenate([params.ee_pre[ee], params.st_pre[st]])
    delay = np.concatenate([d_ee[ee], d_st[st]])
    post = np.concatenate([params.ee_post[ee], params.st_post[st]]).astype(np.int32)
    out_syn = np.argsort(pre, kind="stable")       # per neuron: its E→E synapses, then its static ones
    in_syn = np.argsort(post[:n_ee], kind="stable")
    in_degree = np.bincount(post[:n_ee], minlength=n)
    static_jumps, static_k = np.unique(params.st_j[st] * 1e-12, return_inverse=True)
    record = np.concatenate([np.zeros(n_ee, np.int32), static_k.astype(np.int32)])  # E→E: set per part
    arrays = {}
    out_post, in_post = post[out_syn], post[:n_ee][in_syn]
    for p in range(n_parts):                       # part p: neurons p, p + n_parts, …, at positions k // n_parts
        own = np.arange(p, n, n_parts)
        mine = in_syn[in_post % n_parts == p]                    # the part's E→E records, by target neuron
        record[mine] = np.arange(len(mine))
        record[n_ee:] = static_k + len(mine)
        mine_out = out_syn[out_post % n_parts == p]              # every neuron's synapses onto the part, in order
        arrival = np.empty(len(mine_out), ARRIVAL)
        arrival["post"], arrival["k"] = post[mine_out] // n_parts, record[mine_out]
        arrays |= {f"own{p}": own, f"arrival{p}": arrival, f"out_delay{p}": delay[mine_out].astype(np.int32),
                   f"out_ptr{p}": np.searchsorted(pre[mine_out], np.arange(n + 1)).astype(np.int64),
                   f"records{p}": ee[mine], f"in_ptr{p}": np.concatenate([[0], np.cumsum(in_degree[own])])}
    arrays["static_jumps"] = static_jumps          # the distinct static jumps (A)
    for a in arrays.values():       # read-only whether kept or not: one type signature for the kernel
        a.flags.writeable = False
    return {**arrays, "source": tuple(getattr(params, f) for f in _WIRING_FIELDS),
            "n_slots": int(delay.max(initial=0)) + 1, "window": int(min(delay.min(initial=MAX_WINDOW), MAX_WINDOW))}


def layout(params: Parameters, dt: float, n_parts: int = 1) -> dict:
    """The kernel's synapse arrays (``simulate``'s arguments) for ``params``' wiring and delays at step ``dt``
    (ms), split into ``n_parts`` parts: computed once per wiring when its arrays are read-only (as
    ``Parameters.draw`` returns them)."""
    source = [getattr(params, f) for f in _WIRING_FIELDS]
    if any(a.flags.writeable for a in source):
        return _layout(params, dt, n_parts)
    return LAYOUTS.get((*map(id, source), dt, n_parts), lambda: _layout(params, dt, n_parts))


def _run_parts(run_part, n_parts: int, sync: np.ndarray) -> list:
    """``run_part(p)`` for every part, each on a thread of its own (part 0 on this one); a part that fails
    releases the others (they return early) and its error is raised here."""
    results, errors = [None] * n_parts, []

    def one(p):
        try:
            results[p] = run_part(p)
        except BaseException as e:     # noqa: BLE001 - re-raised below, after the other parts stopped
            errors.append(e)
            sync[n_parts * PAD] = 1
    threads = [threading.Thread(target=one, args=(p,), daemon=True) for p in range(1, n_parts)]
    for t in threads:
        t.start()
    one(0)
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


@njit(cache=True)
def _merge(i_all, step_all, bounds, out_i, out_step):
    """k-way merge of runs of (step, neuron)-sorted spikes (run r at ``bounds[r] … bounds[r+1]−1``)."""
    head = bounds[:-1].copy()
    for s in range(len(out_i)):
        best = -1
        for r in range(len(head)):
            if head[r] < bounds[r + 1] and (best < 0 or step_all[head[r]] < step_all[head[best]] or (
                    step_all[head[r]] == step_all[head[best]] and i_all[head[r]] < i_all[head[best]])):
                best = r
        out_i[s] = i_all[head[best]]
        out_step[s] = step_all[head[best]]
        head[best] += 1


def merge_spikes(part_i: list[np.ndarray], part_step: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The parts' spikes (each part's by step, then neuron) as one list in that order (int32 neuron, step). The
    lists are emptied as they are copied, so that each part's buffer is freed as soon as it is read."""
    if len(part_i) == 1:
        return part_i.pop(), part_step.pop()
    bounds = np.cumsum([0, *(len(x) for x in part_i)])
    i_all, step_all = np.empty(bounds[-1], np.int32), np.empty(bounds[-1], np.int32)
    for r in range(len(bounds) - 1):
        i_all[bounds[r]:bounds[r + 1]], step_all[bounds[r]:bounds[r + 1]] = part_i[r], part_step[r]
        part_i[r] = part_step[r] = None
    out_i, out_step = np.empty_like(i_all), np.empty_like(step_all)
    _merge(i_all, step_all, bounds, out_i, out_step)
    return out_i, out_step


def run_eventsim(config: ReservoirConfig, seed: int, u_train, u_eval, params: Parameters | None = None,
                 max_eval_spikes: int | None = None, threads: int | None = None, max_train_spikes: int | None = None,
                 ) -> tuple[RunResult | None, RunResult, Parameters, int]:
    """STDP phase on ``u_train`` (may be empty), frozen phase on ``u_eval``: the spikes of
    ``Reservoir(config, seed)`` with ``train_stdp(u_train)`` then ``run(u_eval)``. Returns both phases, the
    parameters (E→E weights as learned) and the number of synaptic events delivered.
    With ``max_eval_spikes``, the frozen phase stops once it has more spikes than that: its result then holds
    the spikes so far (a prefix of the full run's) and ``stopped_at``, the input step it stopped in; likewise
    the STDP phase with ``max_train_spikes`` (the frozen phase then never runs: no spikes, ``stopped_at`` 0).
    ``threads`` (default ``default_threads``) split the neurons into as many parts, each with the synapses onto
    it: the spikes are the same for any number."""
    if config.input.encoding == "poisson":
        raise HRSNNError("target numba: input.encoding 'poisson' is not supported; "
                         "use target 'cython' or 'numpy' for Poisson input")
    u_eval = encoding.as_input(u_eval, name="u_eval")
    u_train = (encoding.as_input(u_train, u_eval.shape[1], name="u_train") if len(u_train)
               else np.zeros((0, u_eval.shape[1])))
    if config.input.encoding == "events":
        encoding.check_counts(u_train, "u_train")
        encoding.check_counts(u_eval, "u_eval")
    per_input = int(round(config.input.step / config.dt))
    total_steps = (len(u_train) + len(u_eval)) * per_input
    if total_steps >= 2**31:                       # SYNAPSE keeps step numbers in 32 bits
        raise HRSNNError(f"target numba: {total_steps} time steps (input rows × input.step / dt) exceed "
                         f"2**31 − 1; shorten the input or use target 'standalone'")
    if params is None:
        params = Parameters.draw(config, u_eval.shape[1], seed_streams(seed)[0])
    nc, st = config.neuron, config.stdp
    n_parts = max(1, min(int(threads or default_threads(config.n_neurons)), config.n_neurons))
    lay = layout(params, config.dt, n_parts)
    u_all = np.vstack([u_train, u_eval])
    n_train_steps = len(u_train) * per_input
    width = max(lay["window"], 1)
    sync = np.zeros((n_parts + 1) * PAD, dtype=np.int64)
    spk = np.empty((n_parts, 2, -(-config.n_neurons // n_parts) * width), dtype=np.int32)
    spk_n = np.zeros((n_parts, 2, width), dtype=np.int64)
    neuron = (np.exp(-config.dt / params.tau_m), np.exp(-config.dt / params.tau_syn), params.v_th * 1e-3,
              _refractory_steps(params.t_ref, config.dt), params.v0 * 1e-3, ip_drift(config, params) * 1e-3)
    shared = (nc.v_rest * 1e-3, nc.v_reset * 1e-3, nc.resistance * 1e6)
    records, thresholds = [None] * n_parts, [None] * n_parts

    def run_part(p):               # the part's own arrays are made on its thread, then its kernel is timed
        own, r = lay[f"own{p}"], lay[f"records{p}"]
        decay_m, decay_syn, v_th, ref_steps, v, drift = (a[own] for a in neuron)
        ev = np.empty((0, len(own)))
        if config.input.encoding == "events":     # a constant bias current; the spikes as current jumps
            ev = encoding.event_jumps(config.input, params.w_in[own], u_all) * 1e-12
            current, u_in, w_in = np.empty((0, len(own))), np.zeros(len(u_all)), np.zeros(len(own))
        elif u_all.shape[1] == 1:  # one channel: the kernel makes each row's current
            current, u_in, w_in = np.empty((0, len(own))), u_all[:, 0].copy(), params.w_in[own, 0].copy()
        else:
            current = encoding.input_current(config.input, params.w_in[own], u_all) * 1e-12   # (T, part)
            u_in, w_in = np.empty(0), np.empty(0)
        thresholds[p] = v_th
        records[p] = syn = synapse_records(params.w[r], params.tau_plus[r] * 1e-3, params.tau_minus[r] * 1e-3,
                                           params.a_plus[r], params.a_minus[r], st.w_max)
        syn3 = (triplet_records(params.tau_y[r] * 1e-3, params.a_plus3[r], st.w_max) if st.rule == "triplet"
                else np.zeros(0, TRIPLET))
        start = time.perf_counter()
        out = simulate(p, own, lay["window"], sync, spk, spk_n, total_steps, per_input,
                       n_train_steps if config.stdp.enabled else 0, current, decay_m, decay_syn, v_th, ref_steps,
                       *shared, v, lay["n_slots"],
                       lay[f"out_ptr{p}"], lay[f"out_delay{p}"], lay[f"arrival{p}"], syn, lay["static_jumps"],
                       config.synapses.j_ee * 1e-12,
                       config.stdp.w_max, lay[f"in_ptr{p}"], config.dt * 1e-3, n_train_steps,
                       -1 if max_eval_spikes is None else int(max_eval_spikes),
                       -1 if max_train_spikes is None else int(max_train_spikes),
                       n_train_steps if config.ip.enabled else 0, drift, config.ip.eta * 1e-3, u_in, w_in,
                       config.input.bias, config.input.scale, RULES[st.rule], st.mu, st.pairing == "nearest", syn3, ev)
        return (*out, time.perf_counter() - start)
    parts = _run_parts(run_part, n_parts, sync)
    events, done, wall = sum(p[2] for p in parts), parts[0][3], max(p[4] for p in parts)
    part_i, part_step = [p[0] for p in parts], [p[1] for p in parts]
    del parts
    spike_i, spike_step = merge_spikes(part_i, part_step)
    params.w = np.empty(len(params.w))
    for p in range(n_parts):
        params.w[lay[f"records{p}"]] = records[p]["w"]
        if config.ip.enabled:
            params.v_th[lay[f"own{p}"]] = thresholds[p] * 1e3
    step_s, dt = config.input.step * 1e-3, config.dt * 1e-3
    spec, phases = StateSpec.of(config), []
    for lo, n_steps in ((0, len(u_train)), (n_train_steps, len(u_eval))):
        a, b = np.searchsorted(spike_step, [lo, lo + n_steps * per_input])
        phases.append(RunResult(spike_i[a:b].copy(), (spike_step[a:b] - lo) * dt, spec, config.n_neurons, n_steps,
                                n_steps * step_s, wall * n_steps / (len(u_train) + len(u_eval))))
    del spike_i, spike_step
    if done < total_steps:
        phases[1].stopped_at = max(0, (done - 1 - n_train_steps) // per_input)
        if done <= n_train_steps:
            phases[0].stopped_at = (done - 1) // per_input
    return (phases[0] if len(u_train) else None), phases[1], params, int(events)
