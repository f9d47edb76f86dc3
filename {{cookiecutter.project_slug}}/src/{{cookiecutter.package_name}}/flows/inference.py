"""The batch inference flow: score a file with the champion model (or a chosen version)."""

import pandas as pd
from prefect import flow
from pydantic import BaseModel

from {{ cookiecutter.package_name }}.config import (
    PROJECT_SLUG,
    InferenceConfig,
    timestamped,
)
from {{ cookiecutter.package_name }}.tasks import (
    load_champion,
    predict_batch,
    read_batch,
    write_predictions,
)


class InferenceResult(BaseModel):
    """Where the predictions went, how many, and from which model version."""

    output_uri: str
    rows: int
    version: str


@flow(name=f"{PROJECT_SLUG}-batch-inference", flow_run_name=timestamped("predict"))
def batch_inference_flow(config: InferenceConfig) -> InferenceResult:
    """Read the batch, predict with the model and write the predictions."""
    model, version = load_champion(config.models_dir, config.version)
    # Typed here: pandas ships no type hints, so a task returning a frame is not typed as one.
    batch: pd.DataFrame = read_batch(config.input_uri)
    predictions: pd.DataFrame = predict_batch(model, batch, version)
    output = write_predictions(predictions, config.output_uri)
    return InferenceResult(output_uri=output, rows=len(predictions), version=version)
