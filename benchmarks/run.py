"""`make bench`: bake projects, install them, and time them against the plain baseline.

    python -m benchmarks.run                  # the full run: writes benchmarks/results.json,
                                              # benchmarks/RESULTS.md and benchmarks/ratios.png
    python -m benchmarks.run --suite          # also times `make test` (about 12 minutes)
    python -m benchmarks.run --quick --output-dir /tmp/bench   # a small run to try changes

Every Prefect figure is paired with the plain script (benchmarks/baseline.py) doing the same
work, in the same virtual environment, in the same loop: a warm-up round, then `--runs` rounds.
"""

import argparse
import dataclasses
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import data, report
from benchmarks.measure import Run, check, prefect_server, quiet_env, spans, timed

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE.parent
BIN = Path(sys.executable).parent
BASELINE = HERE / "baseline.py"
PROBES = HERE / "probes.py"
RUNNERS = ["threads", "dask", "ray"]
# Log lines between which a runner starts: Dask its local cluster, Ray its local instance.
RUNNER_START = {
    "dask": ("Creating a new Dask cluster", "The Dask dashboard is available"),
    "ray": ("Creating a local Ray instance", "Using Ray cluster with"),
}
# `train` without the search: the medium and large runs would otherwise take many minutes each.
NO_SEARCH = ("--tune", "false")
# A parquet bake's answers; the data file is filled in per bake.
PARQUET = {"dataset_source": "parquet", "target_column": data.TARGET_COLUMN}


def parse_args() -> argparse.Namespace:
    """Sizes and counts of the run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="Measured runs after the warm-up.")
    parser.add_argument("--memory-runs", type=int, default=1, help="Runs of the 1M-row training.")
    parser.add_argument("--medium-rows", type=int, default=200_000)
    parser.add_argument("--large-rows", type=int, default=1_000_000)
    # Enough rows that fitting trees, which releases the GIL, outweighs the per-fit Python work
    # (the thread runner / a plain thread pool: 1.32x / 1.21x on 1,000 rows, 1.42x / 1.47x on
    # 4,000), few enough that the benchmark stays within 20 minutes.
    parser.add_argument("--tuning-rows", type=int, default=2_500)
    parser.add_argument("--suite", action="store_true", help="Also time `make test`.")
    parser.add_argument("--quick", action="store_true", help="1 run, small data: a smoke test.")
    parser.add_argument("--scratch", type=Path, default=HERE / ".scratch")
    parser.add_argument("--output-dir", type=Path, default=HERE)
    args = parser.parse_args()
    if args.quick:
        args.runs, args.medium_rows, args.large_rows, args.tuning_rows = 1, 4_000, 20_000, 300
    return args


class Bench:
    """The scratch folders, the bakes and their virtual environments."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        self.work = scratch / "run"
        self.logs = self.work / "logs"
        self.counter = 0
        shutil.rmtree(self.work, ignore_errors=True)
        self.logs.mkdir(parents=True)

    def log(self, name: str) -> Path:
        """A new log file, numbered in the order the processes ran."""
        self.counter += 1
        return self.logs / f"{self.counter:03d}-{name}.log"

    def bake(self, name: str, **answers: str) -> Path:
        """Bake the template into work/<name>/ and return the project folder."""
        out = self.work / name
        command = [BIN / "cookiecutter", "--no-input", "-o", out, TEMPLATE]
        command += [f"{key}={value}" for key, value in answers.items()]
        check(timed(command, TEMPLATE, os.environ.copy(), self.log(f"bake-{name}")), "bake")
        (project,) = [p for p in out.iterdir() if p.is_dir()]
        return project

    def venv(self, name: str, projects: list[Path]) -> Path:
        """A virtual environment with the projects installed as the baked `make install` does
        (uv, byte-compiled, editable), kept between benchmark runs; returns its python."""
        venv = self.scratch / "venvs" / name
        python = venv / "bin" / "python"
        version = json.loads((TEMPLATE / "cookiecutter.json").read_text())["python_version"][0]
        env = os.environ.copy()
        if not python.exists():
            command = [BIN / "uv", "venv", "--quiet", "--python", version, venv]
            check(timed(command, TEMPLATE, env, self.log(f"venv-{name}")), "uv venv")
        command = [BIN / "uv", "pip", "install", "--python", python, "--compile-bytecode"]
        for project in projects:
            command += ["-e", project]
        check(timed(command, TEMPLATE, env, self.log(f"install-{name}")), "uv pip install")
        return python


class Registry:
    """A side's model registry, put back before each run to the state its first run left, so
    every later run registers v2 and compares it with the v1 champion."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.seed = folder.with_name(folder.name + "-seed")

    def reset(self) -> None:
        """Snapshot after the first run; restore the snapshot before each later run."""
        if not (self.folder / "champion.json").exists():
            return
        if not self.seed.exists():
            shutil.copytree(self.folder, self.seed)
        shutil.rmtree(self.folder)
        shutil.copytree(self.seed, self.folder)


@dataclasses.dataclass(frozen=True)
class Side:
    """One of the things compared: a command, its environment and its registry."""

    command: list
    env: dict
    registry: Registry


def alternate(bench: Bench, cwd: Path, count: int, sides: dict) -> dict[str, list[Run]]:
    """`count` rounds; each runs every side once, in turn. `sides` maps a name to a function
    of the round's index that returns the Side, or None to skip that round."""
    runs: dict[str, list[Run]] = {name: [] for name in sides}
    for index in range(count):
        for name, make in sides.items():
            side = make(index)
            if side is None:
                continue
            side.registry.reset()
            run = timed(side.command, cwd, side.env, bench.log(name))
            # A failed Prefect run is a result to report; a failed baseline is a broken benchmark.
            runs[name].append(check(run, name) if name == "baseline" else run)
    return runs


def package_of(project: Path) -> str:
    """The import name cookiecutter derives from the folder name."""
    return project.name.replace("-", "_")


def train(python: Path, project: Path, env: dict, *flags: str, models: Path | None = None) -> Side:
    """The bake's own `python -m <package> train`, with its registry in models/ or `models`."""
    command = [python, "-m", package_of(project), "train", *flags]
    if models:
        command += ["--models-dir", models]
    return Side(command, env, Registry(models or project / "models"))


def baseline(python: Path, project: Path, env: dict, models: Path, *flags: str) -> Side:
    """The plain script doing the same work for the same bake, with its own registry."""
    command = [python, BASELINE, "--package", package_of(project), "--models-dir", models]
    return Side([*command, *flags], env, Registry(models))


def embedded(bench: Bench, python: Path, project: Path, runs: int) -> dict[str, list[Run]]:
    """The default bake on its embedded server: in the project's own Prefect home (so the
    warm-up is the fresh bake's very first `train`), in a new home every run, and the
    baseline. Every cold run is a first run, so cold has no warm-up of its own: the warm-up
    round before it has loaded the same files into the page cache."""
    homes = bench.work / "cold-homes"
    # Prefect creates its home but not the folders above it.
    homes.mkdir()
    plain = bench.work / "baseline-models"
    sides = {
        "warm": lambda i: train(python, project, quiet_env()),
        "cold": lambda i: train(python, project, quiet_env(home=homes / str(i))) if i else None,
        "baseline": lambda i: baseline(python, project, quiet_env(), plain, "--source", "sklearn"),
    }
    return alternate(bench, project, runs + 1, sides)


def paired(bench: Bench, tag: str, count: int, prefect: Side, plain: Side, cwd: Path) -> dict:
    """A bake's `train` and the baseline, in turn, `count` rounds."""
    return alternate(bench, cwd, count, {tag: lambda i: prefect, "baseline": lambda i: plain})


def probe(bench: Bench, python: Path, project: Path, env: dict, *args: str) -> tuple[dict, Run]:
    """Run benchmarks/probes.py in a bake's folder; return its figures and its run."""
    out = bench.work / f"probe-{args[0]}.json"
    command = [python, PROBES, *args, "--out", out]
    run = check(timed(command, project, env, bench.log(f"probe-{args[0]}")), f"probe {args[0]}")
    return json.loads(out.read_text()), run


def bake_timing(bench: Bench, runs: int) -> list[Run]:
    """`cookiecutter --no-input` with the default answers, a warm-up first."""
    out = bench.work / "bake-timing"
    command = [BIN / "cookiecutter", "--no-input", "-o", out, TEMPLATE]
    bakes = []
    for _ in range(runs + 1):
        shutil.rmtree(out, ignore_errors=True)
        bakes.append(check(timed(command, TEMPLATE, os.environ.copy(), bench.log("bake")), "bake"))
    return bakes


def same_outputs(prefect_models: Path, plain_models: Path) -> dict:
    """Whether both sides' last version has the same metrics and the same files."""
    version = "v2" if (prefect_models / "v2").exists() else "v1"
    mine, theirs = prefect_models / version, plain_models / version
    metrics = [json.loads((d / "metadata.json").read_text())["metrics"] for d in (mine, theirs)]
    files = [sorted(p.name for p in d.iterdir()) for d in (mine, theirs)]
    return {
        "version": version,
        "metrics": metrics[0],
        "same_metrics": metrics[0] == metrics[1],
        "files": files[0],
        "same_files": files[0] == files[1],
        "both_champion_json": all(
            (d / "champion.json").exists() for d in (prefect_models, plain_models)
        ),
    }


def versions(python: Path) -> dict[str, str]:
    """Versions of Prefect and scikit-learn in a bake's environment."""
    code = "import importlib.metadata as m; print(m.version('prefect'), m.version('scikit-learn'))"
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    prefect, sklearn = out.stdout.split()
    return {"prefect": prefect, "scikit-learn": sklearn}


def machine() -> dict:
    """Cores, memory, Python and date of this run."""
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(pages / 2**30, 1),
        "python": platform.python_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def make_data(bench: Bench, args: argparse.Namespace) -> dict[str, Path]:
    """The generated Parquet files, kept between benchmark runs (their names carry the rows)."""
    folder = bench.scratch / "data"
    rows = {"medium": args.medium_rows, "large": args.large_rows, "tuning": args.tuning_rows}
    return {k: data.write_parquet(folder / f"{k}-{n}.parquet", n) for k, n in rows.items()}


def make_bakes(bench: Bench, files: dict[str, Path]) -> dict[str, Path]:
    """The default bake, the medium bake and one tuning bake per task runner."""
    bakes = {"default": bench.bake("default")}
    bakes["medium"] = bench.bake(
        "medium",
        project_name="Bench Medium",
        model_type="gradient_boosting",
        dataset_uri=str(files["medium"]),
        **PARQUET,
    )
    for runner in RUNNERS:
        bakes[runner] = bench.bake(
            f"tuning-{runner}",
            project_name=f"Bench Tuning {runner}",
            model_type="random_forest",
            task_runner=runner,
            dataset_uri=str(files["tuning"]),
            **PARQUET,
        )
    return bakes


def install(bench: Bench, bakes: dict[str, Path]) -> dict[str, Path]:
    """One environment for the default bake, one for the medium bake, one for the tuning
    bakes; returns their interpreters."""
    pythons = {name: bench.venv(name, [bakes[name]]) for name in ("default", "medium")}
    pythons["tuning"] = bench.venv("tuning", [bakes[runner] for runner in RUNNERS])
    return pythons


def plain_parquet(path: Path, *flags: str) -> list[str]:
    """The baseline's flags for a Parquet bake reading `path`."""
    source = ["--source", "parquet", "--target-column", data.TARGET_COLUMN]
    return [*source, "--dataset-uri", str(path), *flags]


@dataclasses.dataclass(frozen=True)
class Setup:
    """What the measurements share: the scratch folders, the bakes, their interpreters, the
    data files and the number of measured runs."""

    bench: Bench
    bakes: dict[str, Path]
    pythons: dict[str, Path]
    files: dict[str, Path]
    runs: int
    memory_runs: int


def small_and_medium(s: Setup, env: dict) -> dict[str, dict]:
    """The default and medium bakes against the running server, each with the baseline."""
    work, rounds = s.bench.work, s.runs + 1
    py, default = s.pythons["default"], s.bakes["default"]
    mpy, medium = s.pythons["medium"], s.bakes["medium"]
    small_plain = baseline(py, default, env, work / "baseline-models-server", "--source", "sklearn")
    medium_flags = plain_parquet(s.files["medium"], *NO_SEARCH)
    medium_plain = baseline(mpy, medium, env, work / "baseline-models-medium", *medium_flags)
    medium_prefect = train(mpy, medium, env, *NO_SEARCH)
    return {
        "served": paired(s.bench, "server", rounds, train(py, default, env), small_plain, default),
        "medium": paired(s.bench, "medium", rounds, medium_prefect, medium_plain, medium),
    }


def probes(s: Setup, env: dict) -> dict:
    """The cache probe on the medium bake and the tuning probe on the tuning bakes."""
    medium = s.bakes["medium"]
    storage = s.bench.work / "cache-storage"
    flags = [f"--package={package_of(medium)}", f"--runs={s.runs}", f"--scratch={storage}"]
    return {
        "cache": probe(s.bench, s.pythons["medium"], medium, env, "cache", *flags)[0],
        "tuning": tuning_probe(s.bench, s.pythons["tuning"], s.bakes, env, s.runs),
    }


def memory(s: Setup, env: dict) -> tuple[dict, int]:
    """Training on the large file, with its own registry on both sides; returns the runs and
    the validated frame's size in bytes, as the baseline measured it."""
    work, mpy, medium = s.bench.work, s.pythons["medium"], s.bakes["medium"]
    large = s.files["large"]
    size = work / "frame-bytes"
    flags = plain_parquet(large, *NO_SEARCH, f"--frame-bytes-out={size}")
    plain = baseline(mpy, medium, env, work / "baseline-models-memory", *flags)
    prefect = train(
        mpy, medium, env, *NO_SEARCH, "--dataset-uri", str(large), models=work / "memory-models"
    )
    runs = paired(s.bench, "memory", s.memory_runs, prefect, plain, medium)
    return runs, int(size.read_text())


def served(s: Setup, env: dict) -> dict:
    """Everything measured against the running server."""
    runs = small_and_medium(s, env)
    found = probes(s, env)
    runs["memory"], frame_bytes = memory(s, env)
    return {"runs": runs, "probes": found, "frame_bytes": frame_bytes}


def tuning_probe(bench: Bench, python: Path, bakes: dict, env: dict, runs: int) -> dict:
    """The tuning subflow of each runner's bake, the references without Prefect, and the
    median time Dask and Ray took to start, from the probe's log."""
    packages = [f"--package={package_of(bakes[runner])}" for runner in RUNNERS]
    figures, run = probe(
        bench, python, bakes["threads"], env, "tuning", f"--runs={runs}", *packages
    )
    by_package = figures.pop("runners")
    figures["runners"] = {runner: by_package[package_of(bakes[runner])] for runner in RUNNERS}
    figures["start"] = {r: spans(run, *RUNNER_START[r])[1:] for r in RUNNER_START}
    return figures


def outputs(bakes: dict, work: Path) -> dict:
    """Whether the Prefect runs and the baseline wrote the same things."""
    return {
        "default": same_outputs(bakes["default"] / "models", work / "baseline-models"),
        "medium": same_outputs(bakes["medium"] / "models", work / "baseline-models-medium"),
    }


class Clock:
    """Progress lines with the seconds since the start, and named laps for the report."""

    def __init__(self):
        self.start = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        """Record and print the time since the previous lap."""
        now = time.perf_counter()
        self.laps[name] = now - self.last
        self.last = now
        print(f"[{now - self.start:5.0f} s] {name}: {self.laps[name]:.0f} s", flush=True)


def main() -> None:
    """Measure everything and write results.json, RESULTS.md and the chart."""
    args = parse_args()
    clock = Clock()
    bench = Bench(args.scratch)
    files = make_data(bench, args)
    clock.lap("data")
    bakes_timed = bake_timing(bench, args.runs)
    bakes = make_bakes(bench, files)
    pythons = install(bench, bakes)
    setup = Setup(bench, bakes, pythons, files, args.runs, args.memory_runs)
    clock.lap("bakes and virtual environments")
    local = embedded(bench, pythons["default"], bakes["default"], args.runs)
    clock.lap("embedded-server runs")
    prefect = pythons["default"].parent / "prefect"
    with prefect_server(prefect, bakes["default"], bench.log("server")) as (api_url, started):
        measured = served(setup, quiet_env(api_url=api_url))
    clock.lap("runs against a running server")
    suite = None
    if args.suite:
        suite = timed(["make", "test"], TEMPLATE, os.environ.copy(), bench.log("suite"), 3600)
        clock.lap("make test")
    runs = {"local": local, **measured["runs"], "bakes": bakes_timed, "suite": suite}
    extra = {
        "server_start": started,
        "frame_bytes": measured["frame_bytes"],
        "outputs": outputs(bakes, bench.work),
        "files": {name: path.stat().st_size for name, path in files.items()},
        "data_rows": {k: getattr(args, f"{k}_rows") for k in ("medium", "large", "tuning")},
        "versions": versions(pythons["default"]),
    }
    results, details = report.summarize(runs, measured["probes"], extra, args.runs)
    details.update(machine=machine(), laps=clock.laps, total=time.perf_counter() - clock.start)
    report.write(args.output_dir, results, details)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
