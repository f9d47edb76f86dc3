"""The training flow: data, an optional search, one fitted Pipeline, its scores, a new registry
version, the champion decision and the report."""

from prefect import flow

from {{ cookiecutter.package_name }}.config import (
    PROJECT_SLUG,
    TrainingConfig,
    timestamped,
)
from {{ cookiecutter.package_name }}.estimator import SEARCH_SPACE
from {{ cookiecutter.package_name }}.flows.preprocessing import data_preprocessing_flow
from {{ cookiecutter.package_name }}.flows.tuning import hyperparameter_tuning_flow
from {{ cookiecutter.package_name }}.tasks import (
    ModelVersion,
    SearchSummary,
    build_preprocessor,
    evaluate_model,
    promote_if_better,
    register_model,
    report_training,
    train_model,
)


class TrainingResult(ModelVersion):
    """The registered version and whether it became the champion."""

    champion: str
    promoted: bool


@flow(name=f"{PROJECT_SLUG}-training", flow_run_name=timestamped("train"))
def training_flow(config: TrainingConfig = TrainingConfig()) -> TrainingResult:
    """Train the model on the configured dataset, evaluate, register and maybe promote it."""
    split = data_preprocessing_flow(config.dataset, config.split)
    preprocessor = build_preprocessor(split.features_train)
    params = config.model
    search: SearchSummary | None = None
    if config.tune:
        search = hyperparameter_tuning_flow(
            split,
            preprocessor,
            config.model,
            SEARCH_SPACE,
            cv_folds=config.cv_folds,
            random_state=config.split.random_state,
        )
        params = config.model.model_copy(update=search.best_params)
    model = train_model(split, preprocessor, params, config.split.random_state)
    metrics = evaluate_model(model, split)
    metadata = {
        "params": params.model_dump(),
        "split": config.split.model_dump(),
        "dataset": {
            "source": config.dataset.describe(),
            "rows": split.rows,
            "fingerprint": split.fingerprint,
            "features": list(split.features_train.columns),
        },
    }
    version = register_model(model, metrics, metadata, config.models_dir)
    promotion = promote_if_better(version, split, config.models_dir)
    report_training(model, split, version, promotion, search, config.models_dir)
    return TrainingResult(
        **version.model_dump(), champion=promotion.champion, promoted=promotion.promoted
    )
