"""Tasks that read, check and split the dataset.

Their results are cached and kept in the project's Prefect home, so a re-run on unchanged
data skips them: the read is keyed on the data's fingerprint, the checks and the split on
their inputs, and every key on the task's code.
"""

import hashlib
import inspect
from typing import Any

import pandas as pd
from prefect import State, Task, get_run_logger, task
from prefect.cache_policies import INPUTS, TASK_SOURCE
from prefect.client.schemas.objects import TaskRun
from prefect.context import TaskRunContext
from prefect.utilities.hashing import hash_objects
from pydantic import BaseModel, ConfigDict, model_serializer
from sklearn.model_selection import train_test_split

from {{ cookiecutter.package_name }}.config import SplitConfig
from {{ cookiecutter.package_name }}.metrics import STRATIFY
from {{ cookiecutter.package_name }}.source import (
    DatasetConfig,
    fingerprint,
    read_dataset,
)


class DatasetError(ValueError):
    """The dataset cannot be trained on; the message says what to fix."""


class DatasetSplit(BaseModel):
    """Features and labels, divided into a training part and an evaluation part."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    features_train: pd.DataFrame
    features_test: pd.DataFrame
    target_train: pd.Series
    target_test: pd.Series
    fingerprint: str

    @property
    def rows(self) -> int:
        """Number of rows before the split."""
        return len(self.features_train) + len(self.features_test)

    @model_serializer
    def summary(self) -> dict[str, Any]:
        """What Prefect records when a split is a flow parameter: a summary, not the data."""
        return {"rows": self.rows, "fingerprint": self.fingerprint}


def is_transient(task: Task, task_run: TaskRun, state: State) -> bool:
    """Retry what may pass on its own (network, timeouts), not a wrong address or bad data."""
    try:
        state.result()
    except (FileNotFoundError, PermissionError, IsADirectoryError, ValueError, ImportError):
        return False
    except Exception:
        return True
    return False


def dataset_cache_key(context: TaskRunContext, parameters: dict[str, Any]) -> str | None:
    """Key a read on the data's fingerprint and the reading code; None re-reads every time."""
    content = fingerprint(parameters["dataset"])
    if content is None:
        return None
    code = TASK_SOURCE.compute_key(context, parameters, {})
    return hash_objects(code, inspect.getsource(read_dataset), content)


def frame_fingerprint(frame: pd.DataFrame) -> str:
    """A short hash of the frame's columns and values, recorded with each model version."""
    digest = hashlib.sha256(",".join(map(str, frame.columns)).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()[:16]


# Reading data is I/O: a flaky disk or network gets a few more tries before the run fails.
@task(
    retries=2,
    retry_delay_seconds=[1, 5],
    retry_condition_fn=is_transient,
    timeout_seconds=600,
    cache_key_fn=dataset_cache_key,
    persist_result=True,
)
def load_dataset(dataset: DatasetConfig) -> pd.DataFrame:
    """Read the dataset into one frame."""
    frame = read_dataset(dataset)
    get_run_logger().info("Loaded %d rows x %d columns from %s", *frame.shape, dataset.describe())
    return frame


@task(cache_policy=INPUTS + TASK_SOURCE, persist_result=True)
def validate_dataset(frame: pd.DataFrame, target_column: str) -> pd.DataFrame:
    """Fail fast, before any training, when the frame cannot be learned from."""
    if frame.empty:
        raise DatasetError("The dataset has no rows: point the project at a non-empty dataset.")
    if target_column not in frame.columns:
        present = ", ".join(map(str, frame.columns))
        raise DatasetError(
            f"Target column {target_column!r} is missing; the columns present are: {present}."
        )
    if frame.shape[1] < 2:
        raise DatasetError(f"The dataset has no feature columns besides {target_column!r}.")
    labelled = frame.dropna(subset=[target_column])
    if labelled.empty:
        raise DatasetError(f"Target column {target_column!r} has no values: every row is missing.")
    dropped = len(frame) - len(labelled)
    if dropped:
        get_run_logger().warning("Dropped %d rows without a %r value", dropped, target_column)
    return labelled


@task(cache_policy=INPUTS + TASK_SOURCE, persist_result=True)
def split_dataset(frame: pd.DataFrame, target_column: str, split: SplitConfig) -> DatasetSplit:
    """Hold out a seeded share of the rows for evaluation."""
    features = frame.drop(columns=[target_column])
    target = frame[target_column]
    features_train, features_test, target_train, target_test = train_test_split(
        features,
        target,
        test_size=split.test_size,
        random_state=split.random_state,
        stratify=target if STRATIFY else None,
    )
    return DatasetSplit(
        features_train=features_train,
        features_test=features_test,
        target_train=target_train,
        target_test=target_test,
        fingerprint=frame_fingerprint(frame),
    )
