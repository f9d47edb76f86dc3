"""The training report: what a person reads after a run, in the Prefect UI and beside the model.

It is a Markdown artifact of the flow run, and `report.md` with PNG plots in the version's
folder of the registry.
"""

import io

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from prefect import task
from prefect.artifacts import create_markdown_artifact
from pydantic import BaseModel
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }}.config import PROJECT_SLUG
from {{ cookiecutter.package_name }}.metrics import (
    PRIMARY_METRIC,
    diagnostics_markdown,
    plot_diagnostics,
)
from {{ cookiecutter.package_name }}.tasks.data import DatasetSplit
from {{ cookiecutter.package_name }}.tasks.registry import (
    ModelVersion,
    Promotion,
    registry,
)


class SearchSummary(BaseModel):
    """What the hyperparameter search found."""

    best_params: dict
    best_score: float
    candidates: int


def feature_importances(model: Pipeline) -> pd.Series | None:
    """Importance of each preprocessed feature, largest first, where the estimator has one."""
    estimator = model[-1]
    if hasattr(estimator, "feature_importances_"):
        values = np.asarray(estimator.feature_importances_, dtype=float)
    elif hasattr(estimator, "coef_"):
        values = np.abs(np.atleast_2d(estimator.coef_)).mean(axis=0)
    else:
        return None
    names = model[:-1].get_feature_names_out()
    return pd.Series(values, index=names).sort_values(ascending=False)


def save_figure(figure: Figure, path: str, models_dir: str) -> None:
    """Write a figure as PNG into the registry, local or remote."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    fs, _ = registry(models_dir)
    fs.pipe_file(path, buffer.getvalue())


def markdown_table(rows: dict, header: tuple[str, str]) -> str:
    """A two-column Markdown table."""
    lines = [f"| {header[0]} | {header[1]} |", "| --- | --- |"]
    return "\n".join(lines + [f"| {key} | {value} |" for key, value in rows.items()])


@task
def report_training(
    model: Pipeline,
    split: DatasetSplit,
    version: ModelVersion,
    promotion: Promotion,
    search: SearchSummary | None,
    models_dir: str,
) -> str:
    """Write the report and its plots next to the version and publish it as an artifact."""
    _, root = registry(models_dir)
    folder = f"{root}/{version.version}"
    predictions = model.predict(split.features_test)

    figure = Figure(figsize=(6, 5))
    plot_diagnostics(split.target_test, predictions, figure.subplots())
    save_figure(figure, f"{folder}/diagnostics.png", models_dir)
    plots = ["diagnostics.png"]
    importances = feature_importances(model)
    if importances is not None:
        top = importances.head(15)[::-1]
        figure = Figure(figsize=(7, 0.35 * len(top) + 1.2))
        ax = figure.subplots()
        ax.barh(top.index, top.to_numpy())
        ax.set(title="Feature importances (top 15)", xlabel="importance")
        save_figure(figure, f"{folder}/feature_importances.png", models_dir)
        plots.append("feature_importances.png")

    previous = promotion.previous_champion or "none"
    champion_score = "-" if promotion.champion_score is None else f"{promotion.champion_score:.4f}"
    outcome = (
        f"**{version.version} is the new champion.**"
        if promotion.promoted
        else f"**{promotion.champion} stays champion**; {version.version} is kept, not promoted."
    )
    target = split.target_train
    distribution = (
        target.describe().round(3)
        if pd.api.types.is_numeric_dtype(target)
        else target.value_counts()
    )
    sections = [
        f"# {PROJECT_SLUG}: training report for {version.version}",
        f"## Dataset\n\n{split.rows} rows ({len(split.target_train)} for training, "
        f"{len(split.target_test)} held out), {split.features_train.shape[1]} feature columns, "
        f"fingerprint `{split.fingerprint}`.\n\n"
        + markdown_table(distribution.to_dict(), ("target (training rows)", "value")),
        f"## Champion vs challenger ({PRIMARY_METRIC}, same held-out rows)\n\n"
        + markdown_table(
            {
                f"challenger {version.version}": f"{promotion.challenger_score:.4f}",
                f"champion before ({previous})": champion_score,
            },
            ("model", PRIMARY_METRIC),
        )
        + f"\n\n{outcome}",
        "## Hyperparameters\n\n"
        + (
            f"Searched {search.candidates} candidates; best cross-validated {PRIMARY_METRIC} "
            f"{search.best_score:.4f} with:\n\n"
            + markdown_table(search.best_params, ("parameter", "value"))
            if search
            else "No search: the configured hyperparameters were used."
        ),
        "## Held-out metrics\n\n"
        + markdown_table({k: f"{v:.4f}" for k, v in version.metrics.items()}, ("metric", "value")),
        diagnostics_markdown(split.target_test, predictions),
        "## Plots\n\n" + "\n".join(f"- `{version.path}/{name}`" for name in plots),
    ]
    report = "\n\n".join(sections) + "\n"
    registry(models_dir)[0].pipe_file(f"{folder}/report.md", report.encode())
    create_markdown_artifact(
        report, key=f"{PROJECT_SLUG}-training-report", description=f"Training {version.version}"
    )
    return report
