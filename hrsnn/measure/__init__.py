"""Measures on simulated states: ridge readouts, memory capacity, E, ``evaluate`` and twin comparisons."""
