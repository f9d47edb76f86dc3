"""Classification metrics: accuracy ranks models, macro F1 shows how rare classes fare."""

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from sklearn.metrics import ConfusionMatrixDisplay, accuracy_score, f1_score

# Higher is better; scikit-learn's scorer of the same name drives the hyperparameter search.
PRIMARY_METRIC = "accuracy"
# Keep each class's share equal in the training and test sets.
STRATIFY = True


def target_problem(target: pd.Series) -> str | None:
    """Why these labels cannot be learned from, or None when they can."""
    if target.nunique() < 2:
        return (
            f"Target column {target.name!r} holds one class only ({target.head(1).item()!r}):"
            " a classifier needs at least two classes. Add rows of the other classes, or point"
            " the project at another column with --target-column."
        )
    return None


def compute_metrics(y_true: Sequence, y_pred: Sequence) -> dict[str, float]:
    """Score predictions against the true labels."""
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "f1_macro": float(f1_score(y_true, y_pred, average="macro")),
    }


def diagnostics_markdown(y_true: Sequence, y_pred: Sequence) -> str:
    """The confusion matrix as a Markdown table: rows are true classes, columns predictions."""
    # Paired by position: the held-out labels keep their rows' index, the predictions have none.
    matrix = pd.crosstab(
        pd.Series(np.asarray(y_true), name="true").astype(str),
        pd.Series(np.asarray(y_pred), name="predicted").astype(str),
    )
    header = "| true \\ predicted | " + " | ".join(matrix.columns) + " |"
    lines = [header, "|" + " --- |" * (len(matrix.columns) + 1)]
    lines += [
        f"| {label} | " + " | ".join(map(str, row)) + " |" for label, row in matrix.iterrows()
    ]
    return "### Confusion matrix\n\n" + "\n".join(lines)


def plot_diagnostics(y_true: Sequence, y_pred: Sequence, ax: Axes) -> None:
    """Draw the confusion matrix."""
    ConfusionMatrixDisplay.from_predictions(y_true, y_pred, ax=ax, colorbar=False)
    ax.set_title("Confusion matrix (held-out rows)")
