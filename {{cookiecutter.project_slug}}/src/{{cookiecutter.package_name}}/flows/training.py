"""The training flow: data, one fitted Pipeline, its scores and a new registry version."""

from prefect import flow

from {{ cookiecutter.package_name }}.config import (
    PROJECT_SLUG,
    TrainingConfig,
)
from {{ cookiecutter.package_name }}.flows.preprocessing import data_preprocessing_flow
from {{ cookiecutter.package_name }}.tasks import (
    ModelVersion,
    build_preprocessor,
    evaluate_model,
    register_model,
    train_model,
)


@flow(name=f"{PROJECT_SLUG}-training")
def training_flow(config: TrainingConfig = TrainingConfig()) -> ModelVersion:
    """Train the model on the configured dataset, evaluate it and register it."""
    split = data_preprocessing_flow(config.dataset, config.split)
    preprocessor = build_preprocessor(split.features_train)
    model = train_model(split, preprocessor, config.model, config.split.random_state)
    metrics = evaluate_model(model, split)
    metadata = {
        "params": config.model.model_dump(),
        "split": config.split.model_dump(),
        "dataset": {"source": config.dataset.describe(), "rows": split.rows},
    }
    return register_model(model, metrics, metadata, config.models_dir)
