"""Seeds: the allowed range, and the independent random streams one seed gives a reservoir."""
from __future__ import annotations

import numpy as np

from ..errors import ConfigError

SEED_MAX = 2**32 - 1


def check_seed(seed, name: str = "seed") -> int:
    """``seed`` as an int, or a ConfigError naming ``name`` and the allowed range (integers 0 … 2³² − 1, as
    ``ReservoirConfig.seed``)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed <= SEED_MAX:
        raise ConfigError(f"{name}: {seed!r} is not an integer in the allowed range [0, {SEED_MAX}]")
    return int(seed)


def seed_streams(seed: int) -> list[np.random.SeedSequence]:
    """Independent seed sequences (parameters, Poisson input, input wiring) derived from one seed."""
    return np.random.SeedSequence(check_seed(seed)).spawn(3)


STREAMS = ("wiring", "tau_m", "v_th", "t_ref", "delay", "tau_plus", "tau_minus", "a_plus", "a_minus", "w_in",
           "v0", "ip_rate", "tau_y", "a_plus3", "tau_syn")
"""The drawn quantities, each with a stream of its own (``Parameters.draw``)."""


def stream(seed: int, name: str) -> np.random.Generator:
    """The generator ``Parameters.draw`` uses for the quantity ``name`` of the reservoir of ``seed`` (so another
    model can share, say, the spiking reservoir's τ_m sample)."""
    return np.random.default_rng(seed_streams(seed)[0].spawn(len(STREAMS))[STREAMS.index(name)])
