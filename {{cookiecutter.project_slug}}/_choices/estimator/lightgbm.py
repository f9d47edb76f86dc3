"""Estimator: LightGBM gradient-boosted trees, fast on large tabular data."""

from typing import Any

from lightgbm import LGBM{{ cookiecutter.__estimator_kind }} as Estimator
from pydantic import BaseModel, Field


class ModelParams(BaseModel):
    """Hyperparameters of the LightGBM model."""

    n_estimators: int = Field(default=200, ge=1, description="Number of boosting rounds.")
    learning_rate: float = Field(default=0.1, gt=0, description="Shrinkage of each tree.")
    num_leaves: int = Field(default=31, ge=2, description="Most leaves in one tree.")


# A small grid around the defaults, for hyperparameter search.
SEARCH_SPACE: dict[str, list[Any]] = {
    "n_estimators": [100, 300],
    "learning_rate": [0.05, 0.1],
    "num_leaves": [15, 31],
}

# The types inside the fitted estimator that the model registry loads beyond skops's defaults;
# a model file holding any other type is refused.
TRUSTED_TYPES: list[str] = ["collections.OrderedDict", "lightgbm.basic.Booster"]


def build_estimator(params: ModelParams, random_state: int) -> Estimator:
    """Create an unfitted estimator from the hyperparameters."""
    # verbose=-1 keeps LightGBM's per-fit chatter out of the Prefect logs.
    return Estimator(**params.model_dump(), random_state=random_state, verbose=-1)
