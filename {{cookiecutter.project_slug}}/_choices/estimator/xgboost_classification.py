"""Estimator: XGBoost gradient-boosted trees, a strong default for tabular data.

XGBoost only accepts labels 0..n-1, so the classifier encodes text labels itself and
predicts them back as text: the Pipeline takes the dataset's labels as they are.
"""

from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from pydantic import BaseModel, Field
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.preprocessing import LabelEncoder
from xgboost import XGBClassifier


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
TRUSTED_TYPES: list[str] = ["xgboost.core.Booster", "xgboost.sklearn.XGBClassifier"]


class Estimator(ClassifierMixin, BaseEstimator):
    """An XGBClassifier that takes and returns the dataset's own class labels."""

    def __init__(
        self,
        n_estimators: int = 200,
        learning_rate: float = 0.1,
        max_depth: int = 6,
        random_state: int | None = None,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.random_state = random_state

    def fit(self, features: ArrayLike, labels: ArrayLike) -> "Estimator":
        """Encode the labels as 0..n-1 and fit XGBoost on them."""
        self.encoder_ = LabelEncoder().fit(labels)
        self.classes_ = self.encoder_.classes_
        self.booster_ = XGBClassifier(**self.get_params()).fit(
            features, self.encoder_.transform(labels)
        )
        return self

    def predict(self, features: ArrayLike) -> np.ndarray:
        """Predict the dataset's class labels."""
        return self.encoder_.inverse_transform(self.booster_.predict(features))

    def predict_proba(self, features: ArrayLike) -> np.ndarray:
        """Predict each class's probability, columns in the order of `classes_`."""
        return self.booster_.predict_proba(features)


def build_estimator(params: ModelParams, random_state: int) -> Estimator:
    """Create an unfitted estimator from the hyperparameters."""
    return Estimator(**params.model_dump(), random_state=random_state)
