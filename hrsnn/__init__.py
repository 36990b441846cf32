"""hrsnn: spike-efficient heterogeneous recurrent spiking neural networks (LIF reservoirs + STDP)."""
from .config import (InputConfig, NeuronConfig, ReservoirConfig, StateConfig, STDPConfig, SynapseConfig,
                     TaskConfig)
from .distributions import Constant, Gamma, LogNormal, TruncNormal, Uniform
from .errors import ConfigError, HRSNNError, InputError
from .estimators import HRSNNClassifier, HRSNNRegressor
from .evaluate import EfficiencyResult, evaluate, evaluate_many
from .metrics import MemoryCapacity, efficiency, memory_capacity, nrmse
from .network import Reservoir
from .readouts import RidgeReadout

__all__ = [
    "ReservoirConfig", "NeuronConfig", "STDPConfig", "SynapseConfig", "InputConfig", "StateConfig",
    "TaskConfig", "Constant", "Gamma", "Uniform", "LogNormal", "TruncNormal", "ConfigError", "HRSNNError",
    "InputError", "EfficiencyResult", "evaluate", "evaluate_many", "MemoryCapacity", "memory_capacity", "efficiency",
    "Reservoir", "RidgeReadout", "HRSNNClassifier", "HRSNNRegressor", "nrmse",
]
__version__ = "0.1.0"
