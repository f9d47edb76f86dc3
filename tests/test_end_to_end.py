"""End to end on the session's Prefect server: a baked process-pool project deploys with `make
deploy`, a real worker started elsewhere runs its training and batch inference deployments, and
their models, predictions and artifacts are where a user would look for them."""

import dataclasses
import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pandas as pd
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
from prefect.client.schemas.objects import FlowRun
from prefect.settings import PREFECT_API_URL, temporary_settings
from sklearn.datasets import load_iris

from scripts.screenshots import Browser, small_png
from tests.conftest import BIN, run, stop_process_group

# Flow, deployment and pool names carry the slug: unique on the shared server.
PROJECT_NAME = "End To End Pool"
SLUG = "end-to-end-pool"
POOL = f"{SLUG}-process"
RUN_SECONDS = 300
POLL_SECONDS = 1


@dataclasses.dataclass(frozen=True)
class Worker:
    """A `prefect worker start` process, its log and the environment its flow runs inherit."""

    process: subprocess.Popen
    log: Path
    env: dict[str, str]


def project_env(project: Path, api_url: str, home: Path) -> dict[str, str]:
    """The bake importable from anywhere, this environment's tools, the session's server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PYTHONPATH=str(project / "src"),
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        PREFECT_API_URL=api_url,
        PREFECT_HOME=str(home),
        # The worker asks for work every second instead of every ten: a shorter test.
        PREFECT_WORKER_QUERY_SECONDS=str(POLL_SECONDS),
        DO_NOT_TRACK="1",
    )
    return env


@pytest.fixture
def project(bake, prefect_api_url, tmp_path) -> Path:
    """A default process-pool bake, deployed to the session's server with `make deploy`."""
    project = bake(project_name=PROJECT_NAME, work_pool_type="process")
    env = project_env(project, prefect_api_url, tmp_path / "deploy-home")
    run(["make", "deploy", f"BIN={BIN}", f"PREFECT_API_URL={prefect_api_url}"], project, env)
    return project


@pytest.fixture
def worker(project, prefect_api_url, tmp_path) -> Iterator[Worker]:
    """A worker of the project's pool, started outside the project, always stopped at the end."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = project_env(project, prefect_api_url, tmp_path / "worker-home")
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(BIN / "prefect"), "worker", "start", "--pool", POOL],
            cwd=elsewhere,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield Worker(process, log, env)
    finally:
        # A worker takes the first SIGTERM as a request to finish its runs: SIGKILL follows.
        stop_process_group(process.pid, grace_seconds=10)


def start_run(
    worker: Worker, project: Path, deployment: str, parameters: dict | None = None
) -> UUID:
    """`prefect deployment run`, as a user types it; the id of the flow run it created."""
    command = [BIN / "prefect", "deployment", "run", deployment]
    if parameters is not None:
        command += ["--params", json.dumps(parameters)]
    output = run(command, project, worker.env)
    return UUID(re.search(r"UUID: ([0-9a-f-]{36})", output).group(1))


def wait_completed(worker: Worker, api_url: str, flow_run_id: UUID) -> FlowRun:
    """The flow run once it is COMPLETED; fail with the worker's log if it ends otherwise."""
    with temporary_settings({PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        deadline = time.monotonic() + RUN_SECONDS
        flow_run = client.read_flow_run(flow_run_id)
        while not (flow_run.state and flow_run.state.is_final()) and time.monotonic() < deadline:
            if worker.process.poll() is not None:
                break
            time.sleep(POLL_SECONDS)
            flow_run = client.read_flow_run(flow_run_id)
    if flow_run.state is None or not flow_run.state.is_completed():
        state = flow_run.state.name if flow_run.state else "no state"
        message = flow_run.state.message if flow_run.state else ""
        pytest.fail(
            f"flow run {flow_run.name} is {state} after at most {RUN_SECONDS} s: {message}\n"
            f"worker log:\n{worker.log.read_text()[-6000:]}"
        )
    return flow_run


@pytest.mark.slow
def test_deployed_project_trains_then_scores_a_batch_through_a_worker(
    project, worker, prefect_api_url, tmp_path
):
    """A worker runs the training deployment, then batch inference with the champion it chose;
    the Prefect UI shows the run, its metrics and the deployment."""
    with temporary_settings({PREFECT_API_URL: prefect_api_url}), get_client(sync_client=True) as c:
        deployment = c.read_deployment_by_name(f"{SLUG}-training/scheduled-training")
    # The worker runs in another folder: only the pull step brings the runs to the project.
    assert deployment.pull_steps == [
        {"prefect.deployments.steps.set_working_directory": {"directory": str(project.resolve())}}
    ]

    training_id = start_run(worker, project, f"{SLUG}-training/scheduled-training")
    training = wait_completed(worker, prefect_api_url, training_id)
    champion = json.loads((project / "models" / "champion.json").read_text())["version"]
    metadata = json.loads((project / "models" / champion / "metadata.json").read_text())
    assert (project / "models" / champion / "model.skops").is_file()

    batch = tmp_path / "batch" / "flowers.csv"
    batch.parent.mkdir()
    load_iris(as_frame=True).data.to_csv(batch, index=False)
    output = tmp_path / "scored" / "predictions.csv"
    config = {"input_uri": str(batch), "output_uri": str(output)}
    inference_id = start_run(
        worker, project, f"{SLUG}-batch-inference/batch-inference", {"config": config}
    )
    wait_completed(worker, prefect_api_url, inference_id)
    predictions = pd.read_csv(output)
    assert len(predictions) == 150
    assert set(predictions["prediction"]) <= set(load_iris().target_names)
    assert set(predictions["model_version"]) == {champion}

    with temporary_settings({PREFECT_API_URL: prefect_api_url}), get_client(sync_client=True) as c:
        artifacts = c.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[training_id]))
        )
    by_type = {artifact.type: artifact for artifact in artifacts}
    table = by_type["table"].data
    rows = json.loads(table) if isinstance(table, str) else table
    assert {row["metric"] for row in rows} == set(metadata["metrics"])
    assert metadata["version"] in by_type["markdown"].data

    # The Prefect UI renders the run, its metrics and the deployment in a real browser: headless
    # Chromium, driven by the code that takes the README's pictures.
    ui = prefect_api_url.removesuffix("/api")
    with Browser.start() as browser:
        page = browser.open(f"{ui}/runs/flow-run/{training_id}", training.name, selector="canvas")
        assert training.name in page and "Completed" in page
        picture = small_png(browser.screenshot())
        assert picture.startswith(b"\x89PNG\r\n\x1a\n")
        metrics = browser.open(
            f"{ui}/artifacts/artifact/{by_type['table'].id}", *metadata["metrics"]
        )
        assert all(name in metrics for name in metadata["metrics"])
        page = browser.open(
            f"{ui}/deployments/deployment/{deployment.id}", "scheduled-training", POOL
        )
        assert "scheduled-training" in page and POOL in page
