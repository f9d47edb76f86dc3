"""Dataset source: a CSV file, local or at any fsspec URL (https://, s3://, gs://, az://).

Credentials never live in the project: fsspec reads them from the environment (AWS_*,
GOOGLE_APPLICATION_CREDENTIALS, AZURE_STORAGE_*), or from a Prefect Secret block named in
`storage_options_secret` that holds fsspec storage options as JSON.
"""

import fsspec
import pandas as pd
from prefect.blocks.system import Secret
from pydantic import BaseModel, Field


class DatasetConfig(BaseModel):
    """Which CSV file to train on, and which column is the label."""

    dataset_uri: str = Field(
        default={{ cookiecutter.__dataset_uri | python_string }},
        description="Path or fsspec URL of the CSV file.",
    )
    target_column: str = Field(
        default={{ cookiecutter.target_column | python_string }},
        description="Column holding the label.",
    )
    storage_options_secret: str | None = Field(
        default=None,
        description="Prefect Secret block with fsspec storage options (JSON), e.g. credentials.",
    )

    def describe(self) -> str:
        """Short human description of where the data comes from."""
        return self.dataset_uri


def storage_options(secret_name: str | None) -> dict:
    """fsspec storage options (credentials) from a Prefect Secret block, or none."""
    if not secret_name:
        return {}
    secret = Secret.load(secret_name)
    # Loaded from sync code: the block itself (Prefect types the call for async callers too).
    assert isinstance(secret, Secret)
    options = secret.get()
    if not isinstance(options, dict):
        raise ValueError(f"Secret block {secret_name!r} must hold a JSON object of fsspec options.")
    return options


def fingerprint(config: DatasetConfig) -> str | None:
    """What identifies the file's content: its address and the filesystem's change marker
    (modification time and size, or the object's ETag)."""
    fs, path = fsspec.core.url_to_fs(
        config.dataset_uri, **storage_options(config.storage_options_secret)
    )
    return f"{config.dataset_uri}-{fs.ukey(path)}"


def read_dataset(config: DatasetConfig) -> pd.DataFrame:
    """Read the whole file into one frame."""
    options = storage_options(config.storage_options_secret)
    try:
        with fsspec.open(config.dataset_uri, "rb", **options) as file:
            return pd.read_csv(file)
    except FileNotFoundError as error:
        # fsspec reports a server it could not connect to as a missing file: raise the
        # connection error instead, which is tried again.
        if isinstance(error.__cause__, OSError):
            raise error.__cause__ from None
        # It reports a server that refused access the same way.
        status = getattr(error.__cause__, "status", None)
        if status in (401, 403):
            raise PermissionError(
                f"{config.dataset_uri!r} refused access (HTTP {status}): give credentials with"
                " --storage-options-secret or in the environment."
            ) from error
        raise FileNotFoundError(
            f"No CSV file at {config.dataset_uri!r}: check the path, or point the run at"
            " the file with --dataset-uri."
        ) from error
