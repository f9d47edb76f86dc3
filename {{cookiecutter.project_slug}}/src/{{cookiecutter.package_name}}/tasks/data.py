"""Tasks that read, check and split the dataset.

The read and the split are cached and kept in the project's Prefect home, so a re-run on
unchanged data reads neither the source nor the rows again: both are keyed on the data's
version (its fingerprint and the reading code), never on the rows themselves, which would mean
hashing every value. The checks are quick and run every time.

Cached frames are stored as plain pickles, their cache keys apart (Prefect's key storage):
Prefect's default wraps a result in base64 inside JSON, which for a large frame costs more
time and memory than reading the data again.
"""

import hashlib
import inspect
import math
import pickle
from typing import Any

import pandas as pd
from prefect import State, Task, get_run_logger, task
from prefect.cache_policies import TASK_SOURCE, CacheKeyFnPolicy
from prefect.client.schemas.objects import TaskRun
from prefect.context import TaskRunContext
from prefect.serializers import Serializer
from prefect.settings import PREFECT_LOCAL_STORAGE_PATH
from prefect.utilities.hashing import hash_objects
from pydantic import BaseModel, ConfigDict, Field, model_serializer
from sklearn.model_selection import train_test_split

from {{ cookiecutter.package_name }}.config import SplitConfig
from {{ cookiecutter.package_name }}.metrics import (
    STRATIFY,
    target_problem,
)
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


# What another try cannot fix: a wrong address, missing rights, bad data, a missing library.
PERMANENT_ERRORS = (FileNotFoundError, PermissionError, IsADirectoryError, ValueError, ImportError)


def is_transient(task: Task, task_run: TaskRun, state: State) -> bool:
    """Retry what may pass on its own (network, timeouts), not a wrong address or bad data."""
    try:
        state.result()
    except PERMANENT_ERRORS:
        return False
    except Exception:
        return True
    return False


def data_version(dataset: DatasetConfig) -> str | None:
    """What identifies the data as read: its fingerprint and the reading code. None when the
    source cannot tell whether it changed (a database) or cannot be reached (the read then
    fails with the reason): no cache then."""
    try:
        content = fingerprint(dataset)
    except OSError:
        return None
    if content is None:
        return None
    return hash_objects(inspect.getsource(read_dataset), content)


def dataset_cache_key(context: TaskRunContext, parameters: dict[str, Any]) -> str | None:
    """Key a read on the data's version and the task's code; None re-reads every time."""
    version = data_version(parameters["dataset"])
    if version is None:
        return None
    return hash_objects(TASK_SOURCE.compute_key(context, parameters, {}), version)


def split_cache_key(context: TaskRunContext, parameters: dict[str, Any]) -> str | None:
    """Key a split on the data's version, the other settings and the code of the checks and the
    split, not on the frame; None (no version) splits every time."""
    if parameters["data_version"] is None:
        return None
    settings = {name: value for name, value in parameters.items() if name != "frame"}
    code = TASK_SOURCE.compute_key(context, parameters, {})
    return hash_objects(code, inspect.getsource(validate_dataset.fn), settings)


def frame_fingerprint(frame: pd.DataFrame) -> str:
    """A short hash of the frame's columns and values, recorded with each model version."""
    digest = hashlib.sha256(",".join(map(str, frame.columns)).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()[:16]


class FramePickleSerializer(Serializer):
    """Results as plain pickles, written and read back at the speed of the disk."""

    type: str = Field(default="frame-pickle", frozen=True)

    def dumps(self, obj: Any) -> bytes:
        """The object as a pickle."""
        return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)

    def loads(self, blob: bytes) -> Any:
        """The object back from its pickle."""
        return pickle.loads(blob)


# Cache keys beside the results, not inside them: the results are then stored as they are.
CACHE_KEYS = PREFECT_LOCAL_STORAGE_PATH.value() / "keys"


# Reading data is I/O: a flaky disk or network gets a few more tries before the run fails.
@task(
    retries=2,
    retry_delay_seconds=[1, 5],
    retry_condition_fn=is_transient,
    timeout_seconds=600,
    cache_policy=CacheKeyFnPolicy(cache_key_fn=dataset_cache_key).configure(key_storage=CACHE_KEYS),
    result_serializer=FramePickleSerializer(),
    persist_result=True,
)
def load_dataset(dataset: DatasetConfig) -> pd.DataFrame:
    """Read the dataset into one frame."""
    try:
        frame = read_dataset(dataset)
    except (FileNotFoundError, PermissionError) as error:
        # The source's message names what is missing or refused, and the setting that fixes it.
        raise DatasetError(str(error)) from error
    except ValueError as error:
        # Unparsable content, such as an empty or truncated file.
        raise DatasetError(
            f"{dataset.describe()} could not be read: {error}. Fix the data, or point the run"
            " at other data (see --help)."
        ) from error
    except PERMANENT_ERRORS:
        raise
    except Exception as error:
        # Prefect tries again after a pause; the last try says what failed and what to check.
        run = TaskRunContext.get()
        if run is None or run.task_run.run_count <= run.task.retries:
            raise
        raise DatasetError(
            f"{dataset.describe()} was unreachable after {run.task_run.run_count} tries"
            f" ({error}): check the address and that the server is up, then run again."
        ) from error
    get_run_logger().info("Loaded %d rows x %d columns from %s", *frame.shape, dataset.describe())
    return frame


@task
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
    # A copy only when rows go: the frame may be most of the memory a run uses.
    labelled = frame.dropna(subset=[target_column]) if frame[target_column].hasnans else frame
    if labelled.empty:
        raise DatasetError(f"Target column {target_column!r} has no values: every row is missing.")
    problem = target_problem(labelled[target_column])
    if problem:
        raise DatasetError(problem)
    dropped = len(frame) - len(labelled)
    if dropped:
        get_run_logger().warning("Dropped %d rows without a %r value", dropped, target_column)
    return labelled


def check_split_sizes(target: pd.Series, test_size: float) -> None:
    """Refuse, as scikit-learn would but saying what to do, a split that leaves a side without
    rows, or without a row of each class when the split keeps the classes' shares."""
    if STRATIFY:
        counts = target.value_counts()
        single = ", ".join(map(repr, counts.index[counts < 2]))
        if single:
            raise DatasetError(
                f"Too few rows to split: class(es) {single} of {target.name!r} have a single row,"
                " and each class needs one row to train on and one to test on. Add rows of"
                " those classes, or merge them into others or drop them."
            )
    test_rows = math.ceil(test_size * len(target))
    train_rows = len(target) - test_rows
    needed = target.nunique() if STRATIFY else 1
    if min(train_rows, test_rows) < needed:
        each = f"one row of each of the {needed} classes" if STRATIFY else "one row"
        raise DatasetError(
            f"Too few rows to split: a test share of {test_size} divides {len(target)} rows into"
            f" {train_rows} to train on and {test_rows} to test on, and each side needs {each}."
            " Add rows, or change the share with --test-size."
        )


@task(
    cache_policy=CacheKeyFnPolicy(cache_key_fn=split_cache_key).configure(key_storage=CACHE_KEYS),
    result_serializer=FramePickleSerializer(),
    persist_result=True,
)
def split_dataset(
    frame: pd.DataFrame, target_column: str, split: SplitConfig, data_version: str | None = None
) -> DatasetSplit:
    """Hold out a seeded share of the rows for evaluation; cached when the data's version is
    given."""
    features = frame.drop(columns=[target_column])
    target = frame[target_column]
    check_split_sizes(target, split.test_size)
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
