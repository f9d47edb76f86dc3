"""Tasks that build, search, fit and score the model: one scikit-learn Pipeline from raw columns."""

from typing import Any

import pandas as pd
from prefect import get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.runtime import task_run
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.impute import SimpleImputer
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from {{ cookiecutter.package_name }}.config import PROJECT_SLUG
from {{ cookiecutter.package_name }}.estimator import (
    ModelParams,
    build_estimator,
)
from {{ cookiecutter.package_name }}.metrics import (
    PRIMARY_METRIC,
    STRATIFY,
    compute_metrics,
)
from {{ cookiecutter.package_name }}.tasks.data import DatasetSplit


@task
def build_preprocessor(features: pd.DataFrame) -> ColumnTransformer:
    """Impute and scale numeric columns, impute and one-hot encode the others."""
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(
        SimpleImputer(strategy="most_frequent"),
        # Rare and unseen categories share one column instead of growing the matrix or failing.
        OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5, sparse_output=False),
    )
    numeric_columns = make_column_selector(dtype_include="number")
    other_columns = make_column_selector(dtype_exclude="number")
    get_run_logger().info(
        "Preprocessing %d numeric and %d other columns",
        len(numeric_columns(features)),
        len(other_columns(features)),
    )
    return ColumnTransformer(
        [("numeric", numeric, numeric_columns), ("categorical", categorical, other_columns)]
    )


def make_model(preprocessor: ColumnTransformer, params: ModelParams, random_state: int) -> Pipeline:
    """Preprocessing and estimator as one unfitted pipeline."""
    return Pipeline(
        [("preprocess", preprocessor), ("estimator", build_estimator(params, random_state))]
    )


def candidate_name() -> str:
    """Run name of a search candidate, e.g. `cv-max_depth=10-n_estimators=100`."""
    candidate = task_run.parameters["candidate"]
    return "cv-" + "-".join(f"{key}={value}" for key, value in sorted(candidate.items()))


@task(task_run_name=candidate_name)
def score_candidate(
    split: DatasetSplit,
    preprocessor: ColumnTransformer,
    base: ModelParams,
    candidate: dict[str, Any],
    cv_folds: int,
    random_state: int,
) -> float:
    """Mean cross-validated primary metric of one point of the search grid."""
    model = make_model(preprocessor, base.model_copy(update=candidate), random_state)
    folds = (StratifiedKFold if STRATIFY else KFold)(
        n_splits=cv_folds, shuffle=True, random_state=random_state
    )
    # The candidates already run in parallel: one thread each avoids oversubscribing the cores
    # with the estimator's own OpenMP or BLAS threads.
    with threadpool_limits(limits=1):
        scores = cross_val_score(
            model, split.features_train, split.target_train, scoring=PRIMARY_METRIC, cv=folds
        )
    return float(scores.mean())


@task
def train_model(
    split: DatasetSplit, preprocessor: ColumnTransformer, params: ModelParams, random_state: int
) -> Pipeline:
    """Fit preprocessing and estimator together, so inference repeats exactly the same steps."""
    model = make_model(preprocessor, params, random_state)
    model.fit(split.features_train, split.target_train)
    get_run_logger().info("Fitted %s on %d rows", type(model[-1]).__name__, len(split.target_train))
    return model


@task
def evaluate_model(model: Pipeline, split: DatasetSplit) -> dict[str, float]:
    """Score the model on the held-out rows and publish the scores as a table artifact."""
    metrics = compute_metrics(split.target_test, model.predict(split.features_test))
    create_table_artifact(
        table=[{"metric": name, "value": round(value, 4)} for name, value in metrics.items()],
        key=f"{PROJECT_SLUG}-metrics",
        description=f"Held-out scores ({len(split.target_test)} rows); {PRIMARY_METRIC} ranks.",
    )
    get_run_logger().info("%s = %.4f", PRIMARY_METRIC, metrics[PRIMARY_METRIC])
    return metrics
