"""Synthetic tabular data for the benchmarks: numeric and categorical columns, a binary label.

The label depends on a few numeric columns, an interaction and two categories, with noise, so
gradient boosting has something to learn; some values are missing, as in real extracts.
"""

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

TARGET_COLUMN = "churned"
NUMERIC_COLUMNS = 22
# Name and number of distinct values of each categorical column; the long tails exercise the
# one-hot encoder's grouping of infrequent categories.
CATEGORIES = {
    "plan": 3,
    "region": 8,
    "channel": 5,
    "device": 6,
    "tier": 4,
    "segment": 12,
    "city": 40,
}
MISSING_SHARE = 0.02


def categorical(rng: np.random.Generator, name: str, levels: int, rows: int) -> np.ndarray:
    """Skewed category codes as strings, so a few values are common and many are rare."""
    weights = 1 / np.arange(1, levels + 1)
    codes = rng.choice(levels, size=rows, p=weights / weights.sum())
    return np.array([f"{name}_{i}" for i in range(levels)], dtype=object)[codes]


def make_frame(rows: int, seed: int = 0) -> pd.DataFrame:
    """A frame of `rows` rows: NUMERIC_COLUMNS numbers, the CATEGORIES and the label."""
    rng = np.random.default_rng(seed)
    numbers = rng.normal(size=(rows, NUMERIC_COLUMNS))
    columns = {f"x{i:02d}": numbers[:, i] for i in range(NUMERIC_COLUMNS)}
    columns.update({name: categorical(rng, name, n, rows) for name, n in CATEGORIES.items()})
    frame = pd.DataFrame(columns)
    plan_effect = frame["plan"].map({"plan_0": -0.5, "plan_1": 0.3, "plan_2": 1.0})
    logit = (
        1.2 * numbers[:, 0]
        - 0.8 * numbers[:, 1]
        + 0.6 * numbers[:, 2] * numbers[:, 3]
        + plan_effect.to_numpy()
        + 0.4 * (frame["region"] == "region_1").to_numpy()
        + rng.normal(scale=1.0, size=rows)
    )
    frame[TARGET_COLUMN] = np.where(logit > 0.3, "yes", "no")
    for name in ["x04", "x05", "channel", "device"]:
        frame.loc[rng.random(rows) < MISSING_SHARE, name] = None
    return frame


def write_parquet(path: Path, rows: int, seed: int = 0) -> Path:
    """Write the frame to `path` (created with its folder) unless it is already there."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        make_frame(rows, seed).to_parquet(path, index=False)
    return path


def main() -> None:
    """Write one Parquet file: `python -m benchmarks.data out.parquet --rows 200000`."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    write_parquet(args.path, args.rows, args.seed)


if __name__ == "__main__":
    main()
