"""Regression metrics: R² ranks models, RMSE and MAE give the error in the target's units."""

from collections.abc import Sequence

from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error

PRIMARY_METRIC = "r2"
# A continuous target has no classes to keep in proportion.
STRATIFY = False


def compute_metrics(y_true: Sequence, y_pred: Sequence) -> dict[str, float]:
    """Score predictions against the true values."""
    return {
        "r2": float(r2_score(y_true, y_pred)),
        "rmse": float(root_mean_squared_error(y_true, y_pred)),
        "mae": float(mean_absolute_error(y_true, y_pred)),
    }
