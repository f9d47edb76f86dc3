"""Task runner: Ray. A local Ray instance by default, or the existing cluster whose address is
in RAY_ADDRESS (e.g. ray://10.0.0.5:10001)."""

import os
from typing import Any

from prefect.task_runners import TaskRunner
from prefect_ray import RayTaskRunner


# Typed as any task runner: that is what a flow's `task_runner` takes, whatever its futures.
def build_task_runner() -> TaskRunner[Any]:
    """Connect to the configured cluster, or start a local Ray for the flow run."""
    address = os.environ.get("RAY_ADDRESS")
    if address:
        return RayTaskRunner(address=address)
    # One worker process per core, reachable only from this machine, without the dashboard.
    local = {
        "num_cpus": os.cpu_count(),
        "include_dashboard": False,
        "_node_ip_address": "127.0.0.1",
    }
    return RayTaskRunner(init_kwargs=local)
