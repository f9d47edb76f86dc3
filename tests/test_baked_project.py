"""Baked projects lint clean and pass their own tests: on a covering set of answers, and on
each kind of dataset address, served for real on 127.0.0.1."""

import json
import os
import sys
from pathlib import Path

import pytest
from sklearn.datasets import load_iris
from sqlalchemy import create_engine

from tests.conftest import BIN, SHARED_ENV, run
from tests.matrix import combo_id, covering_set
from tests.sample_data import sample_frame

COVERING = [{}, *covering_set()]


def project_env(api_url: str) -> dict[str, str]:
    """Run a bake from its folder, on this environment's packages and the session's server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PYTHONPATH="src", PREFECT_API_URL=api_url, DO_NOT_TRACK="1")
    # The pre-commit hooks run this environment's tools, as they run the project's .venv's.
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    # mypy's cache of the libraries (Prefect, pydantic...) is shared by the bakes this xdist
    # worker checks, one after the other: only the first bake pays for analysing them.
    shared = Path(os.environ[SHARED_ENV])
    env["MYPY_CACHE_DIR"] = str(shared / f"mypy-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}")
    env["PRE_COMMIT_HOME"] = str(shared / "pre-commit")
    return env


def check_project(project: Path, api_url: str) -> str:
    """Run the bake's ruff check, ruff format --check, mypy, every pre-commit hook on a fresh
    git repository of the bake, and pytest; return pytest's output."""
    env = project_env(api_url)
    run([BIN / "ruff", "check", "."], project, env)
    run([BIN / "ruff", "format", "--check", "."], project, env)
    run([BIN / "mypy"], project, env)
    run(["git", "init", "--quiet"], project, env)
    run(["git", "add", "--all"], project, env)
    run([BIN / "pre-commit", "run", "--all-files", "--show-diff-on-failure"], project, env)
    output = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project, env)
    assert " passed" in output and "failed" not in output
    return output


@pytest.mark.parametrize("answers", COVERING, ids=lambda a: combo_id(a) or "defaults")
def test_baked_project_lints_and_passes_its_tests(bake, prefect_api_url, answers):
    """ruff check, ruff format --check and the project's own pytest all pass."""
    check_project(bake(**answers), prefect_api_url)


def test_csv_path_answer_trains_on_that_file(bake, prefect_api_url, tmp_path):
    """A bake pointed at a CSV file trains on it; a wrong column is named with those present."""
    frame = load_iris(as_frame=True).frame.rename(columns={"target": "label"})
    frame.to_csv(tmp_path / "flowers.csv", index=False)
    project = bake(
        dataset_source="csv", dataset_uri=str(tmp_path / "flowers.csv"), target_column="label"
    )
    check_project(project, prefect_api_url)

    env = project_env(prefect_api_url)
    train = [sys.executable, "-m", "iris_classifier", "train", "--models-dir", "from-cli"]
    output = run(train, project, env)
    assert "Registered model v1 in from-cli/v1" in output and "accuracy" in output
    metadata = json.loads((project / "from-cli" / "v1" / "metadata.json").read_text())
    assert metadata["dataset"]["source"] == str(tmp_path / "flowers.csv")
    assert metadata["dataset"]["rows"] == 150

    failed = run([*train, "--target-column", "species"], project, env, expect_failure=True)
    assert "Target column 'species' is missing; the columns present are: sepal length" in failed


def test_remote_parquet_is_read_over_http(bake, prefect_api_url, http_server):
    """A bake whose dataset_uri is an http:// URL reads it through fsspec."""
    path = http_server.folder / "houses.parquet"
    sample_frame("houses").to_parquet(path, index=False)
    project = bake(
        task_type="regression",
        dataset_source="parquet",
        dataset_uri=f"{http_server.url}/houses.parquet",
    )
    check_project(project, prefect_api_url)


def test_sqlite_file_answer_is_read(bake, prefect_api_url, tmp_path):
    """A bake whose dataset_uri is a SQLite URL reads the table named in dataset_table."""
    database = tmp_path / "warehouse.sqlite"
    sample_frame("customers").to_sql("churn", create_engine(f"sqlite:///{database}"))
    project = bake(dataset_source="sql", dataset_uri=f"sqlite:///{database}", dataset_table="churn")
    check_project(project, prefect_api_url)


def test_postgresql_query_answer_is_read(bake, prefect_api_url, postgres_url):
    """A bake whose dataset_uri is a PostgreSQL URL reads the result of a SELECT query."""
    sample_frame("houses").to_sql("houses", create_engine(postgres_url), if_exists="replace")
    project = bake(
        task_type="regression",
        model_type="linear",
        dataset_source="sql",
        dataset_uri=postgres_url,
        dataset_table="SELECT * FROM houses WHERE area_sqm > 0",
    )
    assert "psycopg" in (project / "pyproject.toml").read_text()
    check_project(project, prefect_api_url)


def test_baked_project_deploys_as_is(bake, prefect_api_url):
    """`make deploy` creates the work pool and the scheduled deployment on a real server."""
    project = bake(project_name="Deploy Check")
    env = project_env(prefect_api_url)
    run(["make", "deploy", f"BIN={BIN}", f"PREFECT_API_URL={prefect_api_url}"], project, env)

    name = "deploy-check-training/scheduled-training"
    output = run([BIN / "prefect", "deployment", "inspect", name], project, env)
    assert "'work_pool_name': 'deploy-check-process'" in output
    assert "0 3 * * *" in output


def test_make_train_and_test_use_a_running_server(bake, prefect_api_url):
    """With the server of `make server` up, `make train` and `make test` run on it; without,
    on Prefect's embedded server."""
    project = bake()
    env = project_env(prefect_api_url)
    del env["PREFECT_API_URL"]
    up = run(
        ["make", "-n", "train", "test", f"BIN={BIN}", f"PREFECT_API_URL={prefect_api_url}"],
        project,
        env,
    )
    assert up.count(f"PREFECT_API_URL={prefect_api_url} ") == 2
    down = run(
        ["make", "-n", "train", f"BIN={BIN}", "PREFECT_API_URL=http://127.0.0.1:9/api"],
        project,
        env,
    )
    assert "PREFECT_API_URL" not in down
