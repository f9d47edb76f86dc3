"""Estimator: logistic regression, a fast and interpretable baseline."""

from typing import Any

from pydantic import BaseModel, Field
from sklearn.linear_model import LogisticRegression as Estimator


class ModelParams(BaseModel):
    """Hyperparameters of the logistic regression."""

    C: float = Field(default=1.0, gt=0, description="Inverse regularization strength.")
    max_iter: int = Field(default=1000, ge=1, description="Most solver iterations.")


# A small grid around the defaults, for hyperparameter search.
SEARCH_SPACE: dict[str, list[Any]] = {"C": [0.01, 0.1, 1.0, 10.0]}

# The types inside the fitted estimator that the model registry loads beyond skops's defaults;
# a model file holding any other type is refused.
TRUSTED_TYPES: list[str] = []


def build_estimator(params: ModelParams, random_state: int) -> Estimator:
    """Create an unfitted estimator from the hyperparameters."""
    return Estimator(**params.model_dump(), random_state=random_state)
