"""Wiring rules beyond uniform random connectivity: SC-ML motif layers (Zhang & Li 2021), and the random wiring
that matches one of them synapse for synapse per population pair (its fair comparison)."""
from __future__ import annotations

import numpy as np

from .config import ReservoirConfig
from .seeds import stream


def bernoulli_pairs(n_pre: int, n_post: int, p: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Every (pre, post) of an n_pre × n_post block kept with probability p, in flat order; memory grows with
    the pairs kept, never with the block (the gaps between kept pairs are geometric)."""
    total = n_pre * n_post
    if p <= 0 or total == 0:
        flat = np.zeros(0, dtype=np.int64)
    elif p >= 1:
        flat = np.arange(total, dtype=np.int64)
    else:
        chunks, last = [], -1
        while last < total:
            gaps = rng.geometric(p, size=int(total * p * 1.05) + 64)
            ends = last + np.cumsum(gaps)
            chunks.append(ends[ends < total])
            last = ends[-1]
        flat = np.concatenate(chunks)
    return divmod(flat, n_post)


def _groups(labels: np.ndarray) -> list[np.ndarray]:
    """The indices holding each label 0 … max, ascending."""
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(labels.max() + 2))
    return [order[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def scml_pairs(cfg: ReservoirConfig, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The recurrent (pre, post) pairs of ``topology.kind = "scml"``, sorted: motifs of each layer get E and I
    neurons in the network's proportion (neurons 0 … n_exc − 1 are E)."""
    top, n, ne = cfg.topology, cfg.n_neurons, cfg.n_exc
    per_layer = max(1, round(n / top.layers / top.motif_size))
    n_motifs = per_layer * top.layers
    motif = np.concatenate([np.arange(ne) * n_motifs // max(ne, 1), np.arange(n - ne) * n_motifs // max(n - ne, 1)])
    motifs, layers = _groups(motif), _groups(motif // per_layer)
    blocks = [(a, a, top.p_intra) for a in motifs]
    blocks += [(a, a, top.p_inter) for a in layers]
    blocks += [(a, b, top.p_ff) for a, b in zip(layers[:-1], layers[1:])]
    blocks += [(b, a, top.p_fb) for a, b in zip(layers[:-1], layers[1:])]
    pre, post = [], []
    for i, (a, b, p) in enumerate(blocks):
        i_pre, i_post = bernoulli_pairs(len(a), len(b), p, rng)
        x, y = a[i_pre], b[i_post]
        keep = x != y if i < len(motifs) else motif[x] != motif[y]   # lateral: between different motifs only
        pre.append(x[keep]), post.append(y[keep])
    pre, post = np.concatenate(pre), np.concatenate(post)
    order = np.lexsort((post, pre))
    return pre[order].astype(np.int32), post[order].astype(np.int32)


def matched_random(config: ReservoirConfig, seed: int) -> ReservoirConfig:
    """The ``random``-topology config whose expected synapse count per population pair (E→E, E→I, I→E, I→I)
    equals the count in the SC-ML wiring of ``(config, seed)``; everything else unchanged."""
    if config.topology.kind != "scml":
        return config
    pre, post = scml_pairs(config, stream(seed, "wiring"))
    n, ne = config.n_neurons, config.n_exc
    size = {"e": ne, "i": n - ne}
    is_e = {"pre": pre < ne, "post": post < ne}
    updates = {"topology.kind": "random"}
    for pair in ("ee", "ei", "ie", "ii"):
        hits = ((is_e["pre"] == (pair[0] == "e")) & (is_e["post"] == (pair[1] == "e"))).sum()
        pairs = size[pair[0]] * size[pair[1]] - (size[pair[0]] if pair[0] == pair[1] else 0)
        updates[f"synapses.p_{pair}"] = float(hits / pairs) if pairs else 0.0
    return config.with_updates(updates)
