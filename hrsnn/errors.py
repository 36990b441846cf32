"""Exceptions raised by hrsnn."""


class HRSNNError(Exception):
    """Base class of hrsnn's errors; the CLI prints their message as one line."""


class ConfigError(HRSNNError, ValueError):
    """An invalid configuration value; the message names the field and the allowed range."""


class InputError(HRSNNError, ValueError):
    """Invalid data passed to a function (shape, NaN, length)."""


class OutputError(HRSNNError, OSError):
    """An output path that cannot be written; raised before any work is done."""


class RunawayError(HRSNNError):
    """A spiking pass whose spikes passed the allowed mean rate (``max_rate`` of an estimator): it was stopped."""
