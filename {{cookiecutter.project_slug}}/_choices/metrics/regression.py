"""Regression metrics: R² ranks models, RMSE and MAE give the error in the target's units."""

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error

# Higher is better; scikit-learn's scorer of the same name drives the hyperparameter search.
PRIMARY_METRIC = "r2"
# A continuous target has no classes to keep in proportion.
STRATIFY = False


def target_problem(target: pd.Series) -> str | None:
    """Why these values cannot be learned from, or None when they can."""
    numbers = pd.to_numeric(target, errors="coerce")
    if numbers.isna().any():
        text = target[numbers.isna()].head(1).item()
        return (
            f"Target column {target.name!r} holds values that are not numbers, such as"
            f" {text!r}: a regressor needs numbers. Fix or drop those rows, or choose a numeric"
            " column with --target-column."
        )
    if numbers.nunique() < 2:
        return (
            f"Target column {target.name!r} is constant ({target.head(1).item()!r} in every"
            " row): there is nothing to learn. Train on data where it varies, or choose another"
            " column with --target-column."
        )
    return None


def compute_metrics(y_true: Sequence, y_pred: Sequence) -> dict[str, float]:
    """Score predictions against the true values."""
    return {
        "r2": float(r2_score(y_true, y_pred)),
        "rmse": float(root_mean_squared_error(y_true, y_pred)),
        "mae": float(mean_absolute_error(y_true, y_pred)),
    }


def diagnostics_markdown(y_true: Sequence, y_pred: Sequence) -> str:
    """A summary of the residuals (true minus predicted) as a Markdown table."""
    residuals = np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)
    quantiles = np.percentile(residuals, [5, 25, 50, 75, 95])
    rows = [("mean", residuals.mean()), ("std", residuals.std())]
    rows += [(f"p{q}", value) for q, value in zip((5, 25, 50, 75, 95), quantiles, strict=True)]
    table = "\n".join(f"| {name} | {value:.4g} |" for name, value in rows)
    return "### Residuals (true - predicted)\n\n| statistic | value |\n| --- | --- |\n" + table


def plot_diagnostics(y_true: Sequence, y_pred: Sequence, ax: Axes) -> None:
    """Draw residuals against predictions; a good model leaves a shapeless band around zero."""
    predicted = np.asarray(y_pred, dtype=float)
    ax.scatter(predicted, np.asarray(y_true, dtype=float) - predicted, s=8, alpha=0.6)
    ax.axhline(0, color="grey", linewidth=1)
    ax.set(xlabel="predicted", ylabel="true - predicted", title="Residuals (held-out rows)")
