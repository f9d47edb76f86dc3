"""Task runner: Prefect's thread pool, inside the flow's own process; nothing to start."""

import os
from typing import Any

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner


# Typed as any task runner: that is what a flow's `task_runner` takes, whatever its futures.
def build_task_runner() -> TaskRunner[Any]:
    """One thread per core; scikit-learn releases the GIL in much of its fitting code."""
    return ThreadPoolTaskRunner(max_workers=os.cpu_count())
