"""Dataset source: a table or query read from a database through SQLAlchemy.

Passwords never live in the project: leave them out of the URL and let the driver read
them from the environment (PGPASSWORD for PostgreSQL), or keep the whole URL in a Prefect
Secret block named in `url_secret`.
"""

from pathlib import Path

import pandas as pd
from prefect.blocks.system import Secret
from pydantic import BaseModel, Field
from sqlalchemy import Connection, create_engine, inspect, make_url


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


def check_table(connection: Connection, name: str) -> None:
    """Refuse a table name the database does not hold, listing the tables it does; a query
    is left to the database."""
    schema, _, table = name.rpartition(".")
    inspector = inspect(connection)
    if len(name.split()) > 1 or inspector.has_table(table, schema=schema or None):
        return
    database = connection.engine.url.render_as_string(hide_password=True)
    present = ", ".join(inspector.get_table_names(schema=schema or None)) or "none"
    raise FileNotFoundError(
        f"Table {name!r} is not in {database}; its tables are: {present}. Name one of them,"
        " or a SELECT query, with --dataset-table."
    )


def read_dataset(config: DatasetConfig) -> pd.DataFrame:
    """Read the table, or the query's result, into one frame."""
    url = make_url(database_url(config))
    database = url.database if url.get_backend_name() == "sqlite" else None
    # SQLite would create a missing database file, empty, instead of failing.
    if database and database != ":memory:" and not Path(database).exists():
        raise FileNotFoundError(
            f"No SQLite database at {database!r}: check the path, or point the run at the"
            " database with --dataset-uri."
        )
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            check_table(connection, config.dataset_table)
            return pd.read_sql(config.dataset_table, connection)
    finally:
        engine.dispose()
