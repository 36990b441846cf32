"""Dask workers ready for trials: Brian2 must be imported on a worker's main thread (it installs a SIGINT handler)."""
from distributed.diagnostics.plugin import WorkerPlugin


class ImportBrian2(WorkerPlugin):
    """Imports brian2 (and hrsnn) when a worker starts, before any task thread needs it."""

    def setup(self, worker):
        import brian2  # noqa: F401

        import hrsnn  # noqa: F401
