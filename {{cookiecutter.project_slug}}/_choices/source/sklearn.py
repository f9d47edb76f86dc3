"""Dataset source: a dataset bundled with scikit-learn, so training needs no download."""

from typing import Literal

import pandas as pd
import sklearn
from pydantic import BaseModel, Field
from sklearn import datasets

TARGET_COLUMN = "target"


class DatasetConfig(BaseModel):
    """Which bundled dataset to train on."""

    dataset_name: Literal["iris", "wine", "breast_cancer", "digits", "diabetes"] = Field(
        default="{{ cookiecutter.dataset_name }}",
        description="Dataset bundled with scikit-learn.",
    )

    @property
    def target_column(self) -> str:
        """Name of the label column in the loaded frame."""
        return TARGET_COLUMN

    def describe(self) -> str:
        """Short human description of where the data comes from."""
        return f"scikit-learn's {self.dataset_name} dataset"


def fingerprint(config: DatasetConfig) -> str | None:
    """What identifies the data's content: the bundled datasets change only with scikit-learn."""
    return f"{config.dataset_name}-{sklearn.__version__}"


def read_dataset(config: DatasetConfig) -> pd.DataFrame:
    """Load the dataset as one frame whose label column is `target`."""
    bunch = getattr(datasets, f"load_{config.dataset_name}")(as_frame=True)
    frame = bunch.frame
    # Class labels read better as names ("setosa") than as codes (0) in reports and predictions.
    if "target_names" in bunch:
        frame[TARGET_COLUMN] = bunch.target_names[bunch.target].astype(str)
    return frame
