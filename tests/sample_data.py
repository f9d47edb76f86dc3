"""The Parquet sample datasets the template ships, made from the post-gen hook's own rows.

A hook cannot count on pyarrow, so the Parquet samples are files in the template; this
module rebuilds them (`python -m tests.sample_data`) and a test checks they are current.
"""

from pathlib import Path

import pandas as pd

from tests.template import TEMPLATE, load_hook

DATA_DIR = TEMPLATE / "{{cookiecutter.project_slug}}" / "_choices" / "data"


def sample_frame(name: str) -> pd.DataFrame:
    """The sample dataset `name` as the hook writes it; a missing value is NaN or None."""
    return pd.DataFrame(load_hook("post_gen_project").sample_rows(name))


def write_parquet_samples() -> list[Path]:
    """Rewrite every shipped Parquet sample."""
    paths = []
    for name in load_hook("post_gen_project").SAMPLES:
        path = DATA_DIR / f"{name}.parquet"
        sample_frame(name).to_parquet(path, index=False)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_parquet_samples():
        print(f"wrote {written.relative_to(TEMPLATE)}")
