"""Task runner: Dask. A local cluster of worker processes by default, or the existing cluster
whose scheduler address is in DASK_SCHEDULER_ADDRESS (e.g. tcp://10.0.0.5:8786)."""

import os
from typing import Any

from prefect.task_runners import TaskRunner
from prefect_dask import DaskTaskRunner


# Typed as any task runner: that is what a flow's `task_runner` takes, whatever its futures.
def build_task_runner() -> TaskRunner[Any]:
    """Connect to the configured cluster, or start a local one for the flow run."""
    address = os.environ.get("DASK_SCHEDULER_ADDRESS")
    if address:
        return DaskTaskRunner(address=address)
    # One single-threaded process per core: CPU-bound fits run in parallel, not behind the GIL.
    cluster = {
        "n_workers": os.cpu_count(),
        "threads_per_worker": 1,
        "processes": True,
        "host": "127.0.0.1",
        "dashboard_address": None,
        "local_directory": os.path.abspath(".dask-scratch"),
    }
    return DaskTaskRunner(cluster_kwargs=cluster)
