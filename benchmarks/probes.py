"""In-process probes of a baked project's subflows, run with the bake's own interpreter.

    python benchmarks/probes.py tuning --package a --package b --runs 5 --out tuning.json
    python benchmarks/probes.py cache --package p --runs 5 --scratch dir --out cache.json

Both write the seconds of each measured run, after one warm-up run, as JSON.
"""

import argparse
import importlib
import json
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from prefect import flow
from prefect.logging import disable_run_logger
from prefect.settings import PREFECT_LOCAL_STORAGE_PATH, temporary_settings
from sklearn.model_selection import ParameterGrid


def seconds(call: Callable[[], object]) -> float:
    """Wall time of one call."""
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def repeat(call: Callable[[], object], runs: int) -> list[float]:
    """Wall times of `runs` calls after a warm-up call."""
    return [seconds(call) for _ in range(runs + 1)][1:]


def bake_modules(package: str) -> dict:
    """The baked package's modules the probes use."""
    names = ["config", "estimator", "flows", "source", "tasks"]
    return {name: importlib.import_module(f"{package}.{name}") for name in names}


class Search:
    """One bake's grid search: its split and preprocessor, made by its task functions without
    Prefect runs, and its grid, folds and seed."""

    def __init__(self, package: str):
        self.m = m = bake_modules(package)
        dataset, split_config = m["source"].DatasetConfig(), m["config"].SplitConfig()
        with disable_run_logger():
            frame = m["tasks"].load_dataset.fn(dataset)
            frame = m["tasks"].validate_dataset.fn(frame, dataset.target_column)
            self.split = m["tasks"].split_dataset.fn(frame, dataset.target_column, split_config)
            self.preprocessor = m["tasks"].build_preprocessor.fn(self.split.features_train)
        self.base, self.space = m["estimator"].ModelParams(), m["estimator"].SEARCH_SPACE
        self.folds, self.seed = m["config"].TrainingConfig().cv_folds, split_config.random_state

    def subflow(self) -> None:
        """The bake's tuning subflow, on the bake's task runner."""
        self.m["flows"].hyperparameter_tuning_flow(
            self.split, self.preprocessor, self.base, self.space, self.folds, self.seed
        )

    def score(self, candidate: dict) -> float:
        """One candidate, scored by the task's own function without Prefect."""
        task = self.m["tasks"].score_candidate
        return task.fn(self.split, self.preprocessor, self.base, candidate, self.folds, self.seed)

    def one_by_one(self) -> None:
        """The grid without Prefect, one candidate after the other."""
        list(map(self.score, ParameterGrid(self.space)))

    def pooled(self) -> None:
        """The grid without Prefect, on a thread pool of one thread per core."""
        with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
            list(pool.map(self.score, ParameterGrid(self.space)))


def tuning(packages: list[str], runs: int) -> dict:
    """Each bake's tuning subflow on its own runner; and, with the first bake, the same grid
    without Prefect one candidate after the other and on a plain thread pool."""
    searches = {package: Search(package) for package in packages}
    result: dict = {"runners": {p: repeat(s.subflow, runs) for p, s in searches.items()}}
    result["sequential"] = repeat(searches[packages[0]].one_by_one, runs)
    result["threadpool"] = repeat(searches[packages[0]].pooled, runs)
    return result


def cache(package: str, runs: int, scratch: Path) -> dict[str, list[float]]:
    """Time the preprocessing subflow inside a parent flow: first with an empty result store
    (a new folder each round), then unchanged; and, for scale, a subflow that does nothing."""
    m = bake_modules(package)
    dataset, split_config = m["source"].DatasetConfig(), m["config"].SplitConfig()

    @flow(name="benchmark-empty-subflow")
    def empty() -> None:
        """A flow run's own cost, without work."""

    @flow(name="benchmark-cache-probe")
    def parent() -> tuple[float, float, float]:
        def prepare() -> None:
            m["flows"].data_preprocessing_flow(dataset, split_config)

        return seconds(prepare), seconds(prepare), seconds(empty)

    # The bake keeps its cache keys apart from the results: a new round starts without either.
    keys = importlib.import_module(f"{package}.tasks.data").CACHE_KEYS
    rounds = []
    for index in range(runs + 1):
        shutil.rmtree(keys, ignore_errors=True)
        with temporary_settings({PREFECT_LOCAL_STORAGE_PATH: scratch / f"storage-{index}"}):
            rounds.append(parent())
    names = ["first", "again", "empty"]
    return {name: [r[i] for r in rounds[1:]] for i, name in enumerate(names)}


def main() -> None:
    """Run one probe and write its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("probe", choices=["tuning", "cache"])
    parser.add_argument("--package", action="append", required=True, help="Repeat for tuning.")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scratch", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.probe == "tuning":
        result = tuning(args.package, args.runs)
    else:
        result = cache(args.package[0], args.runs, args.scratch)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
