"""Estimator: a support vector machine with an RBF kernel, strong on small, scaled data."""

from typing import Any

from pydantic import BaseModel, Field
from sklearn.svm import SV{{ cookiecutter.__estimator_kind[0] }} as Estimator


class ModelParams(BaseModel):
    """Hyperparameters of the support vector machine."""

    C: float = Field(default=1.0, gt=0, description="Inverse regularization strength.")
    gamma: float | str = Field(default="scale", description="RBF kernel width, or 'scale'.")


# A small grid around the defaults, for hyperparameter search.
SEARCH_SPACE: dict[str, list[Any]] = {"C": [0.1, 1.0, 10.0], "gamma": ["scale", 0.01]}

# The types inside the fitted estimator that the model registry loads beyond skops's defaults;
# a model file holding any other type is refused.
TRUSTED_TYPES: list[str] = []


def build_estimator(params: ModelParams, random_state: int) -> Estimator:
    """Create an unfitted estimator from the hyperparameters; the fit has no randomness."""
    return Estimator(**params.model_dump())
