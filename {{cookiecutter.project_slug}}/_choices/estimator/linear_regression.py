"""Estimator: ridge regression, a fast and interpretable baseline."""

from typing import Any

from pydantic import BaseModel, Field
from sklearn.linear_model import Ridge as Estimator


class ModelParams(BaseModel):
    """Hyperparameters of the ridge regression."""

    alpha: float = Field(default=1.0, ge=0, description="L2 regularization strength.")


# A small grid around the defaults, for hyperparameter search.
SEARCH_SPACE: dict[str, list[Any]] = {"alpha": [0.1, 1.0, 10.0, 100.0]}

# The types inside the fitted estimator that the model registry loads beyond skops's defaults;
# a model file holding any other type is refused.
TRUSTED_TYPES: list[str] = []


def build_estimator(params: ModelParams, random_state: int) -> Estimator:
    """Create an unfitted estimator from the hyperparameters."""
    return Estimator(**params.model_dump(), random_state=random_state)
