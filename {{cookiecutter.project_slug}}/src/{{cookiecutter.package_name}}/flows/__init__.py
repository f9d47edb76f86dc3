"""Prefect flows: the pipelines that deployments schedule and the CLI runs."""

from {{ cookiecutter.package_name }}.flows.preprocessing import data_preprocessing_flow
from {{ cookiecutter.package_name }}.flows.training import training_flow

__all__ = ["data_preprocessing_flow", "training_flow"]
