"""Unit tests of each task, called through `.fn()` without a flow run."""

import json

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import SplitConfig
from {{ cookiecutter.package_name }}.estimator import ModelParams
from {{ cookiecutter.package_name }}.metrics import PRIMARY_METRIC
from {{ cookiecutter.package_name }}.source import DatasetConfig
from {{ cookiecutter.package_name }}.tasks import (
    DatasetError,
    build_preprocessor,
    register_model,
    split_dataset,
    train_model,
    validate_dataset,
)

pytestmark = pytest.mark.usefixtures("quiet_run_logger")
TARGET = DatasetConfig().target_column


def test_load_dataset_has_target_and_features(dataset_frame):
    """The loaded frame has rows, the target column and at least one feature."""
    assert len(dataset_frame) > 0
    assert TARGET in dataset_frame.columns
    assert dataset_frame.shape[1] >= 2


def test_validate_dataset_passes_good_frame(dataset_frame):
    """A complete dataset passes validation unchanged."""
    validated = validate_dataset.fn(dataset_frame, TARGET)
    pd.testing.assert_frame_equal(validated, dataset_frame)


def test_validate_dataset_names_missing_target(dataset_frame):
    """A missing target column is refused with the columns that are present."""
    frame = dataset_frame.drop(columns=[TARGET])
    with pytest.raises(DatasetError, match="missing; the columns present are") as error:
        validate_dataset.fn(frame, TARGET)
    assert str(frame.columns[0]) in str(error.value)


def test_validate_dataset_refuses_empty_frame(dataset_frame):
    """A frame without rows is refused before training."""
    with pytest.raises(DatasetError, match="no rows"):
        validate_dataset.fn(dataset_frame.head(0), TARGET)


def test_validate_dataset_drops_rows_without_label(dataset_frame):
    """Rows whose label is missing are dropped, the others kept."""
    frame = dataset_frame.copy()
    frame[TARGET] = frame[TARGET].astype(object)
    frame.loc[frame.index[:3], TARGET] = None
    assert len(validate_dataset.fn(frame, TARGET)) == len(frame) - 3


def test_split_dataset_holds_out_test_share(dataset_frame):
    """The split holds out the configured share of rows and keeps the target apart."""
    split = split_dataset.fn(dataset_frame, TARGET, SplitConfig(test_size=0.25))
    assert split.rows == len(dataset_frame)
    assert len(split.features_test) == pytest.approx(0.25 * len(dataset_frame), abs=1)
    assert TARGET not in split.features_train.columns


def test_train_model_handles_missing_and_categorical_values(dataset_split):
    """The pipeline imputes missing numbers and encodes text columns, seen or unseen."""
    features = dataset_split.features_train.copy()
    features.iloc[0, 0] = None
    features["colour"] = ["red", "blue"] * (len(features) // 2) + ["red"] * (len(features) % 2)
    split = type(dataset_split)(
        features,
        dataset_split.features_test.assign(colour="green"),
        dataset_split.target_train,
        dataset_split.target_test,
    )
    model = train_model.fn(split, build_preprocessor.fn(features), ModelParams(), 0)
    assert len(model.predict(split.features_test)) == len(split.features_test)


def test_register_model_writes_new_versions(tmp_path, dataset_split):
    """Each registration writes the next version with the model file and its metadata."""
    model = train_model.fn(
        dataset_split, build_preprocessor.fn(dataset_split.features_train), ModelParams(), 0
    )
    metrics = {PRIMARY_METRIC: 0.5}
    first = register_model.fn(model, metrics, {"params": {}}, str(tmp_path))
    second = register_model.fn(model, metrics, {"params": {}}, str(tmp_path))
    assert (first.version, second.version) == ("v1", "v2")
    metadata = json.loads((tmp_path / "v2" / "metadata.json").read_text())
    assert metadata["metrics"] == metrics
    assert (tmp_path / "v2" / "model.joblib").is_file()
