"""Command line: `python -m {{ cookiecutter.package_name }} train | predict | serve`.

Every settings field is a flag (`--test-size 0.3`, `--input batch.csv`), so the same project
trains on other data or scores another batch without editing code.
"""

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from {{ cookiecutter.package_name }}.config import (
    InferenceConfig,
    TrainingConfig,
)

# Shorter flags for the fields people type most.
ALIASES = {"input_uri": "--input", "output_uri": "--output"}
# The settings of each command that takes any.
SETTINGS: dict[str, type[BaseModel]] = {"train": TrainingConfig, "predict": InferenceConfig}


def add_settings_flags(
    parser: argparse.ArgumentParser, settings: type[BaseModel], prefix: str = ""
) -> None:
    """One flag per field, nested models included (each in its own help group); the flag's dest
    is the field's dotted path."""
    flags_of = parser.add_argument_group(f"{prefix.rstrip('.')} options") if prefix else parser
    for name, field in settings.model_fields.items():
        nested = field.annotation
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            add_settings_flags(parser, nested, f"{prefix}{name}.")
            continue
        flags = [f"--{name.replace('_', '-')}"] + ([ALIASES[name]] if name in ALIASES else [])
        default = "required" if field.is_required() else f"default: {field.default}"
        flags_of.add_argument(
            *flags,
            dest=prefix + name,
            metavar=name.upper(),
            required=field.is_required(),
            help=f"{field.description} ({default})",
        )


def settings_from_args(settings: type[BaseModel], args: argparse.Namespace) -> BaseModel:
    """Build the settings from the flags given; the rest keep their defaults."""
    values: dict[str, Any] = {}
    for dest, value in vars(args).items():
        if value is None or dest == "command":
            continue
        *sections, name = dest.split(".")
        target = values
        for section in sections:
            target = target.setdefault(section, {})
        target[name] = value
    return settings.model_validate(values)


class BriefErrors(logging.Filter):
    """Logs the errors the command explains as one line each, without their traceback; the
    run's logs on the Prefect server keep it."""

    def __init__(self, *explained: type[Exception]) -> None:
        super().__init__()
        self.explained = explained

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], self.explained):
            record.exc_info = record.exc_text = None
        return True


def build_parser() -> argparse.ArgumentParser:
    """One sub-command per pipeline, one flag per settings field."""
    parser = argparse.ArgumentParser(prog=f"python -m {__package__}")
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="Train, evaluate and register a model version.")
    add_settings_flags(train, TrainingConfig)
    predict = commands.add_parser("predict", help="Score a batch file with the champion model.")
    add_settings_flags(predict, InferenceConfig)
    commands.add_parser("serve", help="Serve both flows (schedule and on-demand runs).")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen command and print its outcome."""
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = SETTINGS.get(args.command)
    try:
        config = settings_from_args(settings, args) if settings else None
    except ValidationError as error:
        parser.error(str(error))
    # Imported here so `--help` answers at once instead of after loading Prefect's flows.
    from {{ cookiecutter.package_name }} import flows
    from {{ cookiecutter.package_name }}.tasks import DatasetError, RegistryError

    for handler in logging.getLogger().handlers:
        handler.addFilter(BriefErrors(DatasetError, RegistryError))
    try:
        if isinstance(config, TrainingConfig):
            trained = flows.training_flow(config)
            status = (
                "champion" if trained.promoted else f"not promoted; champion: {trained.champion}"
            )
            print(f"Registered model {trained.version} in {trained.path} ({status})")
            for name, value in trained.metrics.items():
                print(f"{name:>10}  {value:.4f}")
        elif isinstance(config, InferenceConfig):
            scored = flows.batch_inference_flow(config)
            print(
                f"Wrote {scored.rows} predictions of model {scored.version} to {scored.output_uri}"
            )
        else:
            from prefect import serve
            from prefect.deployments.runner import RunnerDeployment

            from {{ cookiecutter.package_name }}.config import TRAINING_SCHEDULE

            serve(
                RunnerDeployment.from_flow(
                    flows.training_flow, "scheduled-training", cron=TRAINING_SCHEDULE
                ),
                RunnerDeployment.from_flow(flows.batch_inference_flow, "batch-inference"),
            )
    except (DatasetError, RegistryError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
