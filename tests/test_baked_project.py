"""Baked projects lint clean and pass their own tests, on a covering set of answers."""

import os
import sys

import pytest

from tests.conftest import BIN, run
from tests.matrix import combo_id, covering_set

COVERING = [{}, *covering_set()]


def project_env(api_url: str) -> dict[str, str]:
    """Run a bake from its folder, on this environment's packages and the session's server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PYTHONPATH="src", PREFECT_API_URL=api_url, DO_NOT_TRACK="1")
    return env


@pytest.mark.parametrize("answers", COVERING, ids=lambda a: combo_id(a) or "defaults")
def test_baked_project_lints_and_passes_its_tests(bake, prefect_api_url, answers):
    """ruff check, ruff format --check and the project's own pytest all pass."""
    project = bake(**answers)
    env = project_env(prefect_api_url)
    run([BIN / "ruff", "check", "."], project, env)
    run([BIN / "ruff", "format", "--check", "."], project, env)
    output = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project, env)
    assert " passed" in output and "failed" not in output


def test_baked_project_deploys_as_is(bake, prefect_api_url):
    """`make deploy` creates the work pool and the scheduled deployment on a real server."""
    project = bake(project_name="Deploy Check")
    env = project_env(prefect_api_url)
    run(["make", "deploy", f"BIN={BIN}", f"PREFECT_API_URL={prefect_api_url}"], project, env)

    name = "deploy-check-training/scheduled-training"
    output = run([BIN / "prefect", "deployment", "inspect", name], project, env)
    assert "'work_pool_name': 'deploy-check-process'" in output
    assert "0 3 * * *" in output
