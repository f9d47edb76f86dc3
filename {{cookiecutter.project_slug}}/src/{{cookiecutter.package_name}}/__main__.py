"""Command line: `python -m {{ cookiecutter.package_name }} train | predict | serve`.

Every settings field is a flag (`--test-size 0.3`, `--input batch.csv`), so the same project
trains on other data or scores another batch without editing code.
"""

import argparse
import sys
from collections.abc import Sequence

from pydantic import BaseModel, ValidationError

from {{ cookiecutter.package_name }}.config import (
    InferenceConfig,
    TrainingConfig,
)

# Shorter flags for the fields people type most.
ALIASES = {"input_uri": "--input", "output_uri": "--output"}


def add_settings_flags(parser: argparse.ArgumentParser, settings: type[BaseModel], prefix=""):
    """One flag per field, nested models included; the flag's dest is the field's dotted path."""
    for name, field in settings.model_fields.items():
        nested = field.annotation
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            add_settings_flags(parser.add_argument_group(f"{name} options"), nested, f"{name}.")
            continue
        flags = [f"--{name.replace('_', '-')}"] + ([ALIASES[name]] if name in ALIASES else [])
        default = "required" if field.is_required() else f"default: {field.default}"
        parser.add_argument(
            *flags,
            dest=prefix + name,
            metavar=name.upper(),
            required=field.is_required(),
            help=f"{field.description} ({default})",
        )


def settings_from_args(settings: type[BaseModel], args: argparse.Namespace) -> BaseModel:
    """Build the settings from the flags given; the rest keep their defaults."""
    values: dict = {}
    for dest, value in vars(args).items():
        if value is None or dest == "command":
            continue
        *sections, name = dest.split(".")
        target = values
        for section in sections:
            target = target.setdefault(section, {})
        target[name] = value
    return settings.model_validate(values)


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
    settings = {"train": TrainingConfig, "predict": InferenceConfig}.get(args.command)
    try:
        config = settings_from_args(settings, args) if settings else None
    except ValidationError as error:
        parser.error(str(error))
    # Imported here so `--help` answers at once instead of after loading Prefect's flows.
    from {{ cookiecutter.package_name }} import flows
    from {{ cookiecutter.package_name }}.tasks import DatasetError, RegistryError

    try:
        if args.command == "train":
            result = flows.training_flow(config)
            status = "champion" if result.promoted else f"not promoted; champion: {result.champion}"
            print(f"Registered model {result.version} in {result.path} ({status})")
            for name, value in result.metrics.items():
                print(f"{name:>10}  {value:.4f}")
        elif args.command == "predict":
            result = flows.batch_inference_flow(config)
            print(
                f"Wrote {result.rows} predictions of model {result.version} to {result.output_uri}"
            )
        else:
            from prefect import serve

            from {{ cookiecutter.package_name }}.config import TRAINING_SCHEDULE

            serve(
                flows.training_flow.to_deployment("scheduled-training", cron=TRAINING_SCHEDULE),
                flows.batch_inference_flow.to_deployment("batch-inference"),
            )
    except (DatasetError, RegistryError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
