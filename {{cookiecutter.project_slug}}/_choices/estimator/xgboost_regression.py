"""Estimator: XGBoost gradient-boosted trees, a strong default for tabular data."""

from typing import Any

from pydantic import BaseModel, Field
from xgboost import XGBRegressor as Estimator


class ModelParams(BaseModel):
    """Hyperparameters of the XGBoost model."""

    n_estimators: int = Field(default=200, ge=1, description="Number of boosting rounds.")
    learning_rate: float = Field(default=0.1, gt=0, description="Shrinkage of each tree.")
    max_depth: int = Field(default=6, ge=1, description="Deepest a tree may grow.")


# A small grid around the defaults, for hyperparameter search.
SEARCH_SPACE: dict[str, list[Any]] = {
    "n_estimators": [100, 300],
    "learning_rate": [0.05, 0.1],
    "max_depth": [4, 6],
}

# The types inside the fitted estimator that the model registry loads beyond skops's defaults;
# a model file holding any other type is refused.
TRUSTED_TYPES: list[str] = ["xgboost.core.Booster"]


def build_estimator(params: ModelParams, random_state: int) -> Estimator:
    """Create an unfitted estimator from the hyperparameters."""
    return Estimator(**params.model_dump(), random_state=random_state)
