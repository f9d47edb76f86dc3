"""Command line: `python -m {{ cookiecutter.package_name }} train [--flags]`.

Every field of the training settings is a flag (`--test-size 0.3`), so the same project
trains on other data or hyperparameters without editing code.
"""

import argparse
import sys
from collections.abc import Sequence

from pydantic import BaseModel, ValidationError

from {{ cookiecutter.package_name }}.config import (
    SplitConfig,
    TrainingConfig,
)
from {{ cookiecutter.package_name }}.estimator import ModelParams
from {{ cookiecutter.package_name }}.source import DatasetConfig

SECTIONS: dict[str, type[BaseModel]] = {
    "dataset": DatasetConfig,
    "model": ModelParams,
    "split": SplitConfig,
}


def build_parser() -> argparse.ArgumentParser:
    """One sub-command per pipeline, one flag per settings field."""
    parser = argparse.ArgumentParser(prog=f"python -m {__package__}")
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="Train, evaluate and register a model version.")
    for section, settings in SECTIONS.items():
        group = train.add_argument_group(f"{section} options")
        for name, field in settings.model_fields.items():
            group.add_argument(
                f"--{name.replace('_', '-')}",
                dest=f"{section}.{name}",
                metavar=name.upper(),
                help=f"{field.description} Default: {field.default}.",
            )
    train.add_argument("--models-dir", help="Folder of the model registry. Default: models.")
    return parser


def config_from_args(args: argparse.Namespace) -> TrainingConfig:
    """Build the training settings from the flags given; the rest keep their defaults."""
    values: dict = {}
    for dest, value in vars(args).items():
        if value is None or dest == "command":
            continue
        section, _, name = dest.rpartition(".")
        (values.setdefault(section, {}) if section else values)[name] = value
    return TrainingConfig.model_validate(values)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen command and print its outcome."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = config_from_args(args)
    except ValidationError as error:
        parser.error(str(error))
    # Imported here so `--help` answers at once instead of after loading Prefect.
    from {{ cookiecutter.package_name }}.flows import training_flow
    from {{ cookiecutter.package_name }}.tasks import DatasetError

    try:
        result = training_flow(config)
    except DatasetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Registered model {result.version} in {result.path}")
    for name, value in result.metrics.items():
        print(f"{name:>10}  {value:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
