"""Estimator: histogram gradient boosting, fast and accurate on mid-sized tabular data."""

from typing import Any

from pydantic import BaseModel, Field
from sklearn.ensemble import HistGradientBoosting{{ cookiecutter.__estimator_kind }} as Estimator


class ModelParams(BaseModel):
    """Hyperparameters of the gradient-boosted trees."""

    learning_rate: float = Field(default=0.1, gt=0, description="Shrinkage of each tree.")
    max_iter: int = Field(default=100, ge=1, description="Number of boosting rounds.")
    max_leaf_nodes: int = Field(default=31, ge=2, description="Most leaves in one tree.")


# A small grid around the defaults, for hyperparameter search.
SEARCH_SPACE: dict[str, list[Any]] = {
    "learning_rate": [0.05, 0.1],
    "max_iter": [100, 200],
    "max_leaf_nodes": [15, 31],
}

# The types inside the fitted estimator that the model registry loads beyond skops's defaults;
# a model file holding any other type is refused.
TRUSTED_TYPES: list[str] = ["sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"]


def build_estimator(params: ModelParams, random_state: int) -> Estimator:
    """Create an unfitted estimator from the hyperparameters."""
    return Estimator(**params.model_dump(), random_state=random_state)
