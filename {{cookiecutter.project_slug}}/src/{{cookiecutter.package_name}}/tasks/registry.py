"""The model registry: one folder per version under `models_dir`, with the model and metadata."""

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
from prefect import get_run_logger, task
from prefect.runtime import flow_run
from pydantic import BaseModel
from sklearn.pipeline import Pipeline

MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"


class ModelVersion(BaseModel):
    """A registered model version."""

    version: str
    path: str
    metrics: dict[str, float]


def claim_version_dir(models_dir: Path) -> Path:
    """Create the next free version folder; `mkdir` is atomic, so concurrent runs never share."""
    models_dir.mkdir(parents=True, exist_ok=True)
    taken = [int(p.name[1:]) for p in models_dir.glob("v*") if p.name[1:].isdigit()]
    number = max(taken, default=0) + 1
    while True:
        try:
            path = models_dir / f"v{number}"
            path.mkdir()
            return path
        except FileExistsError:
            number += 1


@task
def register_model(
    model: Pipeline,
    metrics: dict[str, float],
    metadata: dict[str, Any],
    models_dir: str,
) -> ModelVersion:
    """Save the model as a new version; metadata goes last, so a version is whole or absent."""
    path = claim_version_dir(Path(models_dir))
    joblib.dump(model, path / MODEL_FILE)
    record = {
        "version": path.name,
        "created_at": datetime.now(UTC).isoformat(),
        "flow_run_id": flow_run.id,
        "estimator": type(model[-1]).__name__,
        "metrics": metrics,
        **metadata,
    }
    partial = path / f".{METADATA_FILE}.tmp"
    partial.write_text(json.dumps(record, indent=2, default=str) + "\n")
    os.replace(partial, path / METADATA_FILE)
    get_run_logger().info("Registered %s at %s", path.name, path)
    return ModelVersion(version=path.name, path=str(path), metrics=metrics)
