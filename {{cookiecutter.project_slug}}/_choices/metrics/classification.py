"""Classification metrics: accuracy ranks models, macro F1 shows how rare classes fare."""

from collections.abc import Sequence

from sklearn.metrics import accuracy_score, f1_score

PRIMARY_METRIC = "accuracy"
# Keep each class's share equal in the training and test sets.
STRATIFY = True


def compute_metrics(y_true: Sequence, y_pred: Sequence) -> dict[str, float]:
    """Score predictions against the true labels."""
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "f1_macro": float(f1_score(y_true, y_pred, average="macro")),
    }
