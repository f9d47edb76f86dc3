"""Estimator: a random forest, strong on tabular data with little tuning."""

from typing import Any

from pydantic import BaseModel, Field
from sklearn.ensemble import RandomForest{{ cookiecutter.__estimator_kind }} as Estimator


class ModelParams(BaseModel):
    """Hyperparameters of the random forest."""

    n_estimators: int = Field(default=200, ge=1, description="Number of trees.")
    max_depth: int | None = Field(default=None, ge=1, description="Deepest a tree may grow.")
    min_samples_leaf: int = Field(default=1, ge=1, description="Fewest samples in a leaf.")


# A small grid around the defaults, for hyperparameter search.
SEARCH_SPACE: dict[str, list[Any]] = {
    "n_estimators": [100, 200],
    "max_depth": [None, 8],
    "min_samples_leaf": [1, 4],
}

# The types inside the fitted estimator that the model registry loads beyond skops's defaults;
# a model file holding any other type is refused.
TRUSTED_TYPES: list[str] = ["sklearn.tree._tree.Tree"]


def build_estimator(params: ModelParams, random_state: int) -> Estimator:
    """Create an unfitted estimator from the hyperparameters."""
    return Estimator(**params.model_dump(), random_state=random_state)
