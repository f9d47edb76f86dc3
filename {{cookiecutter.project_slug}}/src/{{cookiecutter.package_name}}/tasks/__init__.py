"""Prefect tasks: the steps of the pipelines, each small enough to test on its own."""

from {{ cookiecutter.package_name }}.tasks.data import (
    DatasetError,
    DatasetSplit,
    load_dataset,
    split_dataset,
    validate_dataset,
)
from {{ cookiecutter.package_name }}.tasks.model import (
    build_preprocessor,
    evaluate_model,
    train_model,
)
from {{ cookiecutter.package_name }}.tasks.registry import (
    ModelVersion,
    register_model,
)

__all__ = [
    "DatasetError",
    "DatasetSplit",
    "ModelVersion",
    "build_preprocessor",
    "evaluate_model",
    "load_dataset",
    "register_model",
    "split_dataset",
    "train_model",
    "validate_dataset",
]
