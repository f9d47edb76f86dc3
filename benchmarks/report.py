"""From measured runs to benchmarks/results.json, benchmarks/RESULTS.md and the ratios chart."""

import json
import math
from pathlib import Path

from matplotlib.figure import Figure

from benchmarks.measure import Run, median, phases

MIB = 2**20
CHART = "ratios.png"
# Each figure's goal, as text and as a test; figures are reported against them, never asserted.
GOALS = {
    "cold_ratio": ("<= 8", lambda v: v <= 8),
    "warm_ratio": ("<= 4", lambda v: v <= 4),
    "server_ratio": ("<= 2", lambda v: v <= 2),
    "medium_ratio": ("<= 1.05", lambda v: v <= 1.05),
    "tuning_speedup": (">= 1.8, best runner", lambda v: max(v.values()) >= 1.8),
    "cache_ratio": ("<= 0.1", lambda v: v <= 0.1),
    "memory_ratio": ("<= 3", lambda v: v <= 3),
    "bake_seconds": ("<= 1", lambda v: v <= 1),
    "suite_seconds": ("<= 900 (15 min)", lambda v: v <= 900),
}
RATIO_GOALS = {"cold": 8, "warm": 4, "server": 2, "medium": 1.05, "cache": 0.1, "memory": 3}
PHASES = ["start-up", "server start", "flow", "exit"]


def seconds(runs: list[Run]) -> float:
    """Median wall time of the successful runs."""
    return median([r.seconds for r in runs if r.ok])


def peak_mib(runs: list[Run]) -> float:
    """Median peak RSS of the successful runs, in MiB."""
    return median([r.peak_rss_bytes / MIB for r in runs if r.ok])


def phase_medians(runs: list[Run]) -> dict[str, float]:
    """Median seconds of each phase found in the runs' logs."""
    found = [phases(r) for r in runs if r.ok]
    return {
        n: median([p[n] for p in found if n in p]) for n in PHASES if any(n in p for p in found)
    }


def scenario(prefect: list[Run], plain: list[Run], mode: str) -> dict:
    """A side-by-side row: both sides' medians, the ratio, peak memory, failed runs."""
    return {
        "mode": mode,
        "prefect_s": seconds(prefect),
        "plain_s": seconds(plain),
        "ratio": seconds(prefect) / seconds(plain),
        "prefect_mib": peak_mib(prefect),
        "plain_mib": peak_mib(plain),
        "runs": len(prefect),
        "failed": sum(not r.ok for r in prefect),
        "phases": phase_medians(prefect),
    }


def rounded(value):
    """Figures to three decimals and NaN to null, through dicts."""
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 3)
    return value


def scenarios(runs: dict) -> dict[str, dict]:
    """The side-by-side rows; the warm-up round is left out."""
    local, served, medium, memory = runs["local"], runs["served"], runs["medium"], runs["memory"]
    return {
        "cold": scenario(local["cold"], local["baseline"][1:], "embedded, new home each run"),
        "warm": scenario(local["warm"][1:], local["baseline"][1:], "embedded, project's home"),
        "server": scenario(served["server"][1:], served["baseline"][1:], "running local server"),
        "medium": scenario(medium["medium"][1:], medium["baseline"][1:], "running local server"),
        "memory": scenario(memory["memory"], memory["baseline"], "running local server"),
    }


def summarize(runs: dict, probes: dict, extra: dict, count: int) -> tuple[dict, dict]:
    """The results.json figures, and the details RESULTS.md explains them with."""
    rows = scenarios(runs)
    tuning = probes["tuning"]
    sequential = median(tuning["sequential"])
    runner_s = {name: median(values) for name, values in tuning["runners"].items()}
    cache = {name: median(values) for name, values in probes["cache"].items()}
    suite = runs["suite"]
    results = {
        "cold_ratio": rows["cold"]["ratio"],
        "warm_ratio": rows["warm"]["ratio"],
        "server_ratio": rows["server"]["ratio"],
        "medium_ratio": rows["medium"]["ratio"],
        "tuning_speedup": {name: sequential / s for name, s in runner_s.items()},
        "cache_ratio": cache["again"] / cache["first"],
        "memory_ratio": rows["memory"]["prefect_mib"] * MIB / extra["frame_bytes"],
        "bake_seconds": seconds(runs["bakes"][1:]),
        "suite_seconds": suite.seconds if suite and suite.ok else None,
    }
    first = runs["local"]["warm"][0]
    details = {
        "count": count,
        "rows": rows,
        "first_train": {"ok": first.ok, "seconds": first.seconds, "phases": phases(first)},
        "tuning": {
            "sequential": sequential,
            "threadpool": median(tuning["threadpool"]),
            **runner_s,
        },
        "runner_start": {name: median(values) for name, values in tuning["start"].items()},
        "cache": cache,
        "suite_failed": bool(suite and not suite.ok),
        **extra,
    }
    return rounded(results), details


def phase_text(phases_: dict[str, float]) -> str:
    """`start-up 9.1 s, server start 8.0 s, flow 2.1 s, exit 0.3 s`."""
    return ", ".join(f"{name} {value:.1f} s" for name, value in phases_.items())


def startup_bound(key: str, d: dict) -> str:
    """What bounds the cold, warm and server ratios: the fixed costs around the flow."""
    row, empty = d["rows"][key], d["cache"]["empty"]
    fixed = row["prefect_s"] - row["phases"].get("flow", 0)
    return (
        f"{row['prefect_s']:.1f} s against {row['plain_s']:.1f} s for the whole plain script. "
        f"The Prefect run's own log: {phase_text(row['phases'])}. Outside the flow, "
        f"{fixed:.1f} s alone is {fixed / row['plain_s']:.1f}x the plain run. Inside it, each of "
        f"the training run's 3 flow runs costs about {empty:.2f} s even empty (an empty subflow "
        "against the running server)."
    )


def medium_bound(d: dict) -> str:
    """What bounds medium_ratio: the same fixed cost, and costs that grow with the data."""
    row, small = d["rows"]["medium"], d["rows"]["server"]
    fixed = small["prefect_s"] - small["plain_s"]
    rest = row["prefect_s"] - row["plain_s"] - fixed
    return (
        f"{row['prefect_s']:.1f} s against {row['plain_s']:.1f} s. A run against a running "
        f"server costs about {fixed:.1f} s more than its plain script even on iris (server_ratio),"
        f" {fixed / row['plain_s']:.0%} of this plain run; the rest of the difference, "
        f"{rest:+.1f} s, comes with the data. Prefect run: {phase_text(row['phases'])}. At that "
        f"fixed cost, 1.05 needs a plain run of at least {fixed / 0.05:.0f} s: the search on this "
        "data (24 histogram-boosting fits) would be one, but is left out to keep the benchmark "
        "short."
    )


def tuning_bound(d: dict) -> str:
    """What bounds the tuning speedups: runner start-up and the threads' shared interpreter."""
    t, start = d["tuning"], d["runner_start"]
    started = ", ".join(f"{name} {value:.1f} s to start" for name, value in start.items())
    pool = t["sequential"] / t["threadpool"]
    return (
        f"the grid takes {t['sequential']:.2f} s one candidate after the other without Prefect, "
        f"{t['threadpool']:.2f} s on a plain thread pool ({pool:.2f}x, the most a thread runner "
        "can reach here: the Python parts of each fit hold the interpreter lock); the subflow "
        "takes "
        + ", ".join(f"{r} {t[r]:.2f} s" for r in ("threads", "dask", "ray"))
        + f" ({started}, in every run, since each subflow run starts its own runner). "
        f"On {d['machine']['cores']} cores the limit is {d['machine']['cores']}x."
    )


def cache_bound(d: dict) -> str:
    """What bounds cache_ratio: a flow run's own cost and reading the cached results back."""
    c = d["cache"]
    return (
        f"first run {c['first']:.2f} s, unchanged re-run {c['again']:.2f} s. An empty subflow "
        f"costs {c['empty']:.2f} s by itself (floor of the ratio: {c['empty'] / c['first']:.2f}); "
        f"the other {c['again'] - c['empty']:.2f} s are three task runs: the read and the split "
        "taken back from the result store (keyed on the data's version, no row is hashed) and "
        "the checks, which run every time."
    )


def memory_bound(d: dict) -> str:
    """What bounds memory_ratio: the pipeline's own copies, and the process before any data."""
    row, small, frame = d["rows"]["memory"], d["rows"]["server"], d["frame_bytes"] / MIB
    return (
        f"the frame holds {frame:.0f} MiB; the peak RSS is {row['prefect_mib']:.0f} MiB with "
        f"Prefect and {row['plain_mib']:.0f} MiB for the plain script (ratio "
        f"{row['plain_mib'] / frame:.2f}): the split's copies, the imputers' object arrays and the "
        "dense one-hot matrix belong to the pipeline itself. A run on iris already peaks at "
        f"{small['prefect_mib']:.0f} MiB with Prefect ({small['plain_mib']:.0f} MiB plain): the "
        "interpreter and its libraries, the frame and its train/test copy make "
        f"{(small['prefect_mib'] + 2 * frame) / frame:.1f}x before any model work."
    )


def bounds(d: dict) -> dict[str, str]:
    """For each figure, what bounds it, in the measured numbers."""
    notes = {f"{key}_ratio": startup_bound(key, d) for key in ("cold", "warm", "server")}
    notes.update(
        medium_ratio=medium_bound(d),
        tuning_speedup=tuning_bound(d),
        cache_ratio=cache_bound(d),
        memory_ratio=memory_bound(d),
        bake_seconds="cookiecutter's own start-up, rendering and the two hooks.",
        suite_seconds="the baked projects' own suites and the end-to-end runs dominate it.",
    )
    return notes


def verdict(key: str, value) -> str:
    """met, not met, or not run."""
    if value is None:
        return "not run"
    return "met" if GOALS[key][1](value) else "**not met**"


def shown(key: str, value) -> str:
    """A figure as the goals table shows it."""
    if value is None:
        return "null"
    if isinstance(value, dict):
        return ", ".join(f"{name} {v:.2f}" for name, v in value.items())
    return f"{value:.2f} s" if key.endswith("seconds") else f"{value:.2f}"


def goals_section(results: dict, d: dict) -> str:
    """Every goal, its figure, met or not; then what bounds each missed one."""
    first = d["first_train"]
    outcome = "succeeded" if first["ok"] else "failed"
    lines = [
        "| figure | goal | measured | |",
        "| --- | --- | --- | --- |",
        f"| first `train` of a fresh bake | succeeds | {outcome} in {first['seconds']:.1f} s | "
        f"{'met' if first['ok'] else '**not met**'} |",
    ]
    missed = []
    notes = bounds(d)
    for key, (goal, _) in GOALS.items():
        met = verdict(key, results[key])
        lines.append(f"| `{key}` | {goal} | {shown(key, results[key])} | {met} |")
        if met != "met" and results[key] is not None:
            missed.append(f"- `{key}`: {notes[key]}")
    if results["suite_seconds"] is None:
        missed.append("- `suite_seconds`: not run (`make bench SUITE=1` runs it).")
    first_line = f"The fresh bake's first `train`: {phase_text(first['phases'])}."
    return (
        "\n".join(lines)
        + "\n\n"
        + first_line
        + "\n\nWhat bounds the missed goals:\n\n"
        + ("\n".join(missed))
    )


def scenarios_table(d: dict) -> str:
    """The side-by-side medians."""
    lines = [
        "| scenario | how Prefect runs | Prefect | plain | ratio | peak RSS, Prefect / plain |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, row in d["rows"].items():
        failed = f" ({row['failed']} of {row['runs']} failed)" if row["failed"] else ""
        lines.append(
            f"| {name} | {row['mode']} | {row['prefect_s']:.2f} s{failed} | {row['plain_s']:.2f} s"
            f" | {row['ratio']:.2f} | {row['prefect_mib']:.0f} / {row['plain_mib']:.0f} MiB |"
        )
    return "\n".join(lines)


def phases_table(d: dict) -> str:
    """Median phases of the Prefect runs, from their own logs."""
    lines = ["| scenario | " + " | ".join(PHASES) + " | total |", "|" + " --- |" * 6]
    for key in ("cold", "warm", "server", "medium"):
        row = d["rows"][key]
        cells = [f"{row['phases'][n]:.1f} s" if n in row["phases"] else "-" for n in PHASES]
        lines.append(f"| {key} | " + " | ".join(cells) + f" | {row['prefect_s']:.1f} s |")
    return "\n".join(lines)


def tuning_table(results: dict, d: dict) -> str:
    """The tuning subflow per runner against the sequential grid."""
    lines = [
        "| runner | median | speedup | runner start-up |",
        "| --- | --- | --- | --- |",
        f"| no Prefect, one candidate after the other | {d['tuning']['sequential']:.2f} s"
        " | 1.00 | - |",
        f"| no Prefect, a thread pool of one thread per core | {d['tuning']['threadpool']:.2f} s"
        f" | {d['tuning']['sequential'] / d['tuning']['threadpool']:.2f} | - |",
    ]
    for runner, speedup in results["tuning_speedup"].items():
        start = d["runner_start"].get(runner)
        started = f"{start:.1f} s" if start is not None else "-"
        lines.append(f"| {runner} | {d['tuning'][runner]:.2f} s | {speedup:.2f} | {started} |")
    return "\n".join(lines)


def chart(path: Path, results: dict) -> None:
    """Bars of the ratios against their goals, and of the tuning speedups."""
    figure = Figure(figsize=(10, 4.2))
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    names = list(RATIO_GOALS)[::-1]
    values = [results[f"{name}_ratio"] for name in names]
    goals = [RATIO_GOALS[name] for name in names]
    colors = ["tab:green" if v <= g else "tab:red" for v, g in zip(values, goals, strict=True)]
    left.barh(names, values, color=colors)
    left.scatter(goals, names, marker="|", s=500, color="black", label="goal", zorder=3)
    left.set(xscale="log", xlabel="Prefect / plain scikit-learn (lower is better)")
    left.set_title("ratios (log scale)")
    left.legend(loc="upper right")
    runners = list(results["tuning_speedup"])
    speeds = [results["tuning_speedup"][r] for r in runners]
    right.bar(runners, speeds, color=["tab:green" if s >= 1.8 else "tab:red" for s in speeds])
    right.axhline(1.8, color="black", linewidth=1, label="goal 1.8")
    right.axhline(1.0, color="grey", linewidth=1, linestyle="--", label="sequential")
    right.set(ylabel="speedup over sequential (higher is better)", title="tuning subflow")
    right.set_ylim(0, max(2.1, *speeds) * 1.05)
    right.legend(loc="upper right")
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def intro(d: dict) -> str:
    """Where, when and how often."""
    m, v = d["machine"], d["versions"]
    return (
        f"Measured by `make bench` on {m['date']}: {m['cores']} cores, {m['memory_gib']} GiB of "
        f"memory, Python {m['python']}, Prefect {v['prefect']}, scikit-learn {v['scikit-learn']}."
        f" Each time is the median of {d['count']} runs after a warm-up run, whole processes "
        "from start to exit, each Prefect run taking turns with the plain script that does the "
        "same work ([baseline.py](baseline.py)) in the same virtual environment."
    )


def cache_text(d: dict) -> str:
    """The cache probe in words."""
    c = d["cache"]
    return (
        f"The preprocessing subflow on the medium data ({d['data_rows']['medium']:,} rows), "
        "called twice inside a parent flow against the running server, the first time with an "
        f"empty result store: {c['first']:.2f} s, then {c['again']:.2f} s with the read and the "
        f"split cached. An empty subflow takes {c['empty']:.2f} s."
    )


def how(d: dict) -> str:
    """The set-up of each figure, and what the baseline does not reproduce."""
    rows, sizes = d["data_rows"], {k: f"{v / MIB:.0f} MiB" for k, v in d["files"].items()}
    same = all(o["same_metrics"] and o["same_files"] for o in d["outputs"].values())
    agree = "the same as" if same else "**not** the same as"
    return "\n".join(
        [
            "- Bakes: `cookiecutter --no-input` into benchmarks/.scratch/. Each bake gets a "
            "virtual environment made as the baked `make install` makes it: uv with "
            "`--compile-bytecode`, the project installed editable (without the dev group, which "
            "`train` does not use). This machine sets PYTHONDONTWRITEBYTECODE=1 and uv writes no "
            "bytecode by default: without `--compile-bytecode`, every start compiles Prefect anew.",
            "- `cold_ratio`, `warm_ratio`: the default bake (iris, random forest, thread runner), "
            "`python -m iris_classifier train` on the embedded server; cold in a new Prefect home "
            "each run (PREFECT_HOME), warm in the project's own `.prefect/`. The warm-up of the "
            "warm runs is the fresh bake's very first `train`.",
            "- `server_ratio`: the same against `prefect server start --host 127.0.0.1` (as "
            "`make server`), started by the benchmark and stopped after.",
            f"- `medium_ratio`: a Parquet bake with `gradient_boosting` on {rows['medium']:,} rows "
            f"x 30 columns (22 numeric, 7 categorical, the label; {sizes['medium']} on disk), "
            "`train --tune false`, against the running server. The search is left out to fit the "
            "time budget: on this data it is 24 histogram-boosting fits of about 10 s each.",
            f"- `tuning_speedup`: random-forest bakes, one per task runner, on {rows['tuning']:,} "
            "rows of the same data; the tuning subflow (8 candidates x 3 folds) in one process "
            "against the running server, its runner's start included, over the same candidates "
            "scored one after the other by the same `score_candidate` function without Prefect.",
            "- `cache_ratio`: see Cache above.",
            f"- `memory_ratio`: `train --tune false` of the Parquet bake on {rows['large']:,} rows "
            f"({sizes['large']} on disk); peak RSS of the training process over the validated "
            "frame's `memory_usage(deep=True)`. Every process is started through "
            "[peak.py](peak.py), which takes its peak RSS from wait4 (and adds the same few "
            "milliseconds to both sides' times). "
            f"{d['rows']['memory']['runs']} run per side: peak memory does not depend on warm "
            "caches, and each run takes minutes.",
            "- `bake_seconds`: `cookiecutter --no-input` with the default answers. "
            "`suite_seconds`: `make test`, only with `make bench SUITE=1`.",
            "- Telemetry off (DO_NOT_TRACK=1, PREFECT_SERVER_ANALYTICS_ENABLED=false); every "
            "server listens on 127.0.0.1 only.",
            f"- The baseline's metrics and registry files are {agree} the Prefect runs' "
            "(checked on the last version of the default and medium bakes). "
            "It does not reproduce what only Prefect does: flow and task runs, states and logs "
            "sent to the API, the metrics, report and progress artifacts, result persistence and "
            "caching, retries and timeouts; `flow_run_id` in metadata.json is null. Its search is "
            "scikit-learn's GridSearchCV on a thread pool of one thread per core, one "
            "BLAS/OpenMP thread per fit, as the bake's thread runner does; its report.md has the "
            "same plots and tables, worded more tersely.",
        ]
    )


def markdown(results: dict, d: dict) -> str:
    """RESULTS.md."""
    laps = ", ".join(f"{name} {value:.0f} s" for name, value in d["laps"].items())
    sections = [
        "# Benchmarks: the baked project against a plain scikit-learn script",
        intro(d),
        f"![Ratios and tuning speedups]({CHART})",
        "## Goals\n\n" + goals_section(results, d),
        "## Side by side\n\n" + scenarios_table(d),
        "## Where a Prefect run's time goes\n\nFrom each run's own log. Start-up: before the "
        "embedded server starts or, against a running server, before the flow run begins; "
        "mostly imports. Server start: until the first flow run begins. Flow: the training "
        "flow's first to last log line. Exit: the rest, the embedded server's shutdown "
        "included.\n\n" + phases_table(d),
        "## Tuning\n\n" + tuning_table(results, d),
        "## Cache\n\n" + cache_text(d),
        "## How it was measured\n\n" + how(d),
        f"The benchmark took {d['total']:.0f} s once the template's .venv was ready ({laps}).",
    ]
    return "\n\n".join(sections) + "\n"


def write(folder: Path, results: dict, details: dict) -> None:
    """results.json, RESULTS.md and the chart."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    chart(folder / CHART, results)
    (folder / "RESULTS.md").write_text(markdown(results, details))
