"""The flows run end to end on the configured dataset, against a Prefect server."""

import json
from pathlib import Path

import pytest
from prefect import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
)

from {{ cookiecutter.package_name }}.config import (
    PROJECT_SLUG,
    TrainingConfig,
)
from {{ cookiecutter.package_name }}.flows import (
    data_preprocessing_flow,
    training_flow,
)
from {{ cookiecutter.package_name }}.metrics import (
    PRIMARY_METRIC,
    compute_metrics,
)
from {{ cookiecutter.package_name }}.tasks import ModelVersion


def test_data_preprocessing_flow_splits_all_rows(config, dataset_frame):
    """The subflow returns a split that covers every labelled row of the dataset."""
    split = data_preprocessing_flow(config.dataset, config.split)
    assert split.rows == len(dataset_frame)
    assert len(split.features_test) < len(split.features_train)


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[TrainingConfig, ModelVersion]:
    """One training run with the default settings, shared by the tests that inspect it."""
    config = TrainingConfig(models_dir=str(tmp_path_factory.mktemp("registry") / "models"))
    return config, training_flow(config)


def test_training_flow_registers_a_version_that_beats_a_constant(trained, dataset_split):
    """Training registers a complete version whose score beats always predicting one value."""
    config, result = trained

    constant = [dataset_split.target_train.mode().iloc[0]] * len(dataset_split.target_test)
    baseline = compute_metrics(dataset_split.target_test, constant)
    assert set(result.metrics) == set(baseline)
    assert result.metrics[PRIMARY_METRIC] > baseline[PRIMARY_METRIC]

    version = Path(result.path)
    assert version == Path(config.models_dir) / "v1"
    assert (version / "model.joblib").is_file()
    metadata = json.loads((version / "metadata.json").read_text())
    assert metadata["metrics"] == result.metrics
    assert metadata["params"] == config.model.model_dump()
    assert metadata["dataset"]["rows"] == dataset_split.rows
    assert metadata["created_at"]


def test_training_flow_publishes_metrics_artifact(trained):
    """The run's metrics appear as a table artifact attached to its flow run."""
    _, result = trained
    flow_run_id = json.loads((Path(result.path) / "metadata.json").read_text())["flow_run_id"]

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=[f"{PROJECT_SLUG}-metrics"]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]),
            )
        )
    assert len(artifacts) == 1
    table = json.loads(artifacts[0].data)
    assert {row["metric"] for row in table} == set(result.metrics)
