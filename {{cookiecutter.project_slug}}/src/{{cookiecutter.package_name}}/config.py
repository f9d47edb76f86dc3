"""Typed settings of a training run; the defaults are the answers given when the project was made.

Flow parameters and CLI flags override any field, so one project trains on other data or
hyperparameters without editing code.
"""

from pydantic import BaseModel, Field

from {{ cookiecutter.package_name }}.estimator import ModelParams
from {{ cookiecutter.package_name }}.source import DatasetConfig

PROJECT_SLUG = "{{ cookiecutter.project_slug }}"


class SplitConfig(BaseModel):
    """How rows are divided between training and evaluation."""

    test_size: float = Field(default=0.2, gt=0, lt=1, description="Share of rows held out.")
    random_state: int = Field(default=42, description="Seed of the split and the model.")


class TrainingConfig(BaseModel):
    """Everything a training run needs to know."""

    dataset: DatasetConfig = DatasetConfig()
    model: ModelParams = ModelParams()
    split: SplitConfig = SplitConfig()
    models_dir: str = Field(default="models", description="Folder of the model registry.")
