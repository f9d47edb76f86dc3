"""Shape the baked project to the answers: keep only the chosen variant of each module,
and write a small sample dataset when no dataset_uri was given.

The template ships every variant under `_choices/<module>/`; this hook moves the chosen one
to `src/<package>/<module>.py` and deletes the rest, so the baked code has no dead branches.
It runs in the new project's folder, uses only the standard library, reads no network and
asks nothing.
"""

import csv
import json
import math
import random
import shutil
import sqlite3
import sys
from pathlib import Path

CHOICES_DIR = Path("_choices")
DATA_DIR = Path("data")
SAMPLE_ROWS = 600
SAMPLE_SEED = 7


# Project files that only some answers keep: {prompt: {value: [paths]}}. A path is kept when
# the chosen value lists it, and deleted when only other values do.
OPTIONAL_FILES: dict[str, dict[str, list[str]]] = {
    "work_pool_type": {
        "process": [],
        "docker": ["Dockerfile", ".dockerignore"],
        "kubernetes": ["Dockerfile", ".dockerignore", "deploy"],
    },
}


def chosen_variants(answers: dict) -> dict[str, list[str]]:
    """Map each module to its candidate variant files, most specific first."""
    task, model = answers["task_type"], answers["model_type"]
    return {
        "source": [f"{answers['dataset_source']}.py"],
        "estimator": [f"{model}_{task}.py", f"{model}.py"],
        "metrics": [f"{task}.py"],
        "runner": [f"{answers['task_runner']}.py"],
    }


def remove_unchosen_files(answers: dict, root: Path = Path()) -> list[Path]:
    """Delete the optional files that no chosen answer keeps; return what was deleted."""
    kept, listed = set(), set()
    for prompt, files_by_value in OPTIONAL_FILES.items():
        for value, paths in files_by_value.items():
            listed.update(paths)
            if value == answers[prompt]:
                kept.update(paths)
    removed = []
    for name in sorted(listed - kept):
        path = root / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        removed.append(path)
    return removed


def keep_chosen(answers: dict, root: Path = Path()) -> list[Path]:
    """Move each chosen variant into the package and return the kept files."""
    package = root / "src" / answers["package_name"]
    kept = []
    for module, candidates in chosen_variants(answers).items():
        variants = root / CHOICES_DIR / module
        chosen = next(variants / name for name in candidates if (variants / name).exists())
        target = package / f"{module}.py"
        chosen.rename(target)
        kept.append(target)
    return kept


def customers(rng: random.Random) -> dict:
    """One row of the classification sample: will this customer churn?"""
    tenure = rng.randint(1, 72)
    contract = rng.choices(["month-to-month", "one-year", "two-year"], [5, 3, 2])[0]
    charges = round(rng.uniform(20, 120), 2)
    calls = min(9, int(rng.expovariate(0.6)))
    risk = (
        1.2
        - tenure / 30
        + calls / 3
        + charges / 100
        - {"one-year": 1, "two-year": 2}.get(contract, 0)
    )
    return {
        "tenure_months": tenure,
        "monthly_charges": None if rng.random() < 0.03 else charges,
        "contract": contract,
        "payment_method": rng.choice(["card", "bank-transfer", "paypal", "cheque", None]),
        "support_calls": calls,
        "churned": "yes" if rng.random() < 1 / (1 + math.exp(-2 * risk)) else "no",
    }


def houses(rng: random.Random) -> dict:
    """One row of the regression sample: what does this house sell for (thousands)?"""
    area = round(rng.uniform(30, 250), 1)
    rooms = max(1, min(8, round(area / 35 + rng.gauss(0, 0.7))))
    age = rng.randint(0, 100)
    neighbourhood = rng.choice(["centre", "north", "south", "east", "west"])
    garden = rng.random() < 0.4
    price = 40 + 2.6 * area + 9 * rooms - 0.7 * age + 25 * garden + rng.gauss(0, 25)
    price += {"centre": 90, "north": 30, "west": 15}.get(neighbourhood, 0)
    return {
        "area_sqm": area,
        "rooms": rooms,
        "age_years": None if rng.random() < 0.04 else age,
        "neighbourhood": neighbourhood,
        "has_garden": "yes" if garden else "no",
        "price": round(price, 1),
    }


SAMPLES = {"customers": customers, "houses": houses}


def sample_rows(name: str, rows: int = SAMPLE_ROWS) -> list[dict]:
    """The sample dataset `name`, the same on every bake."""
    rng = random.Random(SAMPLE_SEED)
    return [SAMPLES[name](rng) for _ in range(rows)]


def write_csv(rows: list[dict], path: Path) -> None:
    """Write rows as CSV; a missing value is an empty field."""
    with path.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def write_sqlite(rows: list[dict], path: Path, table: str) -> None:
    """Write rows as one SQLite table; a missing value is NULL."""
    columns = list(rows[0])
    with sqlite3.connect(path) as connection:
        connection.execute(f'CREATE TABLE "{table}" ({", ".join(columns)})')
        connection.executemany(
            f'INSERT INTO "{table}" VALUES ({", ".join("?" for _ in columns)})',
            [tuple(row.values()) for row in rows],
        )
    connection.close()


def write_sample_data(answers: dict, root: Path = Path()) -> Path | None:
    """Write the sample dataset the project points at when no dataset_uri was given."""
    source, name = answers["dataset_source"], answers["__sample_name"]
    if source == "sklearn" or answers["dataset_uri"]:
        return None
    (root / DATA_DIR).mkdir(exist_ok=True)
    if source == "parquet":
        # Parquet needs pyarrow, which a hook cannot count on: the template ships the file,
        # made from the same rows (see the template README).
        path = root / DATA_DIR / f"{name}.parquet"
        (root / CHOICES_DIR / "data" / path.name).rename(path)
    elif source == "sql":
        path = root / DATA_DIR / f"{name}.sqlite"
        write_sqlite(sample_rows(name), path, table=name)
    else:
        path = root / DATA_DIR / f"{name}.csv"
        write_csv(sample_rows(name), path)
    return path


def main(answers: dict) -> int:
    """Shape the project in the current folder."""
    keep_chosen(answers)
    remove_unchosen_files(answers)
    write_sample_data(answers)
    shutil.rmtree(CHOICES_DIR)
    return 0


if __name__ == "__main__":
    sys.exit(main(json.loads(r"""{{ cookiecutter | tojson }}""")))
