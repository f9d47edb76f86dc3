"""Bad data stops a run early, with a message naming the problem and the fix; a source that
fails for a moment is tried again."""

import re

import numpy as np
import pandas as pd
import pytest
from prefect import flow
from prefect.states import State

from {{ cookiecutter.package_name }}.config import SplitConfig
from {{ cookiecutter.package_name }}.estimator import ModelParams
from {{ cookiecutter.package_name }}.metrics import STRATIFY
from {{ cookiecutter.package_name }}.source import DatasetConfig
from {{ cookiecutter.package_name }}.tasks import (
    DatasetError,
    build_preprocessor,
    load_dataset,
    predict_batch,
    split_dataset,
    train_model,
    validate_dataset,
)
from {{ cookiecutter.package_name }}.tasks import data as data_tasks

pytestmark = pytest.mark.usefixtures("quiet_run_logger")
TARGET = DatasetConfig().target_column


def test_validate_dataset_refuses_target_without_values(dataset_frame):
    """A target column missing in every row is refused."""
    frame = dataset_frame.assign(**{TARGET: None})
    with pytest.raises(DatasetError, match=f"Target column '{TARGET}' has no values"):
        validate_dataset.fn(frame, TARGET)


def test_validate_dataset_refuses_single_valued_target(dataset_frame):
    """A target with one value only leaves nothing to learn: no second class, no variation."""
    frame = dataset_frame.assign(**{TARGET: dataset_frame[TARGET].iloc[0]})
    with pytest.raises(DatasetError, match="needs at least two classes|nothing to learn"):
        validate_dataset.fn(frame, TARGET)


@pytest.mark.skipif(STRATIFY, reason="a classifier takes text labels as classes")
def test_validate_dataset_names_text_in_numeric_target(dataset_frame):
    """A regression target holding text is refused, naming the column and a bad value."""
    frame = dataset_frame.astype({TARGET: object})
    frame.loc[frame.index[1], TARGET] = "n/a"
    with pytest.raises(DatasetError, match=f"'{TARGET}' holds values that are not numbers.*'n/a'"):
        validate_dataset.fn(frame, TARGET)


def test_split_dataset_refuses_too_few_rows(dataset_frame):
    """One row cannot be split into a training and a test part."""
    with pytest.raises(DatasetError, match="Too few rows to split"):
        split_dataset.fn(dataset_frame.head(1), TARGET, SplitConfig())


@pytest.mark.skipif(not STRATIFY, reason="a regression split keeps no class shares")
def test_split_dataset_names_classes_too_rare_to_split(dataset_frame):
    """A class with a single row, or more classes than test rows, is refused with the fix."""
    frame = dataset_frame.astype({TARGET: object})
    frame.loc[frame.index[0], TARGET] = "rare"
    with pytest.raises(DatasetError, match="class\\(es\\) 'rare' .* merge them"):
        split_dataset.fn(frame, TARGET, SplitConfig())
    with pytest.raises(DatasetError, match="needs one row of each of the .* --test-size"):
        split_dataset.fn(dataset_frame, TARGET, SplitConfig(test_size=0.5 / len(dataset_frame)))


def test_predict_batch_scores_categories_never_seen(dataset_split):
    """A text column's value the model never saw is scored, not refused."""
    features = dataset_split.features_train
    features = features.assign(colour=np.resize(["red", "blue"], len(features)))
    split = dataset_split.model_copy(update={"features_train": features})
    model = train_model.fn(split, build_preprocessor.fn(features), ModelParams(), 0)
    batch = dataset_split.features_test.head(5).assign(colour="never-seen")
    assert len(predict_batch(model, batch, "v1")["prediction"]) == len(batch)


def test_load_dataset_names_unreadable_data(monkeypatch):
    """Content the reader cannot parse, such as an empty file, is refused naming the source."""

    def unreadable(dataset: DatasetConfig) -> pd.DataFrame:
        raise ValueError("No columns to parse from file")

    monkeypatch.setattr(data_tasks, "read_dataset", unreadable)
    message = f"{DatasetConfig().describe()} could not be read: No columns to parse"
    with pytest.raises(DatasetError, match=re.escape(message)):
        load_dataset.fn(DatasetConfig())


def load_through_a_flow(monkeypatch, failures: int, data: pd.DataFrame) -> tuple[State, int]:
    """The final state of `load_dataset` run in a flow, with no pause between tries, on a source
    that fails `failures` times with a network error before answering; and the tries made."""
    tries = []

    def flaky_read(dataset: DatasetConfig) -> pd.DataFrame:
        tries.append(dataset)
        if len(tries) <= failures:
            raise ConnectionError("connection reset by peer")
        return data

    monkeypatch.setattr(data_tasks, "read_dataset", flaky_read)
    # Read even when an earlier test cached this source's frame.
    load = load_dataset.with_options(retry_delay_seconds=0, refresh_cache=True)
    states = []

    @flow(name="load-flaky-source")
    def load_once() -> None:
        states.append(load(DatasetConfig(), return_state=True))

    load_once(return_state=True)
    return states[0], len(tries)


def test_load_dataset_retries_a_flaky_source(monkeypatch, dataset_frame):
    """A source that fails twice with a network error, then answers, is read on the third try."""
    state, tries = load_through_a_flow(monkeypatch, failures=2, data=dataset_frame)
    assert state.is_completed()
    assert tries == 3


def test_load_dataset_names_a_source_that_stays_unreachable(monkeypatch, dataset_frame):
    """A source that keeps failing is given up on after three tries, with its name."""
    state, tries = load_through_a_flow(monkeypatch, failures=3, data=dataset_frame)
    assert state.is_failed()
    assert tries == 3
    message = f"{DatasetConfig().describe()} was unreachable after 3 tries"
    with pytest.raises(DatasetError, match=re.escape(message)):
        state.result()
