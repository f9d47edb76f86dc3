"""Tasks of batch inference: the champion model, a batch in, predictions out."""

from pathlib import PurePosixPath

import fsspec
import pandas as pd
from prefect import get_run_logger, task
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }}.tasks.data import (
    DatasetError,
    is_transient,
)
from {{ cookiecutter.package_name }}.tasks.registry import (
    RegistryError,
    load_model,
    read_champion,
)


def is_parquet(uri: str) -> bool:
    """Whether a path or URL names a Parquet file; anything else is read and written as CSV."""
    return PurePosixPath(uri.split("?")[0]).suffix.lower() in {".parquet", ".pq"}


@task
def load_champion(models_dir: str, version: str | None = None) -> tuple[Pipeline, str]:
    """The requested version, or the champion, with its name."""
    chosen = version or read_champion(models_dir)
    if chosen is None:
        raise RegistryError(f"No champion in {models_dir}: train a model first.")
    return load_model(models_dir, chosen), chosen


@task(retries=2, retry_delay_seconds=[1, 5], retry_condition_fn=is_transient)
def read_batch(uri: str) -> pd.DataFrame:
    """Read the rows to score."""
    with fsspec.open(uri, "rb") as file:
        frame = pd.read_parquet(file) if is_parquet(uri) else pd.read_csv(file)
    get_run_logger().info("Read %d rows to score from %s", len(frame), uri)
    return frame


@task
def predict_batch(model: Pipeline, batch: pd.DataFrame, version: str) -> pd.DataFrame:
    """The batch with a prediction, each class's probability where the model has them, and the
    model version; columns the model was not trained on are kept but not used."""
    missing = [column for column in model.feature_names_in_ if column not in batch.columns]
    if missing:
        raise DatasetError(
            f"The batch lacks the columns the model was trained on: {', '.join(missing)}."
        )
    features = batch[list(model.feature_names_in_)]
    scored = batch.assign(prediction=model.predict(features))
    if hasattr(model, "predict_proba"):
        probabilities = model.predict_proba(features)
        for index, label in enumerate(model.classes_):
            scored[f"probability_{label}"] = probabilities[:, index]
    return scored.assign(model_version=version)


@task(retries=2, retry_delay_seconds=[1, 5], retry_condition_fn=is_transient)
def write_predictions(predictions: pd.DataFrame, uri: str) -> str:
    """Write the predictions as Parquet or CSV, by the file name."""
    with fsspec.open(uri, "wb", auto_mkdir=True) as file:
        if is_parquet(uri):
            predictions.to_parquet(file, index=False)
        else:
            predictions.to_csv(file, index=False)
    get_run_logger().info("Wrote %d predictions to %s", len(predictions), uri)
    return uri
