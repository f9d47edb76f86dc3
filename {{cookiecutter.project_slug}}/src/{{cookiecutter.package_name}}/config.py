"""Typed settings of the pipelines; the defaults are the answers given when the project was made.

Flow parameters and CLI flags override any field, so one project trains on other data or
hyperparameters, or scores another batch, without editing code.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from {{ cookiecutter.package_name }}.estimator import ModelParams
from {{ cookiecutter.package_name }}.source import DatasetConfig

PROJECT_SLUG = "{{ cookiecutter.project_slug }}"
# When the scheduled training runs (cron, UTC); prefect.yaml and `serve` both use it.
TRAINING_SCHEDULE = "0 3 * * *"


def timestamped(prefix: str) -> Callable[[], str]:
    """A run-name factory, so runs read `train-20260101-030000` in the Prefect UI."""
    return lambda: f"{prefix}-{datetime.now(UTC):%Y%m%d-%H%M%S}"


class SplitConfig(BaseModel):
    """How rows are divided between training and evaluation."""

    test_size: float = Field(default=0.2, gt=0, lt=1, description="Share of rows held out.")
    random_state: int = Field(
        default=42, description="Seed of the split, the search and the model."
    )


class TrainingConfig(BaseModel):
    """Everything a training run needs to know."""

    dataset: DatasetConfig = DatasetConfig()
    model: ModelParams = ModelParams()
    split: SplitConfig = SplitConfig()
    tune: bool = Field(default=True, description="Search the model's grid before the final fit.")
    cv_folds: int = Field(default=3, ge=2, description="Cross-validation folds of the search.")
    models_dir: str = Field(default="models", description="Model registry: folder or fsspec URL.")


class InferenceConfig(BaseModel):
    """Which batch to score, with which model, and where the predictions go."""

    input_uri: str = Field(description="CSV or Parquet file (path or fsspec URL) to score.")
    output_uri: str = Field(description="Where to write the predictions (.csv or .parquet).")
    models_dir: str = Field(default="models", description="Model registry: folder or fsspec URL.")
    version: str | None = Field(default=None, description="Model version; default: the champion.")
    chunk_rows: int = Field(
        default=100_000, ge=1, description="Rows read, scored and written at a time."
    )
