"""The data preprocessing subflow: raw source to a validated train/test split."""

from prefect import flow

from {{ cookiecutter.package_name }}.config import (
    PROJECT_SLUG,
    SplitConfig,
)
from {{ cookiecutter.package_name }}.source import DatasetConfig
from {{ cookiecutter.package_name }}.tasks import (
    DatasetSplit,
    data_version,
    load_dataset,
    split_dataset,
    validate_dataset,
)


@flow(name=f"{PROJECT_SLUG}-data-preprocessing", flow_run_name="prepare-data")
def data_preprocessing_flow(dataset: DatasetConfig, split: SplitConfig) -> DatasetSplit:
    """Load the dataset, check it can be learned from and split it."""
    # Taken before the read: a change made while reading gets a new version next run.
    version = data_version(dataset)
    frame = load_dataset(dataset)
    frame = validate_dataset(frame, dataset.target_column)
    return split_dataset(frame, dataset.target_column, split, version)
