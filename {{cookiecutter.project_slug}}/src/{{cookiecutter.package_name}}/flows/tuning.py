"""The hyperparameter search subflow: every point of the grid, cross-validated in parallel on
the project's task runner."""

from typing import Any
from uuid import UUID

from prefect import flow, unmapped
from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.futures import as_completed
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import ParameterGrid

from {{ cookiecutter.package_name }}.config import PROJECT_SLUG
from {{ cookiecutter.package_name }}.estimator import ModelParams
from {{ cookiecutter.package_name }}.runner import build_task_runner
from {{ cookiecutter.package_name }}.tasks import (
    DatasetSplit,
    SearchSummary,
    score_candidate,
)


@flow(
    name=f"{PROJECT_SLUG}-hyperparameter-tuning",
    flow_run_name="search-grid",
    task_runner=build_task_runner(),
)
def hyperparameter_tuning_flow(
    split: DatasetSplit,
    preprocessor: ColumnTransformer,
    base: ModelParams,
    search_space: dict[str, list[Any]],
    cv_folds: int = 3,
    random_state: int = 42,
) -> SearchSummary:
    """Cross-validate each candidate as its own task and return the best."""
    candidates = list(ParameterGrid(search_space))
    progress = create_progress_artifact(
        0.0, key=f"{PROJECT_SLUG}-search-progress", description="Search candidates scored"
    )
    # In a sync flow Prefect creates the artifact at once: its id, never a coroutine.
    assert isinstance(progress, UUID)
    futures = score_candidate.map(
        unmapped(split),
        unmapped(preprocessor),
        unmapped(base),
        candidates,
        cv_folds=cv_folds,
        random_state=random_state,
    )
    for done, _ in enumerate(as_completed(futures), start=1):
        update_progress_artifact(progress, 100 * done / len(futures))
    scores = [future.result() for future in futures]
    best = max(range(len(candidates)), key=scores.__getitem__)
    return SearchSummary(
        best_params=candidates[best], best_score=scores[best], candidates=len(candidates)
    )
