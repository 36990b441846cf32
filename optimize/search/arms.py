"""Matched arms: the studies a matched study runs with one budget, one set of seeds and one evaluation.

- ``heterogeneous``: the space as written (the study's surrogate);
- ``homogeneous``: every neuron and STDP distribution made a constant (``ReservoirConfig.homogeneous``); a searched
  mean (``….mean`` or ``….loc``) then searches that constant, a searched spread (``….cv``, ``….std``) or family
  (``….dist``) is dropped;
- ``HeNHoS`` / ``HoNHeS``: the same for the STDP / the neuron distributions only (the paper's ablations);
- ``random``: the heterogeneous space sampled at random (the baseline a surrogate must beat);
- ``no-STDP``: the heterogeneous space with ``stdp.enabled = false`` (what plasticity buys on the front).

Each (arm, repeat) is a study of its own, ``<name>-<arm>-r<repeat>``, with its own trial store (so ``--resume``
works per arm) and the random state ``random_state + repeat``.
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from hrsnn import ConfigError

from .checks import StudyError
from .space import Dimension

if TYPE_CHECKING:
    from .study import Study


# which distribution groups each arm makes homogeneous
_FLAT = {"heterogeneous": (), "random": (), "no-STDP": (), "homogeneous": ("neuron", "stdp"), "HeNHoS": ("stdp",),
         "HoNHeS": ("neuron",)}
MEANS, SPREADS = ("mean", "loc"), ("cv", "std", "dist")


def _flat_dimension(dim: Dimension, groups: tuple[str, ...], base) -> Dimension | None:
    """``dim`` in an arm whose ``groups`` are homogeneous: a mean searches the constant, a spread is dropped."""
    parts = dim.field.split(".")
    if parts[0] not in groups or len(parts) != 3:
        return dim
    dist = getattr(getattr(base, parts[0]), parts[1], None)
    if not hasattr(dist, "homogeneous"):
        return dim
    if parts[2] in SPREADS:
        return None
    if parts[2] in MEANS:
        return dataclasses.replace(dim, field=".".join(parts[:2]))
    raise StudyError(f"space.{dim.field}: a homogeneous arm cannot search {parts[2]!r} of a distribution (it "
                     f"searches means: {', '.join(MEANS)}; spreads and families {', '.join(SPREADS)} are dropped)")


def derive(study: Study, arm: str, repeat: int) -> Study:
    """The study that ``arm`` runs in repeat ``repeat`` of ``study``."""
    groups = _FLAT[arm]
    base = study.base.homogeneous(neurons="neuron" in groups, stdp="stdp" in groups) if groups else study.base
    if arm == "no-STDP":
        base = base.with_updates({"stdp.enabled": False})
    space = tuple(d for d in (_flat_dimension(d, groups, study.base) for d in study.space) if d is not None)
    if not space:
        raise StudyError(f"arms: the {arm} arm has nothing to search (the space holds only spreads)")
    searched = {d.field for d in study.space}
    for d in space:
        if d.field in searched:
            continue
        for value in list(d.categories) if d.kind == "categorical" else [d.low, d.high]:
            try:                                 # a mean's range must suit the constant it now sets
                base.with_updates({d.field: value})
            except ConfigError as e:
                raise StudyError(f"arms: {arm} arm, space.{d.field}: {e}") from None
    return dataclasses.replace(study, name=f"{study.name}-{arm}-r{repeat}", space=space, base=base,
                               random_state=study.random_state + repeat, arm=arm,
                               surrogate="random" if arm == "random" else study.surrogate)
