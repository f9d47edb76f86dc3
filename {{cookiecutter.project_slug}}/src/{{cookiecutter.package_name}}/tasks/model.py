"""Tasks that build, fit and score the model: one scikit-learn Pipeline from raw columns."""

import pandas as pd
from prefect import get_run_logger, task
from prefect.artifacts import create_table_artifact
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from {{ cookiecutter.package_name }}.config import PROJECT_SLUG
from {{ cookiecutter.package_name }}.estimator import (
    ModelParams,
    build_estimator,
)
from {{ cookiecutter.package_name }}.metrics import (
    PRIMARY_METRIC,
    compute_metrics,
)
from {{ cookiecutter.package_name }}.tasks.data import DatasetSplit


@task
def build_preprocessor(features: pd.DataFrame) -> ColumnTransformer:
    """Impute and scale numeric columns, impute and one-hot encode the others."""
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(
        SimpleImputer(strategy="most_frequent"),
        # Categories first seen at inference time become all-zero rows instead of errors.
        OneHotEncoder(handle_unknown="ignore"),
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


@task
def train_model(
    split: DatasetSplit, preprocessor: ColumnTransformer, params: ModelParams, random_state: int
) -> Pipeline:
    """Fit preprocessing and estimator together, so inference repeats exactly the same steps."""
    model = Pipeline(
        [("preprocess", preprocessor), ("estimator", build_estimator(params, random_state))]
    )
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
