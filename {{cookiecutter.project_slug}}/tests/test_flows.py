"""The flows run end to end on the configured dataset, against a Prefect server."""

import json
from pathlib import Path
from uuid import UUID

import pandas as pd
import pytest
from prefect import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterId,
)
from prefect.client.schemas.objects import Artifact

from {{ cookiecutter.package_name }}.config import (
    PROJECT_SLUG,
    InferenceConfig,
    TrainingConfig,
)
from {{ cookiecutter.package_name }}.estimator import ModelParams
from {{ cookiecutter.package_name }}.flows import (
    batch_inference_flow,
    data_preprocessing_flow,
    hyperparameter_tuning_flow,
    training_flow,
)
from {{ cookiecutter.package_name }}.flows.training import TrainingResult
from {{ cookiecutter.package_name }}.metrics import (
    PRIMARY_METRIC,
    compute_metrics,
)
from {{ cookiecutter.package_name }}.source import fingerprint
from {{ cookiecutter.package_name }}.tasks import build_preprocessor


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[TrainingConfig, TrainingResult]:
    """One training run with the default settings, shared by the tests that inspect it."""
    registry = tmp_path_factory.mktemp("registry") / "models"
    config = TrainingConfig(models_dir=str(registry), tune=False)
    return config, training_flow(config)


def read_artifacts(flow_run_id: UUID, key: str) -> list[Artifact]:
    """The artifacts with this key attached to a flow run."""
    with get_client(sync_client=True) as client:
        return client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=[key]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]),
            )
        )


def test_data_preprocessing_flow_splits_all_rows_then_hits_the_cache(config, dataset_frame):
    """The subflow splits every labelled row; a re-run on unchanged data takes the read and the
    split from the cache (the checks run again: they are quick)."""
    split = data_preprocessing_flow(config.dataset, config.split)
    labelled = dataset_frame[config.dataset.target_column].notna().sum()
    assert split.rows == labelled
    assert len(split.features_test) < len(split.features_train)

    state = data_preprocessing_flow(config.dataset, config.split, return_state=True)
    flow_run_id = state.state_details.flow_run_id
    assert flow_run_id is not None
    with get_client(sync_client=True) as client:
        task_runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    states = {run.name.rsplit("-", 1)[0]: run.state_name for run in task_runs}
    # A source that cannot tell whether its data changed (a database) is read every run.
    again = "Cached" if fingerprint(config.dataset) is not None else "Completed"
    assert states == {
        "load_dataset": again,
        "validate_dataset": "Completed",
        "split_dataset": again,
    }


@pytest.mark.usefixtures("quiet_run_logger")
def test_tuning_flow_picks_the_best_candidate(dataset_split):
    """The search scores each candidate on the task runner and returns the best one."""
    preprocessor = build_preprocessor.fn(dataset_split.features_train)
    name, default = next(iter(ModelParams().model_dump().items()))
    grid = {name: [default, type(default)(default * 2)]}
    summary = hyperparameter_tuning_flow(
        dataset_split, preprocessor, ModelParams(), grid, cv_folds=2
    )
    assert summary.candidates == 2
    assert summary.best_params[name] in grid[name]
    assert -1 <= summary.best_score <= 1


def test_training_flow_registers_a_champion_that_beats_a_constant(trained, dataset_split):
    """The first run registers a complete version, beats a constant guess and becomes champion."""
    config, result = trained

    constant = [dataset_split.target_train.mode().iloc[0]] * len(dataset_split.target_test)
    baseline = compute_metrics(dataset_split.target_test, constant)
    assert set(result.metrics) == set(baseline)
    assert result.metrics[PRIMARY_METRIC] > baseline[PRIMARY_METRIC]
    assert (result.version, result.champion, result.promoted) == ("v1", "v1", True)

    version = Path(config.models_dir) / "v1"
    assert {"model.skops", "metadata.json", "report.md", "diagnostics.png"} <= {
        path.name for path in version.iterdir()
    }
    metadata = json.loads((version / "metadata.json").read_text())
    assert metadata["metrics"] == result.metrics
    assert metadata["params"] == config.model.model_dump()
    assert metadata["dataset"]["rows"] == dataset_split.rows
    assert metadata["dataset"]["fingerprint"] == dataset_split.fingerprint
    assert json.loads((Path(config.models_dir) / "champion.json").read_text())["version"] == "v1"


def test_training_flow_publishes_metrics_and_report(trained):
    """The run's metrics table and Markdown report are artifacts of its flow run."""
    config, result = trained
    metadata = json.loads((Path(config.models_dir) / "v1" / "metadata.json").read_text())

    flow_run_id = UUID(metadata["flow_run_id"])
    (metrics,) = read_artifacts(flow_run_id, f"{PROJECT_SLUG}-metrics")
    # The server keeps a table as JSON text, a report as Markdown text.
    assert isinstance(metrics.data, str)
    assert {row["metric"] for row in json.loads(metrics.data)} == set(result.metrics)
    (report,) = read_artifacts(flow_run_id, f"{PROJECT_SLUG}-training-report")
    assert isinstance(report.data, str)
    assert "Champion vs challenger" in report.data and "v1 is the new champion" in report.data


def test_batch_inference_flow_scores_with_the_champion(trained, dataset_frame, tmp_path):
    """Batch inference writes one prediction per row, with the champion's version."""
    config, _ = trained
    batch = dataset_frame.drop(columns=[config.dataset.target_column]).head(20)
    batch.to_csv(tmp_path / "batch.csv", index=False)
    output = tmp_path / "out" / "predictions.csv"

    result = batch_inference_flow(
        InferenceConfig(
            input_uri=str(tmp_path / "batch.csv"),
            output_uri=str(output),
            models_dir=config.models_dir,
        )
    )
    predictions = pd.read_csv(output)
    assert (result.rows, result.version) == (20, "v1")
    assert len(predictions) == 20
    assert set(predictions["model_version"]) == {"v1"}
    assert predictions["prediction"].notna().all()
