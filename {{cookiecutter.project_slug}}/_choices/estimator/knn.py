"""Estimator: k nearest neighbours, a simple baseline on scaled numeric features."""

from typing import Any, Literal

from pydantic import BaseModel, Field
from sklearn.neighbors import KNeighbors{{ cookiecutter.__estimator_kind }} as Estimator


class ModelParams(BaseModel):
    """Hyperparameters of the nearest-neighbours model."""

    n_neighbors: int = Field(default=5, ge=1, description="Neighbours that vote.")
    weights: Literal["uniform", "distance"] = Field(
        default="uniform", description="Whether closer neighbours count more."
    )


# A small grid around the defaults, for hyperparameter search.
SEARCH_SPACE: dict[str, list[Any]] = {
    "n_neighbors": [3, 5, 11, 21],
    "weights": ["uniform", "distance"],
}

# The types inside the fitted estimator that the model registry loads beyond skops's defaults;
# a model file holding any other type is refused.
TRUSTED_TYPES: list[str] = [
    "sklearn.metrics._dist_metrics.EuclideanDistance64",
    "sklearn.neighbors._ball_tree.BallTree",
    "sklearn.neighbors._kd_tree.KDTree",
]


def build_estimator(params: ModelParams, random_state: int) -> Estimator:
    """Create an unfitted estimator from the hyperparameters; the fit has no randomness."""
    return Estimator(**params.model_dump())
