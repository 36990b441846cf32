"""hrsnn: spike-efficient heterogeneous recurrent spiking neural networks (LIF reservoirs + STDP)."""
from .errors import ConfigError, HRSNNError, InputError
from .measure.evaluate import EfficiencyResult, evaluate, evaluate_many, evaluate_rate
from .measure.metrics import MemoryCapacity, efficiency, memory_capacity, nrmse
from .measure.readouts import RidgeReadout
from .model.config import (
                           InputConfig,
                           IPConfig,
                           NeuronConfig,
                           ReservoirConfig,
                           StateConfig,
                           STDPConfig,
                           SynapseConfig,
                           TaskConfig,
                           TopologyConfig,
)
from .model.distributions import Constant, Gamma, LogNormal, TruncNormal, Uniform
from .sim.network import Reservoir
from .tasks.estimators import HRSNNClassifier, HRSNNRegressor

__all__ = [
    "ReservoirConfig", "NeuronConfig", "STDPConfig", "SynapseConfig", "TopologyConfig", "IPConfig", "InputConfig",
    "StateConfig", "TaskConfig", "Constant", "Gamma", "Uniform", "LogNormal", "TruncNormal", "ConfigError",
    "HRSNNError", "InputError", "EfficiencyResult", "evaluate", "evaluate_many", "evaluate_rate", "MemoryCapacity",
    "memory_capacity", "efficiency",
    "Reservoir", "RidgeReadout", "HRSNNClassifier", "HRSNNRegressor", "nrmse",
]
__version__ = "0.1.0"
