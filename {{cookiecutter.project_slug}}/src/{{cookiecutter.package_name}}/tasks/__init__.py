"""Prefect tasks: the steps of the pipelines, each small enough to test on its own."""

from {{ cookiecutter.package_name }}.tasks.data import (
    DatasetError,
    DatasetSplit,
    data_version,
    load_dataset,
    split_dataset,
    validate_dataset,
)
from {{ cookiecutter.package_name }}.tasks.inference import (
    load_champion,
    predict_batch,
    score_batch,
)
from {{ cookiecutter.package_name }}.tasks.model import (
    build_preprocessor,
    evaluate_model,
    score_candidate,
    train_model,
)
from {{ cookiecutter.package_name }}.tasks.registry import (
    ModelVersion,
    Promotion,
    RegistryError,
    promote_if_better,
    register_model,
)
from {{ cookiecutter.package_name }}.tasks.report import (
    SearchSummary,
    report_training,
)

__all__ = [
    "DatasetError",
    "DatasetSplit",
    "ModelVersion",
    "Promotion",
    "RegistryError",
    "SearchSummary",
    "build_preprocessor",
    "data_version",
    "evaluate_model",
    "load_champion",
    "load_dataset",
    "predict_batch",
    "promote_if_better",
    "register_model",
    "report_training",
    "score_batch",
    "score_candidate",
    "split_dataset",
    "train_model",
    "validate_dataset",
]
