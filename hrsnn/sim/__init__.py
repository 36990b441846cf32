"""Simulation of a drawn reservoir: the Brian2 network (simulator of record), its standalone binary, the Numba
event-driven kernel, the choice of target, and the states read from the spikes."""
