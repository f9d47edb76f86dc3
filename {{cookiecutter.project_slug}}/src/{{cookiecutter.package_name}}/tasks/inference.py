"""Tasks of batch inference: the champion model, a batch in, predictions out.

The batch is read, scored and written one chunk of rows at a time, so a file larger than memory
is scored in bounded memory. The predictions go to a temporary file beside the output, moved into
place once every chunk is written: a failed run leaves no half-written output behind.
"""

import uuid
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath

import fsspec
import pandas as pd
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }}.tasks.data import (
    DatasetError,
    is_transient,
)
from {{ cookiecutter.package_name }}.tasks.registry import (
    RegistryError,
    load_model,
    read_champion,
)


def is_parquet(uri: str) -> bool:
    """Whether a path or URL names a Parquet file; anything else is read and written as CSV."""
    return PurePosixPath(uri.split("?")[0]).suffix.lower() in {".parquet", ".pq"}


@task
def load_champion(models_dir: str, version: str | None = None) -> tuple[Pipeline, str]:
    """The requested version, or the champion, with its name."""
    chosen = version or read_champion(models_dir)
    if chosen is None:
        raise RegistryError(f"No champion in {models_dir}: train a model first.")
    return load_model(models_dir, chosen), chosen


def numeric_columns(model: Pipeline) -> list[str]:
    """The columns the model's preprocessing treats as numbers (see `build_preprocessor`)."""
    preprocess = model.named_steps["preprocess"]
    return next(list(columns) for name, _, columns in preprocess.transformers_ if name == "numeric")


def predict_batch(model: Pipeline, batch: pd.DataFrame, version: str) -> pd.DataFrame:
    """The batch with a prediction, each class's probability where the model has them, and the
    model version.

    The batch's columns are checked against the model's: a column the model was trained on that
    is missing, or that holds text where the model was trained on numbers, stops the run with the
    column's name; columns the model was not trained on are kept in the output but not used.
    """
    missing = [column for column in model.feature_names_in_ if column not in batch.columns]
    if missing:
        raise DatasetError(
            f"The batch lacks the columns the model was trained on: {', '.join(missing)}."
        )
    features = batch[list(model.feature_names_in_)].copy()
    for column in numeric_columns(model):
        values = features[column]
        if pd.api.types.is_numeric_dtype(values):
            continue
        numbers = pd.to_numeric(values, errors="coerce")
        text = values[values.notna() & numbers.isna()]
        if len(text):
            raise DatasetError(
                f"Column {column!r} holds text where the model was trained on numbers "
                f"(for example {text.iloc[0]!r}): fix or blank those values in the batch."
            )
        features[column] = numbers
    scored = batch.assign(prediction=model.predict(features))
    if hasattr(model, "predict_proba"):
        probabilities = model.predict_proba(features)
        for index, label in enumerate(model.classes_):
            scored[f"probability_{label}"] = probabilities[:, index]
    return scored.assign(model_version=version)


def read_chunks(uri: str, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """The rows of a CSV or Parquet file, `chunk_rows` at a time."""
    with fsspec.open(uri, "rb") as file:
        if is_parquet(uri):
            # pyarrow is what pandas reads Parquet with; only Parquet batches need it.
            import pyarrow.parquet as pq

            for batch in pq.ParquetFile(file).iter_batches(batch_size=chunk_rows):
                yield batch.to_pandas()
        else:
            yield from pd.read_csv(file, chunksize=chunk_rows)


def write_chunks(chunks: Iterable[pd.DataFrame], uri: str) -> int:
    """Write the chunks as one Parquet or CSV file, by the file name, and return the row count.

    They are written to a temporary file beside `uri`, moved into place once all are written; if
    a chunk fails, the temporary file is removed and `uri` is left as it was.
    """
    fs, path = fsspec.core.url_to_fs(uri)
    partial = f"{path}.{uuid.uuid4().hex}.partial"
    fs.makedirs(PurePosixPath(path).parent.as_posix(), exist_ok=True)
    rows = 0
    try:
        with fs.open(partial, "wb") as file:
            if is_parquet(uri):
                import pyarrow as pa
                import pyarrow.parquet as pq

                writer = None
                for chunk in chunks:
                    table = pa.Table.from_pandas(chunk, preserve_index=False)
                    writer = writer or pq.ParquetWriter(file, table.schema)
                    # A column can read as another type in one chunk (say, all blank).
                    writer.write_table(table.cast(writer.schema))
                    rows += len(chunk)
                if writer is not None:
                    writer.close()
            else:
                for chunk in chunks:
                    chunk.to_csv(file, header=rows == 0, index=False)
                    rows += len(chunk)
        if rows == 0:
            raise DatasetError("The batch has no rows to score.")
    except BaseException:
        if fs.exists(partial):
            fs.rm(partial)
        raise
    fs.mv(partial, path)
    return rows


@task(
    retries=2,
    retry_delay_seconds=[1, 5],
    retry_condition_fn=is_transient,
    # Writing the output is the point: never skip it for a cached result.
    cache_policy=NO_CACHE,
)
def score_batch(
    model: Pipeline, version: str, input_uri: str, output_uri: str, chunk_rows: int
) -> int:
    """Score the input file chunk by chunk and write the predictions; the number of rows."""
    logger = get_run_logger()

    def scored() -> Iterator[pd.DataFrame]:
        done = 0
        for chunk in read_chunks(input_uri, chunk_rows):
            yield predict_batch(model, chunk, version)
            done += len(chunk)
            logger.info("Scored %d rows of %s", done, input_uri)

    rows = write_chunks(scored(), output_uri)
    logger.info("Wrote %d predictions to %s", rows, output_uri)
    return rows
