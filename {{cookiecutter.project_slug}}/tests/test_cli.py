"""The command line turns flags into settings and runs training."""

import pytest

from {{ cookiecutter.package_name }}.__main__ import (
    build_parser,
    config_from_args,
    main,
)
from {{ cookiecutter.package_name }}.config import TrainingConfig
from {{ cookiecutter.package_name }}.estimator import ModelParams
from {{ cookiecutter.package_name }}.metrics import PRIMARY_METRIC


def parse(*flags: str) -> TrainingConfig:
    return config_from_args(build_parser().parse_args(["train", *flags]))


def test_cli_defaults_are_the_project_settings():
    """Without flags, training uses the settings the project was made with."""
    assert parse() == TrainingConfig()


def test_cli_flags_override_split_and_registry():
    """Split and registry flags reach the settings with their types."""
    config = parse("--test-size", "0.3", "--random-state", "7", "--models-dir", "elsewhere")
    assert (config.split.test_size, config.split.random_state) == (0.3, 7)
    assert config.models_dir == "elsewhere"


def test_cli_refuses_invalid_value(capsys):
    """An out-of-range value stops with the field's name before anything runs."""
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--test-size", "1.5"])
    assert exit_info.value.code == 2
    assert "test_size" in capsys.readouterr().err


def test_cli_train_prints_metrics(tmp_path, capsys):
    """`train` runs the flow, registers a version and prints its metrics."""
    assert main(["train", "--models-dir", str(tmp_path)]) == 0
    output = capsys.readouterr().out
    assert "Registered model v1" in output
    assert PRIMARY_METRIC in output


def test_cli_flags_override_hyperparameters():
    """A hyperparameter flag reaches the model settings with the field's type."""
    name, default = next(iter(ModelParams().model_dump().items()))
    changed = type(default)(default * 2)
    config = parse(f"--{name.replace('_', '-')}", str(changed))
    assert getattr(config.model, name) == changed
