"""The option matrix, read from cookiecutter.json: which answers combine, and readable ids.

Choice prompts come from cookiecutter.json. Free-text prompts that change what is baked
(the sklearn dataset, the dataset's address) are sampled here, one answer per kind of value.
"""

import itertools

from tests.template import COOKIECUTTER

# Which bundled datasets each task can learn from; the pre-gen hook enforces the same rule.
DATASETS = {
    "classification": ("iris", "wine", "breast_cancer", "digits"),
    "regression": ("diabetes",),
}
# One dataset_uri per kind of address each source accepts ("" bakes the sample dataset).
# Generation checks only: nothing ever connects to these hosts.
ADDRESSES = {
    "csv": (
        "",
        "/srv/data/train.csv",
        "https://data.example.invalid/train.csv",
        "s3://bucket/train.csv",
        "gs://bucket/train.csv",
        "az://container/train.csv",
    ),
    "parquet": (
        "",
        "/srv/data/train.parquet",
        "https://data.example.invalid/train.parquet",
        "s3://bucket/train.parquet",
        "gs://bucket/train.parquet",
        "az://container/train.parquet",
    ),
    "sql": (
        "",
        "sqlite:////srv/data/train.sqlite",
        "postgresql+psycopg://ml@db.example.invalid/ml",
        "postgresql://ml@db.example.invalid/ml",
        "mysql+pymysql://ml@db.example.invalid/ml",
    ),
}
# Prompts whose every combination is baked (and paired in the covering set, see coverage()).
PAIRWISE = ("task_type", "model_type", "dataset_source")
# Prompts that change few files and interact with nothing above: each cycles through its values.
CYCLED = ("python_version", "task_runner", "work_pool_type")


def dataset_answers(task_type: str, source: str) -> list[dict[str, str]]:
    """The dataset answers baked for a task and source, the default first."""
    if source == "sklearn":
        return [{"dataset_name": name} for name in DATASETS[task_type]]
    return [{"dataset_uri": uri} for uri in ADDRESSES[source]]


def supported_combinations() -> list[dict[str, str]]:
    """Every task x model x source x kind of dataset; the CYCLED prompts cycle alongside, each
    at its own pace, so every mix of their values is baked too."""
    combos = []
    for task, model, source in itertools.product(*(COOKIECUTTER[key] for key in PAIRWISE)):
        for dataset in dataset_answers(task, source):
            combo = {"task_type": task, "model_type": model, "dataset_source": source}
            combos.append({**combo, **dataset})
    for index, combo in enumerate(combos):
        pace = 1
        for key in CYCLED:
            values = COOKIECUTTER[key]
            combo[key] = values[(index // pace) % len(values)]
            pace *= len(values)
    return combos


def unsupported_combinations() -> list[dict[str, str]]:
    """Answers the pre-gen hook must refuse: a bundled dataset of the other task type."""
    return [
        {"task_type": task, "model_type": model, "dataset_source": "sklearn", "dataset_name": name}
        for task, other in itertools.permutations(DATASETS, 2)
        for model in COOKIECUTTER["model_type"]
        for name in DATASETS[other]
    ]


def coverage(answers: dict[str, str]) -> set[tuple]:
    """What one bake proves: each value it uses, each task with each model and each source, and
    each model on bundled data and on tabular data with text columns and missing values."""
    data_kind = "bundled" if answers["dataset_source"] == "sklearn" else "tabular"
    singles = {(key, value) for key, value in answers.items()}
    pairs = {
        ("task", answers["task_type"], "model", answers["model_type"]),
        ("task", answers["task_type"], "source", answers["dataset_source"]),
        ("model", answers["model_type"], "data", data_kind),
    }
    return singles | pairs


def covering_set() -> list[dict[str, str]]:
    """Few bakes on the default data of each source that prove every coverage() item (greedy
    cover), with the CYCLED prompts at their defaults but for one bake per other value."""
    candidates = [
        {key: value for key, value in combo.items() if key not in CYCLED}
        for combo in supported_combinations()
        if combo.get("dataset_uri", "") == ""
    ]
    uncovered = set().union(*(coverage(combo) for combo in candidates))
    chosen = []
    while uncovered:
        best = max(candidates, key=lambda combo: len(coverage(combo) & uncovered))
        chosen.append(dict(best))
        uncovered -= coverage(best)
    others = [(key, value) for key in CYCLED for value in COOKIECUTTER[key][1:]]
    for combo, (key, value) in zip(chosen[1:], others, strict=False):
        combo[key] = value
    return chosen


def combo_id(answers: dict[str, str]) -> str:
    """A short, readable test id such as `classification-svm-csv-s3-py3.12`."""
    parts = [answers[key] for key in PAIRWISE if key in answers]
    if "dataset_name" in answers:
        parts.append(answers["dataset_name"])
    if "dataset_uri" in answers:
        uri = answers["dataset_uri"]
        parts.append(uri.split("://")[0] if "://" in uri else "path" if uri else "sample")
    parts += [answers[key] for key in ("task_runner", "work_pool_type") if key in answers]
    if "python_version" in answers:
        parts.append(f"py{answers['python_version']}")
    return "-".join(parts)
