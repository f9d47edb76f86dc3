"""The command line turns flags into settings and runs the pipelines."""

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.__main__ import (
    build_parser,
    main,
    settings_from_args,
)
from {{ cookiecutter.package_name }}.config import (
    InferenceConfig,
    TrainingConfig,
)
from {{ cookiecutter.package_name }}.estimator import ModelParams
from {{ cookiecutter.package_name }}.flows import training
from {{ cookiecutter.package_name }}.metrics import PRIMARY_METRIC


def parse(*flags: str) -> TrainingConfig:
    """The training settings that `train` with these flags runs with."""
    config = settings_from_args(TrainingConfig, build_parser().parse_args(["train", *flags]))
    assert isinstance(config, TrainingConfig)
    return config


def test_cli_defaults_are_the_project_settings():
    """Without flags, training uses the settings the project was made with."""
    assert parse() == TrainingConfig()


def test_cli_flags_override_split_search_and_registry():
    """Split, search and registry flags reach the settings with their types."""
    config = parse("--test-size", "0.3", "--random-state", "7", "--tune", "false")
    assert (config.split.test_size, config.split.random_state, config.tune) == (0.3, 7, False)
    assert parse("--models-dir", "elsewhere").models_dir == "elsewhere"


def test_cli_flags_override_hyperparameters():
    """A hyperparameter flag reaches the model settings with the field's type."""
    name, default = next(iter(ModelParams().model_dump().items()))
    changed = type(default)(default * 2)
    config = parse(f"--{name.replace('_', '-')}", str(changed))
    assert getattr(config.model, name) == changed


def test_cli_refuses_invalid_value(capsys):
    """An out-of-range value stops with the field's name before anything runs."""
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--test-size", "1.5"])
    assert exit_info.value.code == 2
    assert "test_size" in capsys.readouterr().err


def test_cli_predict_needs_input_and_output(capsys):
    """`predict` without its input and output stops and names the missing flags."""
    with pytest.raises(SystemExit):
        main(["predict"])
    assert "--input-uri/--input" in capsys.readouterr().err


def test_cli_train_then_predict(tmp_path, capsys, dataset_frame, monkeypatch):
    """`train` (search included, on a two-point grid) registers a champion; `predict` scores a
    file with it."""
    name, default = next(iter(ModelParams().model_dump().items()))
    monkeypatch.setattr(training, "SEARCH_SPACE", {name: [default, type(default)(default * 2)]})
    models = str(tmp_path / "models")
    assert main(["train", "--models-dir", models, "--cv-folds", "2"]) == 0
    output = capsys.readouterr().out
    assert "Registered model v1" in output and "(champion)" in output
    assert PRIMARY_METRIC in output

    batch = tmp_path / "batch.csv"
    dataset_frame.head(10).to_csv(batch, index=False)
    flags = ["--input", str(batch), "--output", str(tmp_path / "scored.csv")]
    assert main(["predict", *flags, "--models-dir", models]) == 0
    assert "Wrote 10 predictions of model v1" in capsys.readouterr().out
    assert len(pd.read_csv(tmp_path / "scored.csv")) == 10


def test_cli_predict_without_a_model_says_train_first(tmp_path, capsys):
    """Scoring before any training stops with a message, not a traceback."""
    flags = ["--input", "x.csv", "--output", "y.csv", "--models-dir", str(tmp_path)]
    assert main(["predict", *flags]) == 1
    assert "train a model first" in capsys.readouterr().err


def test_inference_settings_need_addresses():
    """Batch inference has no default input or output."""
    assert InferenceConfig.model_fields["input_uri"].is_required()
