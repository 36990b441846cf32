"""The drawn parameters and wiring of one reservoir: the "quenched disorder" sample of ``(config, seed)``.

Every random quantity (wiring, delays, per-neuron and per-synapse parameters, input weights, initial voltages)
has its own numpy stream spawned from one seed, so a reservoir is fully determined by ``(config, seed)`` and the
homogeneous twin of a config (same seed) shares its wiring, delays and input weights. No simulator lives here:
Brian2 (``hrsnn.sim.network``) and the Numba kernel (``hrsnn.sim.eventsim``) both run what ``Parameters.draw``
returns.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from .. import parallel
from ..memo import Memo
from . import encoding
from .config import ReservoirConfig
from .seeds import STREAMS
from .topology import scml_pairs


def connect(n_pre: int, n_post: int, p: float, rng: np.random.Generator, same: bool):
    """Random (pre, post) index pairs with probability p each; no self-connections within a population."""
    total = n_pre * n_post
    k = rng.binomial(total, p) if total else 0
    flat = np.sort(rng.choice(total, size=k, replace=False)) if k else np.zeros(0, dtype=np.int64)
    pre, post = np.divmod(flat, n_post)
    if same:
        keep = pre != post
        pre, post = pre[keep], post[keep]
    return pre.astype(np.int32), post.astype(np.int32)


WIRING = Memo(max_mb=512)
"""Wiring and delays by structure and seed: a study's trials differ in parameter values, not in these. Sized for
an N = 100 000 SC-ML reservoir (11 M synapses: 200 MB)."""
STDP_DRAWS = Memo(max_mb=512)
"""Per-synapse STDP parameters by distribution, count and stream: trials that change only other parameters
(the neurons' heterogeneity, say) reuse them. Sized for all four of an N = 100 000 reservoir (7 M E→E synapses:
215 MB); a smaller budget evicts each one before its next use."""


def _wiring(cfg: ReservoirConfig, wiring_seed, delay_seed) -> dict[str, np.ndarray]:
    """Recurrent synapses (E→E, then all others with their signed current jumps, pA) and delays (ms)."""
    rng = np.random.default_rng(wiring_seed)
    n, ne, sc = cfg.n_neurons, cfg.n_exc, cfg.synapses
    if cfg.topology.kind == "scml":
        pre, post = scml_pairs(cfg, rng)
        exc_pre, exc_post = pre < ne, post < ne
        ee = (pre[exc_pre & exc_post], post[exc_pre & exc_post])
        rest = ~(exc_pre & exc_post)
        st_pre, st_post = pre[rest], post[rest]
        j = np.where(exc_pre[rest], sc.j_ei, np.where(exc_post[rest], -sc.j_ie, -sc.j_ii))
    else:
        pops = {"e": (0, ne), "i": (ne, n)}
        pre_st, post_st, j_st = [], [], []
        ee = None
        for pair in ("ee", "ei", "ie", "ii"):
            (a0, a1), (b0, b1) = pops[pair[0]], pops[pair[1]]
            pre, post = connect(a1 - a0, b1 - b0, getattr(sc, f"p_{pair}"), rng, pair[0] == pair[1])
            pre, post = pre + a0, post + b0
            if pair == "ee":
                ee = (pre, post)
                continue
            sign = 1.0 if pair[0] == "e" else -1.0
            pre_st.append(pre), post_st.append(post)
            j_st.append(np.full(len(pre), sign * getattr(sc, f"j_{pair}")))
        st_pre, st_post, j = np.concatenate(pre_st), np.concatenate(post_st), np.concatenate(j_st)
    n_ee = len(ee[0])
    delays = sc.draw("delay", n_ee + len(st_pre), np.random.default_rng(delay_seed))
    return {"ee_pre": ee[0], "ee_post": ee[1], "ee_delay": delays[:n_ee], "st_pre": st_pre, "st_post": st_post,
            "st_delay": delays[n_ee:], "st_j": j.astype(float)}


@dataclass
class Parameters:
    """Every drawn quantity of one reservoir, in the config's units (ms, mV, pA, MOhm)."""

    tau_m: np.ndarray
    v_th: np.ndarray              # thresholds, mV (as intrinsic plasticity left them, once it has run)
    t_ref: np.ndarray
    tau_syn: np.ndarray           # synaptic current decay per neuron, ms
    ee_pre: np.ndarray
    ee_post: np.ndarray
    ee_delay: np.ndarray
    w: np.ndarray                 # E→E weights (× j_ee), plastic
    tau_plus: np.ndarray
    tau_minus: np.ndarray
    a_plus: np.ndarray
    a_minus: np.ndarray
    tau_y: np.ndarray             # triplet rule only (empty otherwise)
    a_plus3: np.ndarray           # triplet rule only (empty otherwise)
    st_pre: np.ndarray            # all other recurrent synapses (static)
    st_post: np.ndarray
    st_delay: np.ndarray
    st_j: np.ndarray              # signed current jump, pA
    w_in: np.ndarray              # (N, C) input weights
    v0: np.ndarray                # initial membrane potentials, U(v_reset, v_th)
    ip_rate: np.ndarray           # intrinsic plasticity's target rate per neuron, Hz

    @classmethod
    def draw(cls, cfg: ReservoirConfig, n_channels: int, seed: np.random.SeedSequence) -> Parameters:
        """Draw everything; each quantity has its own random stream, so the homogeneous twin of a config
        (same seed) has the same wiring, delays and input weights, and differs only where it is constant.
        The wiring and delays are drawn once per structure and seed in a process, the per-synapse STDP
        parameters once per distribution and seed (both kept as read-only arrays)."""
        seqs = dict(zip(STREAMS, seed.spawn(len(STREAMS))))
        rng = {name: np.random.default_rng(s) for name, s in seqs.items()}
        n, nc, st = cfg.n_neurons, cfg.neuron, cfg.stdp
        key = (n, cfg.n_exc, json.dumps([cfg.synapses.to_dict(), cfg.topology.to_dict()], sort_keys=True),
               seqs["wiring"].entropy,
               seqs["wiring"].spawn_key, seqs["delay"].spawn_key)
        wiring = WIRING.get(key, lambda: _wiring(cfg, seqs["wiring"], seqs["delay"]))
        n_ee = len(wiring["ee_pre"])

        def per_synapse(name):     # run on threads: NumPy's draws release the GIL
            key = (name, repr(getattr(st, name)), n_ee, seqs[name].entropy, seqs[name].spawn_key)
            return STDP_DRAWS.get(key, lambda: st.draw(name, n_ee, rng[name]))
        stdp = ("tau_plus", "tau_minus", "a_plus", "a_minus") + (("tau_y", "a_plus3") if st.rule == "triplet" else ())
        drawn = dict(tau_y=np.zeros(0), a_plus3=np.zeros(0))
        drawn.update(zip(stdp, parallel.map_threads(per_synapse, stdp)))
        v_th = nc.draw("v_th", n, rng["v_th"])
        return cls(
            **wiring, **drawn, tau_m=nc.draw("tau_m", n, rng["tau_m"]), v_th=v_th,
            t_ref=nc.draw("t_ref", n, rng["t_ref"]), tau_syn=nc.draw("tau_syn", n, rng["tau_syn"]),
            w=np.full(n_ee, st.w_init),
            w_in=encoding.input_weights(cfg.input, n, n_channels, rng["w_in"]),
            v0=nc.v_reset + rng["v0"].random(n) * (v_th - nc.v_reset),
            ip_rate=cfg.ip.draw("target_rate", n, rng["ip_rate"]),
        )

    @property
    def n_synapses(self) -> int:
        return len(self.ee_pre) + len(self.st_pre)

    def out_degree(self, n: int) -> np.ndarray:
        return np.bincount(np.concatenate([self.ee_pre, self.st_pre]), minlength=n)



def ip_drift(cfg: ReservoirConfig, p: Parameters) -> np.ndarray:
    """Intrinsic plasticity's threshold fall per time step, mV: eta × target rate × dt."""
    return cfg.ip.eta * p.ip_rate * cfg.dt * 1e-3


