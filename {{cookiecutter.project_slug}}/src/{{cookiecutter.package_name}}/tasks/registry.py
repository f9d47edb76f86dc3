"""The model registry: one folder per version, and a pointer to the champion.

The registry lives in a local folder or at any fsspec URL (`s3://bucket/models`). A version
folder holds the fitted pipeline and `metadata.json`, written last, so a version without
metadata is incomplete and never used: a run stopped while registering (killed, out of
memory) leaves such a folder, which the next run skips and which may be deleted once no run is
writing it. `champion.json` names the best version so far; it is replaced in one step, so
readers see the old champion or the new one, never half of either.

The pipeline is saved with skops, which loads only the types it is told to trust, instead of
pickle, which runs whatever code the file names. The trusted types are the project's own
pipeline's (`TRUSTED_TYPES`), and the file's SHA-256 recorded at registration is checked first,
so a model file replaced or changed afterwards is refused, never loaded.
"""

import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import fsspec
import skops.io
from fsspec import AbstractFileSystem
from prefect import get_run_logger, task
from prefect.runtime import flow_run
from pydantic import BaseModel
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }} import estimator
from {{ cookiecutter.package_name }}.metrics import (
    PRIMARY_METRIC,
    compute_metrics,
)
from {{ cookiecutter.package_name }}.tasks.data import DatasetSplit

MODEL_FILE = "model.skops"
METADATA_FILE = "metadata.json"
CHAMPION_FILE = "champion.json"
# The types of the project's pipeline that skops does not trust by default: the preprocessing's
# column selectors and dtypes, the estimator, and what the fitted estimator holds.
TRUSTED_TYPES = sorted(
    {
        "numpy.dtype",
        "sklearn.compose._column_transformer.make_column_selector",
        f"{estimator.Estimator.__module__}.{estimator.Estimator.__qualname__}",
        *estimator.TRUSTED_TYPES,
    }
)


class ModelVersion(BaseModel):
    """A registered model version."""

    version: str
    path: str
    metrics: dict[str, float]


class Promotion(BaseModel):
    """The outcome of comparing a new version with the champion on the same held-out rows."""

    champion: str
    promoted: bool
    challenger_score: float
    champion_score: float | None = None
    previous_champion: str | None = None


class RegistryError(LookupError):
    """The registry has no usable model where one was asked for."""


def registry(models_dir: str) -> tuple[AbstractFileSystem, str]:
    """The filesystem and root path of a registry folder or URL."""
    return fsspec.core.url_to_fs(models_dir)


def claim_version(fs: AbstractFileSystem, root: str) -> str:
    """Create the next free version folder; creating a local folder is atomic, so two runs at
    once never share one."""
    fs.makedirs(root, exist_ok=True)
    names = [path.rstrip("/").rsplit("/", 1)[-1] for path in fs.ls(root, detail=False)]
    number = max((int(n[1:]) for n in names if n[:1] == "v" and n[1:].isdigit()), default=0)
    while True:
        number += 1
        try:
            fs.mkdir(f"{root}/v{number}", create_parents=False)
            return f"v{number}"
        except FileExistsError:
            continue


def write_json_atomically(fs: AbstractFileSystem, path: str, record: dict) -> None:
    """Write JSON beside `path`, then move it into place in one step."""
    partial = f"{path}.{uuid.uuid4().hex}.tmp"
    fs.pipe_file(partial, (json.dumps(record, indent=2, default=str) + "\n").encode())
    fs.mv(partial, path)


def untrusted_types(model_file: bytes) -> list[str]:
    """The types in a saved model that the project does not trust."""
    return [
        name for name in skops.io.get_untrusted_types(data=model_file) if name not in TRUSTED_TYPES
    ]


def read_champion(models_dir: str) -> str | None:
    """The champion's version name, or None before the first training run."""
    fs, root = registry(models_dir)
    path = f"{root}/{CHAMPION_FILE}"
    return json.loads(fs.cat_file(path))["version"] if fs.exists(path) else None


def load_model(models_dir: str, version: str) -> Pipeline:
    """Load a complete version's fitted pipeline, once its file is the one registered and holds
    only trusted types."""
    fs, root = registry(models_dir)
    folder = f"{root}/{version}"
    if not fs.exists(f"{folder}/{METADATA_FILE}"):
        if fs.exists(folder):
            raise RegistryError(
                f"Model version {version!r} at {models_dir} is incomplete (no {METADATA_FILE}): "
                "its training run stopped before registering it, or is still running. "
                "Use another version."
            )
        raise RegistryError(f"Model version {version!r} is not in the registry at {models_dir}.")
    expected = json.loads(fs.cat_file(f"{folder}/{METADATA_FILE}")).get("model_sha256")
    path = f"{models_dir.rstrip('/')}/{version}/{MODEL_FILE}"
    if expected is None or not fs.exists(f"{folder}/{MODEL_FILE}"):
        raise RegistryError(
            f"Model version {version!r} has no {MODEL_FILE} with a recorded checksum: it was "
            "registered by an older version of the project. Train a new version."
        )
    model_file = fs.cat_file(f"{folder}/{MODEL_FILE}")
    digest = hashlib.sha256(model_file).hexdigest()
    if digest != expected:
        raise RegistryError(
            f"The model file changed since it was registered: {path} has SHA-256 {digest}, "
            f"{METADATA_FILE} records {expected}. Restore the file or train a new version."
        )
    refused = untrusted_types(model_file)
    if refused:
        raise RegistryError(
            f"{path} holds types this project does not trust: {', '.join(refused)}. "
            "It was not loaded; if the pipeline really uses them, add them to TRUSTED_TYPES "
            "in estimator.py."
        )
    return skops.io.loads(model_file, trusted=TRUSTED_TYPES)


@task
def register_model(
    model: Pipeline,
    metrics: dict[str, float],
    metadata: dict[str, Any],
    models_dir: str,
) -> ModelVersion:
    """Save the model as a new version; metadata goes last, so a version is whole or absent."""
    model_file = skops.io.dumps(model)
    refused = untrusted_types(model_file)
    if refused:
        raise RegistryError(
            f"The model holds types the registry would refuse to load: {', '.join(refused)}. "
            "Add them to TRUSTED_TYPES in estimator.py if they are safe to load."
        )
    fs, root = registry(models_dir)
    version = claim_version(fs, root)
    fs.pipe_file(f"{root}/{version}/{MODEL_FILE}", model_file)
    record = {
        "version": version,
        "created_at": datetime.now(UTC).isoformat(),
        "flow_run_id": flow_run.id,
        "estimator": type(model[-1]).__name__,
        "metrics": metrics,
        "model_sha256": hashlib.sha256(model_file).hexdigest(),
        **metadata,
    }
    write_json_atomically(fs, f"{root}/{version}/{METADATA_FILE}", record)
    path = f"{models_dir.rstrip('/')}/{version}"
    get_run_logger().info("Registered %s at %s", version, path)
    return ModelVersion(version=version, path=path, metrics=metrics)


@task
def promote_if_better(challenger: ModelVersion, split: DatasetSplit, models_dir: str) -> Promotion:
    """Make the new version champion if it beats the champion on the same held-out rows."""
    logger = get_run_logger()
    fs, root = registry(models_dir)
    score = challenger.metrics[PRIMARY_METRIC]
    current = read_champion(models_dir)
    champion_score = None
    if current is not None:
        try:
            predictions = load_model(models_dir, current).predict(split.features_test)
            champion_score = compute_metrics(split.target_test, predictions)[PRIMARY_METRIC]
        except (RegistryError, KeyError, ValueError) as error:
            # The champion cannot be loaded (changed or incomplete), or the data changed shape
            # since it was trained: it cannot compete.
            logger.warning("Champion %s cannot score this data (%s)", current, error)
    # The primary metric is higher-is-better for every task type.
    promoted = champion_score is None or score > champion_score
    if promoted:
        record = {"version": challenger.version, "promoted_at": datetime.now(UTC).isoformat()}
        write_json_atomically(fs, f"{root}/{CHAMPION_FILE}", {**record, PRIMARY_METRIC: score})
        logger.info("%s is the new champion (%s %.4f)", challenger.version, PRIMARY_METRIC, score)
    else:
        logger.info("%s stays champion: %.4f >= %.4f", current, champion_score, score)
    return Promotion(
        # Not promoted means a champion was there and scored at least as high.
        champion=challenger.version if promoted or current is None else current,
        promoted=promoted,
        challenger_score=score,
        champion_score=champion_score,
        previous_champion=current,
    )
