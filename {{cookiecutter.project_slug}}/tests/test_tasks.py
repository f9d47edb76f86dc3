"""Unit tests of each task, called through `.fn()` without a flow run."""

import hashlib
import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest
import skops.io
from prefect.logging import disable_run_logger
from sklearn.model_selection import ParameterGrid
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from {{ cookiecutter.package_name }}.config import SplitConfig
from {{ cookiecutter.package_name }}.estimator import (
    SEARCH_SPACE,
    ModelParams,
)
from {{ cookiecutter.package_name }}.metrics import (
    PRIMARY_METRIC,
    diagnostics_markdown,
)
from {{ cookiecutter.package_name }}.source import DatasetConfig
from {{ cookiecutter.package_name }}.tasks import (
    DatasetError,
    ModelVersion,
    RegistryError,
    build_preprocessor,
    predict_batch,
    promote_if_better,
    register_model,
    score_batch,
    split_dataset,
    train_model,
    validate_dataset,
)
from {{ cookiecutter.package_name }}.tasks.inference import numeric_columns
from {{ cookiecutter.package_name }}.tasks.registry import (
    load_model,
    read_champion,
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
    split = dataset_split.model_copy(
        update={
            "features_train": features,
            "features_test": dataset_split.features_test.assign(colour="green"),
        }
    )
    model = train_model.fn(split, build_preprocessor.fn(features), ModelParams(), 0)
    assert len(model.predict(split.features_test)) == len(split.features_test)


@pytest.fixture(scope="module")
def fitted(dataset_split):
    """A model fitted on the default split, with the run logger quiet."""
    with disable_run_logger():
        preprocessor = build_preprocessor.fn(dataset_split.features_train)
        return train_model.fn(dataset_split, preprocessor, ModelParams(), 0)


def test_register_model_writes_new_versions(tmp_path, fitted):
    """Each registration writes the next version with the model file and its metadata."""
    metrics = {PRIMARY_METRIC: 0.5}
    first = register_model.fn(fitted, metrics, {"params": {}}, str(tmp_path))
    second = register_model.fn(fitted, metrics, {"params": {}}, str(tmp_path))
    assert (first.version, second.version) == ("v1", "v2")
    metadata = json.loads((tmp_path / "v2" / "metadata.json").read_text())
    assert metadata["metrics"] == metrics
    assert (tmp_path / "v2" / "model.skops").is_file()


def register(fitted, models_dir: Path | str, score: float) -> ModelVersion:
    """Register the fitted model as if it had scored `score`."""
    return register_model.fn(fitted, {PRIMARY_METRIC: score}, {}, str(models_dir))


def test_promote_first_version_becomes_champion(tmp_path, fitted, dataset_split):
    """With no champion yet, the first version is promoted."""
    promotion = promote_if_better.fn(register(fitted, tmp_path, 0.1), dataset_split, str(tmp_path))
    assert (promotion.promoted, promotion.champion) == (True, "v1")
    assert read_champion(str(tmp_path)) == "v1"


def test_promote_keeps_champion_against_worse_challenger(tmp_path, fitted, dataset_split):
    """A challenger scoring below the champion on the same rows is registered, not promoted."""
    promote_if_better.fn(register(fitted, tmp_path, 0.5), dataset_split, str(tmp_path))
    worse = register(fitted, tmp_path, -1.0)
    promotion = promote_if_better.fn(worse, dataset_split, str(tmp_path))
    assert (promotion.promoted, promotion.champion) == (False, "v1")
    assert read_champion(str(tmp_path)) == "v1"


def test_promote_replaces_champion_with_better_challenger(tmp_path, fitted, dataset_split):
    """A challenger scoring above the champion on the same rows becomes champion."""
    promote_if_better.fn(register(fitted, tmp_path, 0.5), dataset_split, str(tmp_path))
    better = register(fitted, tmp_path, 2.0)
    promotion = promote_if_better.fn(better, dataset_split, str(tmp_path))
    assert (promotion.promoted, promotion.champion, promotion.previous_champion) == (
        True,
        "v2",
        "v1",
    )
    assert read_champion(str(tmp_path)) == "v2"


def test_predict_batch_adds_predictions_and_version(fitted, dataset_split):
    """Each row gets a prediction and the model version; extra columns are kept, not used."""
    plain = predict_batch(fitted, dataset_split.features_test, "v7")
    batch = dataset_split.features_test.assign(note="kept")
    scored = predict_batch(fitted, batch, "v7")
    assert len(scored) == len(batch)
    assert {"prediction", "model_version", "note"} <= set(scored.columns)
    assert set(scored["model_version"]) == {"v7"}
    assert (scored["note"] == "kept").all()
    assert scored["prediction"].equals(plain["prediction"])


def test_predict_batch_names_a_numeric_column_holding_text(fitted, dataset_split):
    """Text in a column the model was trained on as numbers is refused, naming the column."""
    column = numeric_columns(fitted)[0]
    batch = dataset_split.features_test.astype({column: object})
    batch.iloc[1, batch.columns.get_loc(column)] = "not a number"
    with pytest.raises(DatasetError, match=re.escape(f"Column {column!r} holds text")):
        predict_batch(fitted, batch, "v1")


def test_predict_batch_names_missing_columns(fitted, dataset_split):
    """A batch without a column the model was trained on is refused, naming the column."""
    column = dataset_split.features_test.columns[0]
    with pytest.raises(DatasetError, match=re.escape(f"trained on: {column}")):
        predict_batch(fitted, dataset_split.features_test.drop(columns=[column]), "v1")


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_score_batch_in_chunks_matches_one_pass(fitted, dataset_frame, tmp_path, suffix):
    """Scoring 40 rows at a time writes the same file, row for row, as one pass."""
    if suffix == "parquet":
        # Parquet files need pyarrow, a dependency of Parquet projects only.
        pytest.importorskip("pyarrow")
    source, output = tmp_path / f"batch.{suffix}", tmp_path / "out" / f"predictions.{suffix}"
    one_pass = tmp_path / f"one-pass.{suffix}"
    write = "to_csv" if suffix == "csv" else "to_parquet"
    getattr(dataset_frame, write)(source, index=False)
    rows = score_batch.fn(fitted, "v1", str(source), str(output), chunk_rows=40)
    read = pd.read_csv if suffix == "csv" else pd.read_parquet
    getattr(predict_batch(fitted, read(source), "v1"), write)(one_pass, index=False)
    assert rows == len(dataset_frame) == len(read(output))
    pd.testing.assert_frame_equal(read(output), read(one_pass))


def test_score_batch_leaves_no_partial_output_when_a_chunk_fails(fitted, dataset_frame, tmp_path):
    """A chunk that cannot be scored stops the run and leaves the output as it was."""
    batch = dataset_frame.astype({numeric_columns(fitted)[0]: object})
    batch.iloc[-1, batch.columns.get_loc(numeric_columns(fitted)[0])] = "not a number"
    source, output = tmp_path / "batch.csv", tmp_path / "predictions.csv"
    batch.to_csv(source, index=False)
    output.write_text("earlier predictions\n")
    with pytest.raises(DatasetError, match="holds text"):
        score_batch.fn(fitted, "v1", str(source), str(output), chunk_rows=40)
    assert output.read_text() == "earlier predictions\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["batch.csv", "predictions.csv"]


def test_registry_round_trip_gives_the_same_predictions(tmp_path, fitted, dataset_split):
    """A registered model loads back, with its file's checksum recorded, and predicts the same."""
    register(fitted, tmp_path, 0.5)
    metadata = json.loads((tmp_path / "v1" / "metadata.json").read_text())
    model_file = (tmp_path / "v1" / "model.skops").read_bytes()
    assert metadata["model_sha256"] == hashlib.sha256(model_file).hexdigest()
    loaded = load_model(str(tmp_path), "v1")
    features = dataset_split.features_test
    assert (loaded.predict(features) == fitted.predict(features)).all()


def test_registry_refuses_a_changed_model_file(tmp_path, fitted):
    """A model file whose bytes changed after registration is refused, not loaded."""
    register(fitted, tmp_path, 0.5)
    path = tmp_path / "v1" / "model.skops"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(RegistryError, match="model file changed since it was registered"):
        load_model(str(tmp_path), "v1")


def test_registry_refuses_a_model_file_with_untrusted_types(tmp_path, fitted):
    """A model file holding a type outside the project's pipeline is refused, naming the type,
    even with a matching checksum; registering such a model is refused too."""
    hostile = Pipeline([("run", FunctionTransformer(os.system)), ("estimator", fitted[-1])])
    with pytest.raises(RegistryError, match=r"refuse to load: \w+\.system"):
        register(hostile, tmp_path, 0.5)
    assert not (tmp_path / "v1").exists()
    register(fitted, tmp_path, 0.5)
    model_file = skops.io.dumps(hostile)
    (tmp_path / "v1" / "model.skops").write_bytes(model_file)
    metadata_path = tmp_path / "v1" / "metadata.json"
    metadata = json.loads(metadata_path.read_text())
    metadata["model_sha256"] = hashlib.sha256(model_file).hexdigest()
    metadata_path.write_text(json.dumps(metadata))
    with pytest.raises(RegistryError, match=r"does not trust: \w+\.system"):
        load_model(str(tmp_path), "v1")


def test_registry_refuses_an_incomplete_version(tmp_path, fitted):
    """A version folder without metadata (its run stopped while registering) is never loaded,
    and the next registration takes the following number."""
    register(fitted, tmp_path, 0.5)
    (tmp_path / "v2").mkdir()
    with pytest.raises(RegistryError, match="'v2' .* is incomplete"):
        load_model(str(tmp_path), "v2")
    assert register(fitted, tmp_path, 0.5).version == "v3"


def test_registry_works_at_an_fsspec_url(fitted, dataset_split):
    """A registry at a URL (here fsspec's in-memory filesystem) registers and promotes."""
    models_dir = "memory://registry-test/models"
    version = register(fitted, models_dir, 0.5)
    promotion = promote_if_better.fn(version, dataset_split, models_dir)
    assert (version.version, promotion.champion) == ("v1", "v1")
    assert read_champion(models_dir) == "v1"
    assert len(load_model(models_dir, "v1").predict(dataset_split.features_test)) > 0


def test_diagnostics_pair_each_row_with_its_own_prediction(dataset_split):
    """The report's diagnostics match labels and predictions by position, not by the rows'
    index, which the split shuffles."""
    truth = dataset_split.target_test
    assert not truth.index.equals(pd.RangeIndex(len(truth)))
    by_position = diagnostics_markdown(truth.reset_index(drop=True), truth.to_numpy())
    assert diagnostics_markdown(truth, truth.to_numpy()) == by_position


def test_search_space_points_are_valid_hyperparameters():
    """Every point of the estimator's search grid is a valid set of hyperparameters."""
    for candidate in ParameterGrid(SEARCH_SPACE):
        assert ModelParams(**candidate).model_dump().items() >= candidate.items()
