"""The batch inference flow: score a file with the champion model (or a chosen version)."""

from prefect import flow
from pydantic import BaseModel

from {{ cookiecutter.package_name }}.config import (
    PROJECT_SLUG,
    InferenceConfig,
    timestamped,
)
from {{ cookiecutter.package_name }}.tasks import (
    load_champion,
    score_batch,
)


class InferenceResult(BaseModel):
    """Where the predictions went, how many, and from which model version."""

    output_uri: str
    rows: int
    version: str


@flow(name=f"{PROJECT_SLUG}-batch-inference", flow_run_name=timestamped("predict"))
def batch_inference_flow(config: InferenceConfig) -> InferenceResult:
    """Score the batch with the model, `chunk_rows` rows at a time, and write the predictions."""
    model, version = load_champion(config.models_dir, config.version)
    rows = score_batch(model, version, config.input_uri, config.output_uri, config.chunk_rows)
    return InferenceResult(output_uri=config.output_uri, rows=rows, version=version)
