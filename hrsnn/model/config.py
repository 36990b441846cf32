"""Validated, frozen configuration of a heterogeneous recurrent spiking reservoir.

Every number is stored as a float in the unit its field documents (ms, mV, pA, MOhm, Hz). Files may give a
value either as a plain number in that unit or as a string with a unit (``"20 ms"``, ``"0.02 s"``); a unit of
the wrong dimension is an error. Heterogeneous fields hold a :mod:`hrsnn.distributions` object; in files
they are a number (constant) or an inline table ``{dist = "gamma", mean = 20, cv = 0.5}``.
"""
from __future__ import annotations

import dataclasses
import json
import math
import re
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

from ..errors import ConfigError
from . import distributions as D

# unit symbol -> (dimension, factor to SI)
_UNITS = {
    "s": ("time", 1.0), "ms": ("time", 1e-3), "us": ("time", 1e-6),
    "V": ("voltage", 1.0), "mV": ("voltage", 1e-3),
    "A": ("current", 1.0), "nA": ("current", 1e-9), "pA": ("current", 1e-12),
    "ohm": ("resistance", 1.0), "kohm": ("resistance", 1e3), "Mohm": ("resistance", 1e6),
    "Gohm": ("resistance", 1e9),
    "Hz": ("rate", 1.0), "kHz": ("rate", 1e3),
}
_QUANTITY = re.compile(r"^\s*([-+0-9.eE]+(?:[eE][-+]?\d+)?)\s*([A-Za-z]+)?\s*$")


def parse_quantity(value: Any, unit: str | None, name: str) -> float:
    """Return ``value`` as a finite float in ``unit``; strings may carry a unit of the same dimension."""
    if isinstance(value, bool):
        raise ConfigError(f"{name}: expected a number, got {value!r}")
    if isinstance(value, str):
        m = _QUANTITY.match(value)
        if not m:
            raise ConfigError(f"{name}: cannot read {value!r} as a number with a unit (e.g. '20 ms')")
        number, given = float(m.group(1)), m.group(2)
        if given is not None:
            if given not in _UNITS:
                raise ConfigError(f"{name}: unknown unit {given!r}; known: {', '.join(_UNITS)}")
            if unit is None:
                raise ConfigError(f"{name}: is dimensionless, got a value in {given}")
            (dim, f_given), (want, f_unit) = _UNITS[given], _UNITS[unit]
            if dim != want:
                raise ConfigError(f"{name}: expected a {want} (in {unit}), got {value!r}")
            number = number * f_given / f_unit
        value = number
    return D.finite_number(value, name)


def _spec(default: Any, unit: str | None = None, lo: float = -math.inf, hi: float = math.inf,
          dist: bool = False, choices: tuple | None = None, integer: bool = False, doc: str = ""):
    """A dataclass field with its unit, allowed range [lo, hi] and kind, read by ``_validate``."""
    meta = dict(unit=unit, lo=lo, hi=hi, dist=dist, choices=choices, integer=integer, doc=doc)
    if isinstance(default, (D.Distribution,)) or is_dataclass(default):
        return field(default_factory=lambda: default, metadata=meta)
    return field(default=default, metadata=meta)


def _range_text(m) -> str:
    unit = f" {m['unit']}" if m["unit"] else ""
    return f"[{m['lo']:g}, {m['hi']:g}]{unit}"


def _validate(obj) -> None:
    """Convert and check every field of a config dataclass in place (called from ``__post_init__``)."""
    for f in fields(obj):
        m, name, value = f.metadata, f.name, getattr(obj, f.name)
        if "nested" in m:
            cls = m["nested"]
            if isinstance(value, dict):
                value = _build(cls, value, name)
            elif not isinstance(value, cls):
                raise ConfigError(f"{name}: expected a table of {cls.__name__} fields, got {value!r}")
        elif m.get("choices"):
            if value not in m["choices"]:
                raise ConfigError(f"{name}: {value!r} is not one of {', '.join(map(repr, m['choices']))}")
        elif m.get("dist"):
            value = D.make(value, name, parse=lambda v, n: parse_quantity(v, m["unit"], n))
            lo, hi = m["lo"], m["hi"]
            if value.is_constant or not math.isfinite(lo) or not math.isfinite(hi):
                if not lo <= value.mean <= hi:
                    raise ConfigError(f"{name}: mean {value.mean:g} outside the allowed range {_range_text(m)}")
            else:
                value.check_range(name, lo, hi)
        elif m.get("integer"):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
                raise ConfigError(f"{name}: expected an integer in {_range_text(m)}, got {value!r}")
            value = int(value)
            if not m["lo"] <= value <= m["hi"]:
                raise ConfigError(f"{name}: {value} outside the allowed range {_range_text(m)}")
        elif f.type in ("bool", bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{name}: expected true or false, got {value!r}")
        else:
            value = parse_quantity(value, m.get("unit"), name)
            if not m["lo"] <= value <= m["hi"]:
                raise ConfigError(f"{name}: {value:g} outside the allowed range {_range_text(m)}")
        object.__setattr__(obj, name, value)


def _build(cls, data: dict, prefix: str):
    """Construct ``cls(**data)``; errors are re-raised with ``prefix.`` before the field name."""
    allowed = [f.name for f in fields(cls)]
    unknown = sorted(set(data) - set(allowed))
    try:
        if unknown:
            raise ConfigError(f"{unknown[0]}: unknown field; allowed: {', '.join(allowed)}")
        return cls(**data)
    except ConfigError as e:
        raise ConfigError(f"{prefix}.{e}") from None


def _nested(cls):
    return field(default_factory=cls, metadata={"nested": cls})


class _Base:
    def __post_init__(self):
        _validate(self)

    def to_dict(self) -> dict[str, Any]:
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = v.to_dict() if hasattr(v, "to_dict") else v
        return out

    def draw(self, name: str, n: int, rng) -> "np.ndarray":
        """``n`` draws of the distribution field ``name``, kept inside that field's allowed range."""
        m = self.__dataclass_fields__[name].metadata
        return getattr(self, name).sample(n, rng, m["lo"], m["hi"])

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class NeuronConfig(_Base):
    """Leaky integrate-and-fire neurons: τ_m dv/dt = (v_rest − v) + R·(I_syn + I_ext)."""

    tau_m: D.Distribution = _spec(D.LogNormal(38.5, 1.31), "ms", 2.0, 200.0, dist=True,
                                  doc="membrane time constant per neuron; draws clipped to [2, 200] ms")
    v_th: D.Distribution = _spec(D.TruncNormal(-54.8, 2.54), "mV", -70.0, -30.0, dist=True, doc="firing threshold")
    t_ref: D.Distribution = _spec(D.Gamma(2.0, 0.996), "ms", 0.0, 20.0, dist=True, doc="refractory period")
    v_rest: float = _spec(-65.0, "mV", -90.0, -40.0, doc="resting potential")
    v_reset: float = _spec(-65.0, "mV", -90.0, -40.0, doc="reset potential after a spike")
    resistance: float = _spec(100.0, "Mohm", 1.0, 10000.0, doc="membrane resistance R")
    tau_syn: D.Distribution = _spec(D.Gamma(5.0, 0.202), "ms", 0.1, 100.0, dist=True,
                                    doc="decay time of the exponential synaptic current, per neuron")

    def __post_init__(self):
        super().__post_init__()
        if self.v_reset >= self.v_th.mean:
            raise ConfigError(f"v_reset: {self.v_reset:g} mV must be below the mean threshold "
                              f"v_th = {self.v_th.mean:g} mV")


@dataclass(frozen=True)
class STDPConfig(_Base):
    """Trace-based STDP on E→E synapses, per-synapse parameters; weights w ∈ [0, w_max].

    Rules (``rule``), with x_pre / x_post the traces and A the per-synapse rates (fractions of w_max):
    ``additive``: Δw = +A₊·w_max·x_pre at a postsynaptic spike, −A₋·w_max·x_post at a presynaptic arrival, hard
    bounds; ``multiplicative``: the same steps times (1 − w/w_max)^μ and (w/w_max)^μ (Gütig et al. 2003; μ = 1 is
    van Rossum et al. 2000, μ = 0 additive); ``triplet``: Pfister & Gerstner's (2006) minimal model, LTP
    (A₊ + A₃₊·y_post)·w_max·x_pre with the slow postsynaptic trace y_post (τ_y) taken before its own jump.
    ``pairing``: traces add up over all earlier spikes (``all``) or hold only the latest (``nearest``: reset to 1).
    The triplet rule potentiates more as the postsynaptic rate r grows: LTD wins only below
    r ≈ (A₋ − A₊)/(A₃₊·τ_y) (all-to-all), so lower ``a_plus`` with it (``experiments/stdp.toml``: A₊ 0.003,
    A₃₊ 0.001, 60 Hz); at the default rates a triplet reservoir runs away.
    """

    enabled: bool = _spec(True, doc="run STDP in the training phase (weights frozen afterwards)")
    rule: str = _spec("additive", choices=("additive", "multiplicative", "triplet"),
                      doc="weight update: additive (hard bounds), multiplicative (soft bounds, exponent mu) or "
                          "triplet (Pfister & Gerstner 2006, minimal)")
    pairing: str = _spec("all", choices=("all", "nearest"),
                         doc="spike pairing: all-to-all traces, or nearest-spike (each trace reset to 1)")
    tau_plus: D.Distribution = _spec(D.Gamma(20.0, 0.962), "ms", 1.0, 200.0, dist=True,
                                     doc="decay of the presynaptic (LTP) trace")
    tau_minus: D.Distribution = _spec(D.Gamma(20.0, 1.16), "ms", 1.0, 200.0, dist=True,
                                      doc="decay of the postsynaptic (LTD) trace")
    a_plus: D.Distribution = _spec(D.Gamma(0.00498, 1.09), None, 0.0, 1.0, dist=True,
                                   doc="LTP step, as a fraction of w_max")
    a_minus: D.Distribution = _spec(D.Gamma(0.0105, 0.970), None, 0.0, 1.0, dist=True,
                                    doc="LTD step, as a fraction of w_max")
    mu: float = _spec(1.0, None, 0.0, 1.0, doc="multiplicative rule: weight-dependence exponent (0 additive, "
                                               "1 fully multiplicative)")
    tau_y: D.Distribution = _spec(D.Gamma(125.0, 0.5), "ms", 1.0, 1000.0, dist=True,
                                  doc="triplet rule: decay of the slow postsynaptic trace")
    a_plus3: D.Distribution = _spec(D.Gamma(0.005, 0.5), None, 0.0, 1.0, dist=True,
                                    doc="triplet rule: LTP step per unit of the slow postsynaptic trace, as a "
                                        "fraction of w_max")
    w_init: float = _spec(1.0, None, 0.0, 100.0, doc="initial E→E weight (multiplies synapses.j_ee)")
    w_max: float = _spec(2.0, None, 1e-6, 100.0, doc="upper weight bound (multiplies synapses.j_ee)")

    def __post_init__(self):
        super().__post_init__()
        if self.w_init > self.w_max:
            raise ConfigError(f"w_init: {self.w_init:g} must be <= w_max = {self.w_max:g}")


@dataclass(frozen=True)
class SynapseConfig(_Base):
    """Sparse random connectivity per population pair (pre→post) and PSC amplitudes (inhibitory are negated)."""

    p_ee: float = _spec(0.1, None, 0.0, 1.0, doc="connection probability E→E")
    p_ei: float = _spec(0.1, None, 0.0, 1.0, doc="connection probability E→I")
    p_ie: float = _spec(0.1, None, 0.0, 1.0, doc="connection probability I→E")
    p_ii: float = _spec(0.1, None, 0.0, 1.0, doc="connection probability I→I")
    j_ee: float = _spec(9.36, "pA", 0.0, 1e5, doc="E→E current jump per spike (× STDP weight)")
    j_ei: float = _spec(20.0, "pA", 0.0, 1e5, doc="E→I current jump per spike")
    j_ie: float = _spec(298.0, "pA", 0.0, 1e5, doc="I→E current jump per spike (inhibitory)")
    j_ii: float = _spec(80.0, "pA", 0.0, 1e5, doc="I→I current jump per spike (inhibitory)")
    delay: D.Distribution = _spec(D.Uniform(1.0, 100.0), "ms", 0.0, 100.0, dist=True,
                                  doc="transmission delay per synapse")


@dataclass(frozen=True)
class TopologyConfig(_Base):
    """How the recurrent synapses are drawn. ``random``: each population pair (pre→post) with its own
    ``synapses.p_*``. ``scml`` (Zhang & Li's sparsely-connected recurrent motif layers): ``layers`` equal layers,
    each cut into motifs of about ``motif_size`` neurons (E and I in the network's proportion); a synapse joins
    two neurons of one motif with probability ``p_intra``, of two motifs of one layer with ``p_inter``, a layer to
    the next with ``p_ff`` and back with ``p_fb``, whatever their populations (``synapses.p_*`` unused)."""

    kind: str = _spec("random", choices=("random", "scml"), doc="wiring rule of the recurrent synapses")
    layers: int = _spec(1, integer=True, lo=1, hi=10**4, doc="scml: number of layers")
    motif_size: int = _spec(20, integer=True, lo=2, hi=10**6, doc="scml: neurons per motif")
    p_intra: float = _spec(0.5, None, 0.0, 1.0, doc="scml: connection probability inside a motif")
    p_inter: float = _spec(0.02, None, 0.0, 1.0, doc="scml: connection probability between motifs of a layer")
    p_ff: float = _spec(0.02, None, 0.0, 1.0, doc="scml: connection probability from a layer to the next")
    p_fb: float = _spec(0.0, None, 0.0, 1.0, doc="scml: connection probability from a layer to the previous")


@dataclass(frozen=True)
class IPConfig(_Base):
    """Intrinsic plasticity in the unsupervised phase: each neuron's threshold rises by ``eta`` per spike and
    falls by ``eta`` × its target rate per second in between, so it settles where the neuron fires at its target
    rate; it never falls below v_reset, and freezes with the weights."""

    enabled: bool = _spec(False, doc="adapt the thresholds in the unsupervised phase")
    target_rate: D.Distribution = _spec(10.0, "Hz", 0.001, 1000.0, dist=True,
                                        doc="firing rate each neuron's threshold steers toward")
    eta: float = _spec(0.5, "mV", 0.0, 100.0, doc="threshold step per spike")


@dataclass(frozen=True)
class InputConfig(_Base):
    """How an analog series u(t) ∈ [-1, 1]^C enters the reservoir, one value per step of ``step`` ms."""

    encoding: str = _spec("current", choices=("current", "poisson", "events"),
                          doc="current injection, Poisson input neurons (rate code), or spike events: u holds "
                              "each channel's spike count per step, each spike a jump of scale × weight in I_syn")
    step: float = _spec(5.0, "ms", 0.1, 1000.0, doc="duration each input value is held")
    p_in: float = _spec(1.0, None, 0.0, 1.0, doc="fraction of neurons receiving the input")
    scale: float = _spec(283.0, "pA", 0.0, 1e6, doc="input current per unit of u (× weight in U[-1, 1])")
    bias: float = _spec(180.0, "pA", -1e6, 1e6, doc="constant current into every neuron")
    n_poisson: int = _spec(50, integer=True, lo=1, hi=100000, doc="Poisson input neurons per channel")
    rate_max: float = _spec(100.0, "Hz", 0.0, 1e4, doc="Poisson rate at u = 1 (rate = rate_max·(1+u)/2)")


@dataclass(frozen=True)
class StateConfig(_Base):
    """Reservoir states read once per input step."""

    kind: str = _spec("trace", choices=("trace", "count"),
                      doc="filtered spike traces or spike counts per step")
    tau_filter: float = _spec(30.0, "ms", 0.1, 10000.0, doc="time constant of the exponential spike filter")


@dataclass(frozen=True)
class TaskConfig(_Base):
    """The memory-capacity protocol of ``hrsnn.evaluate``."""

    train_steps: int = _spec(328, integer=True, lo=0, hi=10**7, doc="steps of the unsupervised STDP phase")
    eval_steps: int = _spec(2000, integer=True, lo=50, hi=10**7, doc="steps of the memory-capacity run")
    washout: int = _spec(50, integer=True, lo=0, hi=10**6, doc="first eval steps discarded")
    k_max: int = _spec(50, integer=True, lo=1, hi=10**5, doc="largest recalled delay (steps)")
    u_max: float = _spec(0.8, None, 1e-6, 1.0, doc="input u(t) ~ U(-u_max, u_max) i.i.d.")
    ridge: float = _spec(0.0, None, 0.0, 1e8, doc="ridge penalty of the MC readouts; 0 = choose from "
                         "10^-2..10^5 by validation on the training rows")
    test_fraction: float = _spec(0.2, None, 0.01, 0.9, doc="held-out fraction of eval steps")
    max_rate: float = _spec(200.0, "Hz", 0.0, 1e4, doc="mean rate above which a network is degenerate")
    min_mc: float = _spec(0.1, None, 0.0, 1e5, doc="MC below which a network is degenerate")
    capacity: str = _spec("linear", choices=("linear", "ipc"),
                          doc="denominator of E: linear memory capacity, or it plus the nonlinear capacity (125 "
                              "Legendre and product targets, hrsnn.measure.capacity)")


RIDGE_GRID = tuple(10.0 ** np.arange(-2, 5.5, 0.5))


@dataclass(frozen=True)
class ReservoirConfig(_Base):
    """Everything that defines a reservoir and its evaluation. ``ReservoirConfig()`` is the documented default."""

    n_neurons: int = _spec(1000, integer=True, lo=2, hi=10**6, doc="neurons in the reservoir (E then I)")
    exc_fraction: float = _spec(0.8, None, 0.0, 1.0, doc="fraction of excitatory neurons")
    dt: float = _spec(0.1, "ms", 0.001, 10.0, doc="simulation time step")
    seed: int = _spec(0, integer=True, lo=0, hi=2**32 - 1, doc="default seed of every random draw")
    neuron: NeuronConfig = _nested(NeuronConfig)
    stdp: STDPConfig = _nested(STDPConfig)
    synapses: SynapseConfig = _nested(SynapseConfig)
    topology: TopologyConfig = _nested(TopologyConfig)
    ip: IPConfig = _nested(IPConfig)
    input: InputConfig = _nested(InputConfig)
    states: StateConfig = _nested(StateConfig)
    task: TaskConfig = _nested(TaskConfig)

    def __post_init__(self):
        super().__post_init__()
        ratio = self.input.step / self.dt
        if abs(ratio - round(ratio)) > 1e-6:
            raise ConfigError(f"input.step: {self.input.step:g} ms must be a multiple of dt = {self.dt:g} ms")
        if self.task.washout + self.task.k_max >= self.task.eval_steps * (1 - self.task.test_fraction):
            raise ConfigError(f"task.eval_steps: {self.task.eval_steps} too short for washout + k_max "
                              f"= {self.task.washout + self.task.k_max} training rows")
        top = self.topology
        if top.kind == "scml":
            if top.layers > self.n_neurons // 2:
                raise ConfigError(f"topology.layers: {top.layers} outside the allowed range [1, "
                                  f"{self.n_neurons // 2}] (n_neurons / 2)")
            per_layer = self.n_neurons // top.layers
            if top.motif_size > per_layer:
                raise ConfigError(f"topology.motif_size: {top.motif_size} outside the allowed range [2, "
                                  f"{per_layer}] (neurons per layer)")

    @property
    def n_exc(self) -> int:
        return int(round(self.n_neurons * self.exc_fraction))

    # --- twins -----------------------------------------------------------------------------------
    def homogeneous(self, neurons: bool = True, stdp: bool = True) -> ReservoirConfig:
        """The twin whose heterogeneous distributions are replaced by constants of the same means."""
        def flat(cfg):
            return cfg.replace(**{f.name: getattr(cfg, f.name).homogeneous()
                                  for f in fields(cfg) if f.metadata.get("dist")})
        return self.replace(neuron=flat(self.neuron) if neurons else self.neuron,
                            ip=flat(self.ip) if neurons else self.ip, stdp=flat(self.stdp) if stdp else self.stdp)

    # --- dotted updates (CLI --set, optimization) ------------------------------------------------
    def with_updates(self, updates: dict[str, Any]) -> ReservoirConfig:
        """A copy with ``{"neuron.tau_m.cv": 0.3, "n_neurons": 200, ...}`` applied (validated)."""
        data = self.to_dict()
        for key, value in updates.items():
            parts = key.split(".")
            node = data
            for i, p in enumerate(parts[:-1]):
                if not isinstance(node, dict) or p not in node:
                    raise ConfigError(f"{'.'.join(parts[:i + 1])}: unknown field")
                if not isinstance(node[p], dict):  # a constant distribution given as a bare number
                    node[p] = {"dist": "constant", "value": node[p]}
                node = node[p]
            leaf = parts[-1]
            if leaf not in node:
                raise ConfigError(f"{key}: unknown field; allowed: {', '.join(node)}")
            node[leaf] = value
        return ReservoirConfig.from_dict(data)

    # --- files -------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain nested dict; constant distributions are written as bare numbers."""
        def plain(v):
            if isinstance(v, dict):
                if v.get("dist") == "constant":
                    return v["value"]
                return {k: plain(x) for k, x in v.items()}
            return v
        return plain(super().to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReservoirConfig:
        if not isinstance(data, dict):
            raise ConfigError(f"config: expected a table of fields, got {type(data).__name__}")
        allowed = [f.name for f in fields(cls)]
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise ConfigError(f"{unknown[0]}: unknown field; allowed: {', '.join(allowed)}")
        return cls(**data)

    def to_toml(self) -> str:
        return tomli_w.dumps(self.to_dict())

    def save(self, path: str | Path) -> Path:
        """Write as TOML (``.toml``) or JSON (any other suffix)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = self.to_toml() if path.suffix == ".toml" else json.dumps(self.to_dict(), indent=2)
        path.write_text(text)
        return path

    @classmethod
    def load(cls, path: str | Path) -> ReservoirConfig:
        """Read a TOML or JSON config file; missing fields take their defaults."""
        path = Path(path)
        try:
            text = path.read_text()
        except OSError as e:
            raise ConfigError(f"config file {path}: {e.strerror}") from None
        try:
            data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
        except (tomllib.TOMLDecodeError, json.JSONDecodeError) as e:
            raise ConfigError(f"config file {path}: not valid {path.suffix.lstrip('.') or 'JSON'}: {e}") from None
        return cls.from_dict(data)


def read_toml(path: str | Path, kind: str, error: type[ConfigError] = ConfigError) -> dict[str, Any]:
    """The table of a TOML file; a missing or malformed file raises ``error`` naming the ``kind`` of file."""
    path = Path(path)
    try:
        return tomllib.loads(path.read_text())
    except OSError as e:
        raise error(f"{kind} file {path}: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise error(f"{kind} file {path}: not valid TOML: {e}") from None


def base_config(table: dict[str, Any], folder: str | Path) -> ReservoirConfig:
    """The config an experiment or study file's ``config = "…toml"`` key names (relative to ``folder``, the file's
    own), else the default ``ReservoirConfig()``."""
    return ReservoirConfig.load(Path(folder) / table["config"]) if "config" in table else ReservoirConfig()


OPERATING_SECTIONS = ("neuron", "synapses", "input", "topology", "ip")
"""The sections of a config that make its operating point (not its size, plasticity, protocol or readout)."""


def operating_point(path: str | Path) -> dict[str, Any]:
    """The dotted updates a config file makes in its ``OPERATING_SECTIONS``: the operating point it sets, for a
    study whose size, protocol and plasticity are its own levers (a ``config = "…toml"`` key in a table)."""
    ReservoirConfig.load(path)                               # the file must be a valid config
    data = read_toml(path, "config")
    return {f"{section}.{key}": value for section, table in data.items() if section in OPERATING_SECTIONS
            for key, value in table.items()}


def field_docs(cls=ReservoirConfig, prefix: str = "") -> list[tuple[str, str, str, str]]:
    """(dotted name, unit, allowed range or choices, description) for every field, for docs and --help."""
    rows = []
    for f in fields(cls):
        m = f.metadata
        if "nested" in m:
            rows += field_docs(m["nested"], f"{prefix}{f.name}.")
            continue
        allowed = ", ".join(m["choices"]) if m.get("choices") else (
            "true/false" if f.type in ("bool", bool) else _range_text(m).replace(f" {m['unit']}", "")
        )
        rows.append((prefix + f.name, m.get("unit") or "", allowed, m.get("doc", "")))
    return rows


# The paper's ablations: which parts are made homogeneous (constants of the same means).
ABLATIONS = {
    "HRSNN": dict(neurons=False, stdp=False),   # heterogeneous neurons and STDP (the config as given)
    "MRSNN": dict(neurons=True, stdp=True),     # homogeneous twin
    "HeNHoS": dict(neurons=False, stdp=True),   # heterogeneous neurons, homogeneous STDP
    "HoNHeS": dict(neurons=True, stdp=False),   # homogeneous neurons, heterogeneous STDP
}
