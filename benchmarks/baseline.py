"""The plain scikit-learn equivalent of a baked project's `train`: same work, no Prefect.

It reads the same data, validates and splits it the same way, searches the same grid with the
same folds and seed (one thread per core, one BLAS/OpenMP thread per fit, as the bake's thread
runner does), refits, scores, and writes the same registry files: `vN/model.skops`,
`vN/metadata.json`, `vN/report.md`, the PNG plots and `champion.json`. It imports only the
baked package's plain modules (`estimator`, `metrics`), and fails if Prefect gets imported.

    python benchmarks/baseline.py --package iris_classifier --source sklearn --dataset-name iris
"""

import argparse
import hashlib
import importlib
import io
import json
import os
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import fsspec
import joblib
import numpy as np
import pandas as pd
import skops.io
from matplotlib.figure import Figure
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.impute import SimpleImputer
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

SKLEARN_TARGET = "target"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The bake's answers and settings; the defaults are the baked config.py's."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", required=True, help="The baked package's import name.")
    parser.add_argument("--source", choices=["sklearn", "csv", "parquet"], required=True)
    parser.add_argument("--dataset-name", default="iris")
    parser.add_argument("--dataset-uri")
    parser.add_argument("--target-column", default=SKLEARN_TARGET)
    parser.add_argument("--tune", choices=["true", "false"], default="true")
    parser.add_argument("--test-size", type=float, default=0.2)
    parser.add_argument("--random-state", type=int, default=42)
    parser.add_argument("--cv-folds", type=int, default=3)
    parser.add_argument("--models-dir", default="models")
    parser.add_argument("--frame-bytes-out", type=Path, help="Write the frame's size here.")
    return parser.parse_args(argv)


def read_dataset(args: argparse.Namespace) -> pd.DataFrame:
    """Read the data as the baked source.py does."""
    if args.source == "sklearn":
        # Imported here: only the sklearn source needs it, as only that bake imports it.
        from sklearn import datasets

        bunch = getattr(datasets, f"load_{args.dataset_name}")(as_frame=True)
        frame = bunch.frame
        if "target_names" in bunch:
            frame[SKLEARN_TARGET] = bunch.target_names[bunch.target].astype(str)
        return frame
    reader = pd.read_parquet if args.source == "parquet" else pd.read_csv
    with fsspec.open(args.dataset_uri, "rb") as file:
        return reader(file)


def describe(args: argparse.Namespace) -> str:
    """Where the data comes from, worded as the baked source.py words it."""
    if args.source == "sklearn":
        return f"scikit-learn's {args.dataset_name} dataset"
    return args.dataset_uri


def validate(frame: pd.DataFrame, target: str) -> pd.DataFrame:
    """The baked validate_dataset's checks, and its drop of unlabelled rows."""
    if frame.empty or target not in frame.columns or frame.shape[1] < 2:
        raise SystemExit(f"The dataset cannot be trained on (target {target!r}).")
    labelled = frame.dropna(subset=[target])
    if labelled.empty:
        raise SystemExit(f"Target column {target!r} has no values.")
    return labelled


def frame_fingerprint(frame: pd.DataFrame) -> str:
    """The baked frame_fingerprint: a hash of the columns and values."""
    digest = hashlib.sha256(",".join(map(str, frame.columns)).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()[:16]


def build_preprocessor() -> ColumnTransformer:
    """The baked build_preprocessor's ColumnTransformer."""
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(
        SimpleImputer(strategy="most_frequent"),
        OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5, sparse_output=False),
    )
    return ColumnTransformer(
        [
            ("numeric", numeric, make_column_selector(dtype_include="number")),
            ("categorical", categorical, make_column_selector(dtype_exclude="number")),
        ]
    )


def make_model(estimator: ModuleType, params, random_state: int) -> Pipeline:
    """Preprocessing and estimator as one unfitted pipeline."""
    return Pipeline(
        [
            ("preprocess", build_preprocessor()),
            ("estimator", estimator.build_estimator(params, random_state)),
        ]
    )


def search(estimator, metrics, params, features, target, args) -> tuple[dict, float, int]:
    """Cross-validate every grid point; return the best point (first on ties), its score and
    the number of points."""
    folds = (KFold, StratifiedKFold)[metrics.STRATIFY](
        n_splits=args.cv_folds, shuffle=True, random_state=args.random_state
    )
    grid = {f"estimator__{name}": values for name, values in estimator.SEARCH_SPACE.items()}
    cores = os.cpu_count()
    searcher = GridSearchCV(
        make_model(estimator, params, args.random_state),
        grid,
        scoring=metrics.PRIMARY_METRIC,
        cv=folds,
        n_jobs=cores,
        refit=False,
    )
    with joblib.parallel_backend("threading", n_jobs=cores), threadpool_limits(limits=1):
        searcher.fit(features, target)
    scores = searcher.cv_results_["mean_test_score"]
    best = int(np.argmax(scores))
    point = {
        k.removeprefix("estimator__"): v for k, v in searcher.cv_results_["params"][best].items()
    }
    return point, float(scores[best]), len(scores)


def write_json_atomically(path: Path, record: dict) -> None:
    """Write JSON beside `path`, then move it into place in one step."""
    partial = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp")
    partial.write_text(json.dumps(record, indent=2, default=str) + "\n")
    partial.replace(path)


def claim_version(root: Path) -> str:
    """Create the next free version folder, as the baked registry does."""
    root.mkdir(parents=True, exist_ok=True)
    names = [p.name for p in root.iterdir()]
    number = max((int(n[1:]) for n in names if n[:1] == "v" and n[1:].isdigit()), default=0)
    while True:
        number += 1
        try:
            (root / f"v{number}").mkdir()
            return f"v{number}"
        except FileExistsError:
            continue


def promote(root: Path, version: str, score: float, primary: str, score_champion) -> tuple:
    """Make `version` champion if it beats the current one; return (champion, previous, its
    score)."""
    pointer = root / "champion.json"
    current = json.loads(pointer.read_text())["version"] if pointer.exists() else None
    champion_score = None
    if current is not None and (root / current / "metadata.json").exists():
        path = root / current / "model.skops"
        trusted = skops.io.get_untrusted_types(file=path)
        champion_score = score_champion(skops.io.load(path, trusted=trusted))
    if champion_score is None or score > champion_score:
        record = {"version": version, "promoted_at": datetime.now(UTC).isoformat()}
        write_json_atomically(pointer, {**record, primary: score})
        return version, current, champion_score
    return current, current, champion_score


def feature_importances(model: Pipeline) -> pd.Series | None:
    """Importance of each preprocessed feature, largest first, where the estimator has one."""
    fitted = model[-1]
    if hasattr(fitted, "feature_importances_"):
        values = np.asarray(fitted.feature_importances_, dtype=float)
    elif hasattr(fitted, "coef_"):
        values = np.abs(np.atleast_2d(fitted.coef_)).mean(axis=0)
    else:
        return None
    return pd.Series(values, index=model[:-1].get_feature_names_out()).sort_values(ascending=False)


def save_figure(figure: Figure, path: Path) -> None:
    """Write a figure as PNG, rendered in memory first as the bake does for remote registries."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    path.write_bytes(buffer.getvalue())


def table(rows: dict, header: tuple[str, str]) -> str:
    """A two-column Markdown table."""
    lines = [f"| {header[0]} | {header[1]} |", "| --- | --- |"]
    return "\n".join(lines + [f"| {key} | {value} |" for key, value in rows.items()])


def write_report(folder: Path, model, metrics, split: dict, summary: dict) -> None:
    """The baked report_training's plots and report.md, without the Prefect artifact."""
    predictions = model.predict(split["x_test"])
    figure = Figure(figsize=(6, 5))
    metrics.plot_diagnostics(split["y_test"], predictions, figure.subplots())
    save_figure(figure, folder / "diagnostics.png")
    plots = ["diagnostics.png"]
    importances = feature_importances(model)
    if importances is not None:
        top = importances.head(15)[::-1]
        figure = Figure(figsize=(7, 0.35 * len(top) + 1.2))
        ax = figure.subplots()
        ax.barh(top.index, top.to_numpy())
        ax.set(title="Feature importances (top 15)", xlabel="importance")
        save_figure(figure, folder / "feature_importances.png")
        plots.append("feature_importances.png")
    target = split["y_train"]
    distribution = (
        target.describe().round(3)
        if pd.api.types.is_numeric_dtype(target)
        else target.value_counts()
    )
    sections = [
        f"# training report for {folder.name}",
        table(distribution.to_dict(), ("target (training rows)", "value")),
        table({k: str(v) for k, v in summary.items()}, ("item", "value")),
        metrics.diagnostics_markdown(split["y_test"], predictions),
        "\n".join(f"- `{folder}/{name}`" for name in plots),
    ]
    (folder / "report.md").write_text("\n\n".join(sections) + "\n")


def split_frame(frame: pd.DataFrame, args: argparse.Namespace, metrics: ModuleType) -> dict:
    """The baked split_dataset's seeded train/test split, and the frame's fingerprint."""
    features = frame.drop(columns=[args.target_column])
    target = frame[args.target_column]
    x_train, x_test, y_train, y_test = train_test_split(
        features,
        target,
        test_size=args.test_size,
        random_state=args.random_state,
        stratify=target if metrics.STRATIFY else None,
    )
    return {
        "x_train": x_train,
        "x_test": x_test,
        "y_train": y_train,
        "y_test": y_test,
        "fingerprint": frame_fingerprint(frame),
        "rows": len(frame),
    }


def fit(args: argparse.Namespace, estimator, metrics, split: dict) -> tuple[Pipeline, object, dict]:
    """Search the grid when asked, then refit the best (or default) parameters on the
    training rows; returns the model, its parameters and a summary of the search."""
    params = estimator.ModelParams()
    summary: dict = {"search": "none"}
    if args.tune == "true":
        point, score, count = search(
            estimator, metrics, params, split["x_train"], split["y_train"], args
        )
        params = params.model_copy(update=point)
        summary = {"search": f"{count} candidates", "best_score": f"{score:.4f}", **point}
    model = make_model(estimator, params, args.random_state).fit(split["x_train"], split["y_train"])
    return model, params, summary


def register(args: argparse.Namespace, model: Pipeline, params, scores: dict, split: dict) -> Path:
    """Save the model as a new version folder, metadata last; return the folder."""
    root = Path(args.models_dir)
    version = claim_version(root)
    model_file = skops.io.dumps(model)
    (root / version / "model.skops").write_bytes(model_file)
    record = {
        "version": version,
        "created_at": datetime.now(UTC).isoformat(),
        "flow_run_id": None,
        "estimator": type(model[-1]).__name__,
        "metrics": scores,
        "model_sha256": hashlib.sha256(model_file).hexdigest(),
        "params": params.model_dump(),
        "split": {"test_size": args.test_size, "random_state": args.random_state},
        "dataset": {
            "source": describe(args),
            "rows": split["rows"],
            "fingerprint": split["fingerprint"],
            "features": list(split["x_train"].columns),
        },
    }
    write_json_atomically(root / version / "metadata.json", record)
    return root / version


def train(args: argparse.Namespace) -> dict[str, float]:
    """Everything `python -m <package> train` does to the data and the registry."""
    estimator = importlib.import_module(f"{args.package}.estimator")
    metrics = importlib.import_module(f"{args.package}.metrics")
    frame = validate(read_dataset(args), args.target_column)
    if args.frame_bytes_out:
        args.frame_bytes_out.write_text(str(int(frame.memory_usage(deep=True).sum())))
    split = split_frame(frame, args, metrics)
    model, params, summary = fit(args, estimator, metrics, split)
    primary = metrics.PRIMARY_METRIC
    scores = metrics.compute_metrics(split["y_test"], model.predict(split["x_test"]))
    folder = register(args, model, params, scores, split)

    def score_champion(champion: Pipeline) -> float:
        return metrics.compute_metrics(split["y_test"], champion.predict(split["x_test"]))[primary]

    champion, previous, champion_score = promote(
        folder.parent, folder.name, scores[primary], primary, score_champion
    )
    summary.update(champion=champion, previous=previous, champion_score=champion_score)
    write_report(folder, model, metrics, split, summary)
    print(f"Registered model {folder.name} in {folder} (champion: {champion})")
    for name, value in scores.items():
        print(f"{name:>10}  {value:.4f}")
    return scores


def main(argv: list[str] | None = None) -> int:
    """Train once; refuse to count as a baseline if anything imported Prefect."""
    train(parse_args(argv))
    if "prefect" in sys.modules:
        print("error: the baseline imported Prefect", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
