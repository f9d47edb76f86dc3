"""Prefect flows: the pipelines that deployments schedule and the CLI runs."""

from {{ cookiecutter.package_name }}.flows.inference import batch_inference_flow
from {{ cookiecutter.package_name }}.flows.preprocessing import data_preprocessing_flow
from {{ cookiecutter.package_name }}.flows.training import training_flow
from {{ cookiecutter.package_name }}.flows.tuning import hyperparameter_tuning_flow

__all__ = [
    "batch_inference_flow",
    "data_preprocessing_flow",
    "hyperparameter_tuning_flow",
    "training_flow",
]
