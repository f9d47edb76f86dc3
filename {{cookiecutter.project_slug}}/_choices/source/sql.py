"""Dataset source: a table or query read from a database through SQLAlchemy.

Passwords never live in the project: leave them out of the URL and let the driver read
them from the environment (PGPASSWORD for PostgreSQL), or keep the whole URL in a Prefect
Secret block named in `url_secret`.
"""

import pandas as pd
from prefect.blocks.system import Secret
from pydantic import BaseModel, Field
from sqlalchemy import create_engine, make_url


class DatasetConfig(BaseModel):
    """Which database, which table or query, and which column is the label."""

    dataset_uri: str = Field(
        default={{ cookiecutter.__dataset_uri | python_string }},
        description="SQLAlchemy URL of the database, without a password.",
    )
    dataset_table: str = Field(
        default={{ cookiecutter.dataset_table | python_string }},
        description="Table name or SELECT query to read.",
    )
    target_column: str = Field(
        default={{ cookiecutter.target_column | python_string }},
        description="Column holding the label.",
    )
    url_secret: str | None = Field(
        default=None,
        description="Prefect Secret block holding the database URL, used instead of dataset_uri.",
    )

    def describe(self) -> str:
        """Short human description of where the data comes from, without any password."""
        database = make_url(self.dataset_uri).render_as_string(hide_password=True)
        return f"{self.dataset_table} in {database}"


def fingerprint(config: DatasetConfig) -> str | None:
    """None: a database cannot tell cheaply whether a table changed, so it is read every run."""
    return None


def database_url(config: DatasetConfig) -> str:
    """The database's URL: from the Secret block when one is named, else `dataset_uri`."""
    if not config.url_secret:
        return config.dataset_uri
    secret = Secret.load(config.url_secret)
    # Loaded from sync code: the block itself (Prefect types the call for async callers too).
    assert isinstance(secret, Secret)
    return secret.get()


def read_dataset(config: DatasetConfig) -> pd.DataFrame:
    """Read the table, or the query's result, into one frame."""
    engine = create_engine(database_url(config))
    try:
        with engine.connect() as connection:
            return pd.read_sql(config.dataset_table, connection)
    finally:
        engine.dispose()
