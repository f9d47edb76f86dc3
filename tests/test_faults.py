"""Faults a baked project's model registry survives, with real `train` and `predict` processes
on the session's Prefect server: a training run killed while it registers its model, and two
training runs at once.

A run killed while registering leaves its version folder without `metadata.json`: that
version is never loaded nor made champion, the next run takes the following number, and the
folder stays until someone deletes it (the registry cannot tell it from a run still writing).
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from cookiecutter.main import cookiecutter
from sklearn.datasets import load_iris

from tests.conftest import run
from tests.template import TEMPLATE

PACKAGE = "iris_classifier"
START_SECONDS = 180
# Imported by every Python process of the killed run (it is on PYTHONPATH): the move that puts
# a version's metadata.json in place waits, so the run is always killed between its model file
# and its metadata, the moment that matters.
SLOW_METADATA = """
import time

from fsspec.implementations.local import LocalFileSystem

move = LocalFileSystem.mv


def slow_mv(self, path1, path2, *args, **kwargs):
    if str(path2).endswith("metadata.json"):
        time.sleep(600)
    return move(self, path1, path2, *args, **kwargs)


LocalFileSystem.mv = slow_mv
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The default bake, with a batch file to score."""
    folder = tmp_path_factory.mktemp("faults")
    project = Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(folder)))
    load_iris(as_frame=True).data.head(20).to_csv(project / "batch.csv", index=False)
    return project


@pytest.fixture
def env(prefect_api_url) -> dict[str, str]:
    """The bake importable, on this environment's packages and the session's server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PYTHONPATH="src", PREFECT_API_URL=prefect_api_url, DO_NOT_TRACK="1")
    return env


def train(models: str) -> list[str]:
    """The command of a training run without the search, registering in `models`."""
    return [sys.executable, "-m", PACKAGE, "train", "--models-dir", models, "--tune", "false"]


def predict(models: str, *flags: str) -> list[str]:
    """The command scoring batch.csv with the registry's champion (or `--version`)."""
    flags = ("--input", "batch.csv", "--output", "scored.csv", *flags)
    return [sys.executable, "-m", PACKAGE, "predict", "--models-dir", models, *flags]


def champion_is_consistent(models: Path) -> str:
    """champion.json parses, names a complete version and carries that version's score; no
    half-written pointer is left beside it. Return the champion's version."""
    champion = json.loads((models / "champion.json").read_text())
    metadata = json.loads((models / champion["version"] / "metadata.json").read_text())
    scores = {key: value for key, value in champion.items() if key in metadata["metrics"]}
    assert scores and all(metadata["metrics"][key] == value for key, value in scores.items())
    assert not list(models.glob("*.tmp"))
    return champion["version"]


def test_training_killed_while_registering_leaves_the_registry_consistent(project, env):
    """SIGKILL between a version's model file and its metadata: the champion stays, the
    unfinished version is refused by name, and the next run registers the version after it."""
    run(train("models"), project, env)
    assert champion_is_consistent(project / "models") == "v1"

    hook = project / "slow-metadata"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SLOW_METADATA)
    slow = {**env, "PYTHONPATH": f"src{os.pathsep}{hook}"}
    log = project / "killed.log"
    with log.open("w") as output:
        killed = subprocess.Popen(
            train("models"),
            cwd=project,
            env=slow,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    version = project / "models" / "v2"
    deadline = time.monotonic() + START_SECONDS
    while not list(version.glob("metadata.json.*.tmp")):
        assert killed.poll() is None, f"training ended before registering:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"v2 was not registered in time:\n{log.read_text()}"
        time.sleep(0.05)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait(timeout=30)

    assert (version / "model.skops").is_file() and not (version / "metadata.json").exists()
    assert champion_is_consistent(project / "models") == "v1"
    refused = run(predict("models", "--version", "v2"), project, env, expect_failure=True)
    assert "error: Model version 'v2' at models is incomplete (no metadata.json)" in refused
    assert "Wrote 20 predictions of model v1" in run(predict("models"), project, env)
    assert set(pd.read_csv(project / "scored.csv")["model_version"]) == {"v1"}

    assert "Registered model v3 in models/v3" in run(train("models"), project, env)
    assert champion_is_consistent(project / "models") in {"v1", "v3"}


def test_two_training_runs_at_once_get_two_versions_and_one_champion(project, env):
    """Two runs started together register distinct versions; champion.json names one of them,
    with its own score."""
    logs = [project / f"concurrent-{index}.log" for index in range(2)]
    runs = []
    for log in logs:
        with log.open("w") as output:
            runs.append(
                subprocess.Popen(
                    train("together"),
                    cwd=project,
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            )
    for process, log in zip(runs, logs, strict=True):
        assert process.wait(timeout=600) == 0, log.read_text()
    registered = {
        line.split()[2]
        for log in logs
        for line in log.read_text().splitlines()
        if line.startswith("Registered model")
    }
    assert registered == {"v1", "v2"}
    assert champion_is_consistent(project / "together") in registered
