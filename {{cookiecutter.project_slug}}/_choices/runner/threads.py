"""Task runner: Prefect's thread pool, inside the flow's own process; nothing to start."""

import os

from prefect.task_runners import ThreadPoolTaskRunner


def build_task_runner() -> ThreadPoolTaskRunner:
    """One thread per core; scikit-learn releases the GIL in much of its fitting code."""
    return ThreadPoolTaskRunner(max_workers=os.cpu_count())
