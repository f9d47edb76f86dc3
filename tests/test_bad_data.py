"""A dataset that cannot be read stops `python -m <package> train` before any training, with one
line naming the problem and the fix, and leaves the model registry as it was."""

import hashlib
import sys
from pathlib import Path

import pytest

from scripts.screenshots import free_port
from tests.conftest import run
from tests.test_baked_project import project_env

TRAIN = [sys.executable, "-m", "iris_classifier", "train", "--tune", "false"]


def registry_files(models: Path) -> dict[str, str]:
    """Each file of a registry folder, by path, with a hash of its content."""
    return {
        str(path.relative_to(models)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(models.rglob("*"))
        if path.is_file()
    }


def train_fails(project: Path, api_url: str, *flags: str) -> str:
    """Run a training that must fail; its last line, checked to be the only error shown."""
    output = run([*TRAIN, *flags], project, project_env(api_url), expect_failure=True)
    assert "Traceback" not in output
    return output.strip().splitlines()[-1]


def test_bad_csv_address_leaves_the_registry_as_it_was(bake, prefect_api_url):
    """A missing CSV file, an empty one, then an address nothing answers at (tried three times)
    fail the run with one line each; the champion and every version trained before are untouched."""
    project = bake(dataset_source="csv")
    run(TRAIN, project, project_env(prefect_api_url))
    before = registry_files(project / "models")
    assert {"champion.json", "v1/metadata.json"} <= before.keys()

    assert train_fails(project, prefect_api_url, "--dataset-uri", "data/missing.csv") == (
        "error: No CSV file at 'data/missing.csv': check the path, or point the run at the file"
        " with --dataset-uri."
    )
    (project / "data" / "empty.csv").write_text("")
    assert train_fails(project, prefect_api_url, "--dataset-uri", "data/empty.csv") == (
        "error: data/empty.csv could not be read: No columns to parse from file. Fix the data,"
        " or point the run at other data (see --help)."
    )
    url = f"http://127.0.0.1:{free_port()}/customers.csv"
    line = train_fails(project, prefect_api_url, "--dataset-uri", url)
    assert line.startswith(f"error: {url} was unreachable after 3 tries (Cannot connect to host")
    assert line.endswith("check the address and that the server is up, then run again.")
    assert registry_files(project / "models") == before


@pytest.mark.parametrize(
    ("source", "flags", "message"),
    [
        (
            "parquet",
            ["--dataset-uri", "data/missing.parquet"],
            "No Parquet file at 'data/missing.parquet': check the path, or point the run at the"
            " file with --dataset-uri.",
        ),
        (
            "sql",
            ["--dataset-table", "missing"],
            "Table 'missing' is not in sqlite:///data/customers.sqlite; its tables are:"
            " customers. Name one of them, or a SELECT query, with --dataset-table.",
        ),
        (
            "sql",
            ["--dataset-uri", "sqlite:///data/missing.sqlite"],
            "No SQLite database at 'data/missing.sqlite': check the path, or point the run at"
            " the database with --dataset-uri.",
        ),
    ],
    ids=["missing-parquet-file", "missing-sql-table", "missing-sqlite-file"],
)
def test_missing_data_stops_training_with_one_line(bake, prefect_api_url, source, flags, message):
    """A missing file, database or table is named with the setting to fix; nothing is written,
    not even an empty database."""
    project = bake(dataset_source=source)
    before = sorted(path.name for path in (project / "data").iterdir())
    assert train_fails(project, prefect_api_url, *flags) == f"error: {message}"
    assert not (project / "models").exists()
    assert sorted(path.name for path in (project / "data").iterdir()) == before
