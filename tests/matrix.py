"""The option matrix, read from cookiecutter.json: which answers combine, and readable ids."""

import itertools
import json
from pathlib import Path

COOKIECUTTER = json.loads((Path(__file__).resolve().parents[1] / "cookiecutter.json").read_text())

# Which bundled datasets each task can learn from; the pre-gen hook enforces the same rule.
DATASETS = {
    "classification": ("iris", "wine", "breast_cancer", "digits"),
    "regression": ("diabetes",),
}
# Prompts whose values interact: every combination of them is baked.
INTERACTING = ("task_type", "model_type", "dataset_source", "dataset_name")


def choices(key: str) -> list[str]:
    """The values a prompt offers; dataset_name is free text checked by the hook, so listed here."""
    if key == "dataset_name":
        return sorted({name for names in DATASETS.values() for name in names})
    return COOKIECUTTER[key]


def is_supported(answers: dict[str, str]) -> bool:
    """Whether the template promises to bake these answers."""
    return answers["dataset_name"] in DATASETS[answers["task_type"]]


def supported_combinations() -> list[dict[str, str]]:
    """Every supported combination of the interacting prompts; python_version cycles alongside."""
    combos = (
        dict(zip(INTERACTING, values, strict=True))
        for values in itertools.product(*(choices(key) for key in INTERACTING))
    )
    supported = [combo for combo in combos if is_supported(combo)]
    versions = itertools.cycle(COOKIECUTTER["python_version"])
    return [{**combo, "python_version": next(versions)} for combo in supported]


def unsupported_combinations() -> list[dict[str, str]]:
    """Combinations of the interacting prompts that the pre-gen hook must refuse."""
    combos = (
        dict(zip(INTERACTING, values, strict=True))
        for values in itertools.product(*(choices(key) for key in INTERACTING))
    )
    return [combo for combo in combos if not is_supported(combo)]


# Prompts whose values are baked together pairwise in the covering set; the others only once each.
PAIRWISE = ("task_type", "model_type", "dataset_source")


def coverage(answers: dict[str, str]) -> set[tuple]:
    """What one bake proves: each value it uses, and each pair of PAIRWISE values."""
    singles = {(key, value) for key, value in answers.items()}
    pairs = set(itertools.combinations([(key, answers[key]) for key in PAIRWISE], 2))
    return singles | pairs


def covering_set() -> list[dict[str, str]]:
    """Few combinations that together use every value and every PAIRWISE pair (greedy cover)."""
    candidates = supported_combinations()
    uncovered = set().union(*(coverage(combo) for combo in candidates))
    chosen = []
    while uncovered:
        best = max(candidates, key=lambda combo: len(coverage(combo) & uncovered))
        chosen.append(best)
        uncovered -= coverage(best)
    return chosen


def combo_id(answers: dict[str, str]) -> str:
    """A short, readable test id such as `classification-random_forest-sklearn-iris-py3.11`."""
    parts = [answers[key] for key in INTERACTING if key in answers]
    if "python_version" in answers:
        parts.append(f"py{answers['python_version']}")
    return "-".join(parts)
