"""Hand a reservoir to other simulators and chips: the drawn, trained reservoir as a NIR file, and back."""
from __future__ import annotations

from pathlib import Path

from ..measure.evaluate import memory_input
from ..model.config import ReservoirConfig
from ..model.nirgraph import from_nir, to_nir
from ..model.parameters import Parameters
from ..sim.drive import drive


def trained_parameters(config: ReservoirConfig, seed: int, target: str = "auto") -> Parameters:
    """The reservoir of ``(config, seed)`` after its unsupervised phase on the memory protocol's training input
    (``task.train_steps`` steps; none: as drawn)."""
    u_train, u_eval = memory_input(config, seed)
    return drive(config, seed, u_train if config.stdp.enabled or config.ip.enabled else [], u_eval[:1],
                 target=target).params


def export_nir(config: ReservoirConfig, seed: int, path: str | Path, approximate: bool = False,
               delay_step: float | None = None, target: str = "auto") -> Path:
    """Write the trained reservoir of ``(config, seed)`` as a NIR file (``hrsnn.model.nirgraph``); returns its path."""
    import nir
    graph = to_nir(config, trained_parameters(config, seed, target), seed, approximate, delay_step)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nir.write(path, graph)
    return path


def import_nir(path: str | Path) -> tuple[ReservoirConfig, Parameters, int]:
    """(config, frozen parameters, seed) of a NIR file written by ``export_nir``; run it with
    ``drive(config, seed, [], u, weights=params.w)`` or ``run_eventsim(config, seed, [], u, params=params)``."""
    import nir
    from ..errors import HRSNNError
    path = Path(path)
    if not path.is_file():
        raise HRSNNError(f"nir file {path}: no such file")
    return from_nir(nir.read(path))
