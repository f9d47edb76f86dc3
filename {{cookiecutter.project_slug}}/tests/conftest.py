"""Shared fixtures: one Prefect server for the whole test session."""

import os
from collections.abc import Iterator

import pytest
from prefect.logging import disable_run_logger

from {{ cookiecutter.package_name }}.config import (
    SplitConfig,
    TrainingConfig,
)
from {{ cookiecutter.package_name }}.source import DatasetConfig
from {{ cookiecutter.package_name }}.tasks import (
    DatasetSplit,
    load_dataset,
    split_dataset,
)


@pytest.fixture(scope="session", autouse=True)
def prefect_server() -> Iterator[None]:
    """Run flows against PREFECT_API_URL when set, else a throwaway local server."""
    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    # Imported only when needed: it loads Prefect's whole server, seconds of start-up.
    from prefect.testing.utilities import prefect_test_harness

    # None: use the start-up timeout from prefect.toml, long enough for a slow machine.
    with prefect_test_harness(server_startup_timeout=None):
        yield


@pytest.fixture
def config(tmp_path) -> TrainingConfig:
    """The project's default settings without the search (tested on its own), with the registry
    in a temporary folder."""
    return TrainingConfig(models_dir=str(tmp_path / "models"), tune=False)


@pytest.fixture(scope="session")
def dataset_frame():
    """The configured dataset, read once."""
    with disable_run_logger():
        return load_dataset.fn(DatasetConfig())


@pytest.fixture(scope="session")
def dataset_split(dataset_frame) -> DatasetSplit:
    """The default train/test split of the configured dataset."""
    with disable_run_logger():
        return split_dataset.fn(dataset_frame, DatasetConfig().target_column, SplitConfig())


@pytest.fixture
def quiet_run_logger() -> Iterator[None]:
    """Let tasks called through `.fn()` log without a flow run around them."""
    with disable_run_logger():
        yield
