#!/usr/bin/env python3
"""Turns the JMH JSON of the comparison suite (benchmarks/run-comparison) into Markdown tables and,
with --png, a chart.

    python3 benchmarks/comparison-report.py benchmarks/target/comparison [--png FILE]
    python3 benchmarks/comparison-report.py benchmarks/target/comparison-smoke --check

The directory holds one JSON per placement (free.json, one-cpu.json, two-cpus.json, as
run-placements writes them; missing ones are left out). Every figure is JMH's median (p0.50).
Round trips are shown with their overhead over the raw JDK socket of the same run, placement and
size; one-way and aggregate figures as throughput. The tables need the standard library only;
the chart needs matplotlib (run-comparison installs it in a venv of its own). --check (CI's smoke
run) prints one line instead, and fails unless every benchmark of the suite has a median.
"""
import argparse
import json
import math
import os
import sys

PLACEMENTS = (("free", "free"), ("one-cpu", "one CPU"), ("two-cpus", "two CPUs"))
PACKAGE = "io.asyncipc.benchmarks."
ROUND_TRIP = "ComparisonRoundTripBenchmarks"
ONE_WAY = "ComparisonOneWayBenchmarks"
AGGREGATE = "ComparisonAggregateBenchmarks"

# (benchmark method, params that select it) -> label, in the order of the tables.
ROUND_TRIP_ROWS = (
    ("raw", {}, "raw JDK socket"),
    ("asyncIpc", {"replySpin": "default"}, "AsyncIPC convertSendAndReceive"),
    ("asyncIpc", {"replySpin": "PT0S"}, "AsyncIPC convertSendAndReceive, caller parked at once (replySpin 0)"),
    ("grpc", {"executor": "default"}, "gRPC-UDS, default executor"),
    ("grpc", {"executor": "direct"}, "gRPC-UDS, directExecutor"),
    ("http", {}, "HTTP/1.1, RestClient to Spring MVC"),
)
ONE_WAY_ROWS = (
    ("raw", "raw JDK socket, one write per message"),
    ("pipeTemplate", "AsyncIPC PipeTemplate"),
    ("grpcClientStreaming", "gRPC-UDS client streaming"),
    ("http", "HTTP/1.1, one POST per message"),
)
AGGREGATE_ROWS = (("asyncIpc", "AsyncIPC"), ("grpc", "gRPC-UDS"))


def load(directory):
    """Returns {placement: [(class, method, params, median µs)]} for the placements that ran."""
    results = {}
    for placement, _ in PLACEMENTS:
        path = os.path.join(directory, placement + ".json")
        if not os.path.exists(path):
            continue
        rows = []
        with open(path) as file:
            for result in json.load(file):
                name = result["benchmark"]
                if not name.startswith(PACKAGE):
                    continue
                cls, method = name[len(PACKAGE):].rsplit(".", 1)
                metric = result["primaryMetric"]
                if metric["scoreUnit"] != "us/op":
                    sys.exit(f"{path}: {name} is in {metric['scoreUnit']}, expected us/op (sample mode)")
                rows.append((cls, method, result.get("params") or {}, metric["scorePercentiles"]["50.0"]))
        results[placement] = rows
    if not results:
        sys.exit(f"no free.json, one-cpu.json or two-cpus.json in {directory}")
    return results


# The value of a parameter in results that predate it.
PARAM_DEFAULTS = {"replySpin": "default"}

# Rows measured only when asked for (with -p): the CI smoke run does not need them.
OPTIONAL_PARAMS = {"replySpin": "PT0S"}


def param(params, key):
    return params.get(key, PARAM_DEFAULTS.get(key))


def median(rows, cls, method, **params):
    for c, m, p, value in rows:
        if c == cls and m == method and all(param(p, k) == str(v) for k, v in params.items()):
            return value
    return None


def sizes(results, cls):
    found = {int(p["size"]) for rows in results.values() for c, _, p, _ in rows if c == cls and "size" in p}
    return sorted(found)


def label_size(size):
    return f"{size // 1024} KiB" if size >= 1024 else f"{size} B"


def fmt(value, digits=1):
    return "–" if value is None else f"{value:.{digits}f}"


def signed(value):
    """An overhead with its sign: a round trip can beat the raw blocking ping-pong."""
    return f"{'+' if value >= 0 else '−'}{abs(value):.1f}"


def sig(value):
    """About three significant digits, never in exponent notation: figures range over six orders of magnitude."""
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def rate(micros):
    """Messages per second, in millions, from µs per message."""
    return None if not micros else 1 / micros


def ratio(a, b, digits=2):
    return "–" if a is None or b is None or b == 0 else f"{a / b:.{digits}f}"


def print_tables(results):
    placements = [(p, title) for p, title in PLACEMENTS if p in results]
    header = "| " + " | ".join(title for _, title in placements) + " |"
    rule = "| --- " * (len(placements) + 1) + "|"

    print("## Request-reply round trip (median µs; in brackets, the overhead over raw)\n")
    for size in sizes(results, ROUND_TRIP):
        print(f"{label_size(size)}:\n")
        print("| candidate " + header)
        print(rule)
        overheads = {}
        for method, params, label in ROUND_TRIP_ROWS:
            cells = []
            for placement, _ in placements:
                rows = results[placement]
                value = median(rows, ROUND_TRIP, method, size=size, **params)
                raw = median(rows, ROUND_TRIP, "raw", size=size)
                if value is None:
                    cells.append("–")
                elif method == "raw":
                    cells.append(fmt(value))
                else:
                    overheads[(label, placement)] = value - raw if raw is not None else None
                    cells.append(f"{fmt(value)} ({signed(value - raw)})" if raw is not None else fmt(value))
            if any(cell != "–" for cell in cells):
                print(f"| {label} | " + " | ".join(cells) + " |")
        asyncipc = ROUND_TRIP_ROWS[1][2]
        for other, target in ((ROUND_TRIP_ROWS[3][2], "≤ 0.20"), (ROUND_TRIP_ROWS[5][2], "≤ 0.10")):
            cells = [ratio(overheads.get((asyncipc, p)), overheads.get((other, p))) for p, _ in placements]
            print(f"| **overhead, AsyncIPC / {other}** (target {target}) | " + " | ".join(cells) + " |")
        cells = [ratio(median(results[p], ROUND_TRIP, "asyncIpc", size=size, replySpin="default"),
                       median(results[p], ROUND_TRIP, "raw", size=size)) for p, _ in placements]
        print("| **AsyncIPC / raw** | " + " | ".join(cells) + " |")
        print()

    print("## One way (median µs per message, and million messages per second)\n")
    for size in sizes(results, ONE_WAY):
        print(f"{label_size(size)}:\n")
        print("| candidate " + header)
        print(rule)
        for method, label in ONE_WAY_ROWS:
            cells = []
            for placement, _ in placements:
                value = median(results[placement], ONE_WAY, method, size=size)
                cells.append("–" if value is None else f"{sig(value)} ({sig(rate(value))} M/s)")
            print(f"| {label} | " + " | ".join(cells) + " |")
        for other, label in (("grpcClientStreaming", "gRPC client streaming"), ("raw", "raw")):
            cells = []
            for placement, _ in placements:
                theirs = median(results[placement], ONE_WAY, other, size=size)
                ours = median(results[placement], ONE_WAY, "pipeTemplate", size=size)
                # Throughput is the inverse of the time per message.
                cells.append(sig(theirs / ours) if theirs and ours else "–")
            print(f"| **throughput, PipeTemplate / {label}** | " + " | ".join(cells) + " |")
        print()

    clients = sorted({int(p["clients"]) for rows in results.values() for c, _, p, _ in rows if c == AGGREGATE})
    if clients:
        print("## Aggregate one way, 64 B, many clients against one server (million messages per second)\n")
        print("| candidate, clients " + header)
        print(rule)
        for method, label in AGGREGATE_ROWS:
            for count in clients:
                cells = [sig(rate(median(results[p], AGGREGATE, method, clients=count))) for p, _ in placements]
                print(f"| {label}, {count} | " + " | ".join(cells) + " |")
        print()


def check(results):
    """Fails unless every benchmark of the suite produced a positive median in every placement that ran."""
    expected = [(ROUND_TRIP, method, params) for method, params, _ in ROUND_TRIP_ROWS
                if not any(params.get(k) == v for k, v in OPTIONAL_PARAMS.items())]
    expected += [(ONE_WAY, method, {}) for method, _ in ONE_WAY_ROWS]
    expected += [(AGGREGATE, method, {}) for method, _ in AGGREGATE_ROWS]
    missing = []
    count = 0
    for placement, rows in results.items():
        for cls, method, params in expected:
            found = [v for c, m, p, v in rows if c == cls and m == method
                     and all(param(p, k) == val for k, val in params.items())]
            if not found or not all(v > 0 and math.isfinite(v) for v in found):
                missing.append(f"{placement}: {cls}.{method}{params or ''}")
            count += len(found)
    if missing:
        print("no median for: " + "; ".join(missing))
        sys.exit(1)
    print(f"{count} benchmarks ran, each with a median ({', '.join(results)}; timings not checked)")


def chart(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    placements = [(p, title) for p, title in PLACEMENTS if p in results]
    panels = [(ROUND_TRIP, size) for size in sizes(results, ROUND_TRIP)]
    panels += [(ONE_WAY, size) for size in sizes(results, ONE_WAY)]
    has_aggregate = any(c == AGGREGATE for rows in results.values() for c, _, _, _ in rows)
    count = len(panels) + (1 if has_aggregate else 0)
    columns = 3
    lines = math.ceil(count / columns)
    figure, axes = plt.subplots(lines, columns, figsize=(6 * columns, 5.5 * lines), squeeze=False)
    axes = [axis for line in axes for axis in line]
    for axis in axes[count:]:
        axis.set_visible(False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]

    for axis, (cls, size) in zip(axes, panels):
        if cls == ROUND_TRIP:
            series = [(label, lambda rows, m=m, p=p: median(rows, cls, m, size=size, **p)) for m, p, label in ROUND_TRIP_ROWS]
            axis.set_title(f"round trip, {label_size(size)} (median µs, lower is better)")
            axis.set_ylabel("µs")
        else:
            series = [(label, lambda rows, m=m: rate(median(rows, cls, m, size=size))) for m, label in ONE_WAY_ROWS]
            axis.set_title(f"one way, {label_size(size)} (M msg/s, higher is better)")
            axis.set_ylabel("million messages per second")
        # A series that this run did not measure (an optional row) takes no room.
        # Each keeps its colour, the same in every panel.
        series = [(colour, label, value) for colour, (label, value) in enumerate(series)
                  if any(value(results[p]) is not None for p, _ in placements)]
        width = 0.8 / len(series)
        for index, (colour, label, value) in enumerate(series):
            xs = [i + (index - (len(series) - 1) / 2) * width for i in range(len(placements))]
            ys = [value(results[p]) or 0 for p, _ in placements]
            axis.bar(xs, ys, width, label=label, color=colours[colour % len(colours)])
        axis.set_xticks(range(len(placements)), [title for _, title in placements])
        axis.set_yscale("log")
        axis.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, frameon=False)

    if has_aggregate:
        axis = axes[len(panels)]
        styles = ("-", "--", ":")
        for index, (method, label) in enumerate(AGGREGATE_ROWS):
            for style, (placement, title) in zip(styles, placements):
                points = sorted((int(p["clients"]), rate(v)) for c, m, p, v in results[placement]
                                if c == AGGREGATE and m == method)
                if points:
                    axis.plot([x for x, _ in points], [y for _, y in points], style, marker="o",
                              color=colours[index % len(colours)], label=f"{label}, {title}")
        axis.set_xscale("log", base=2)
        axis.set_yscale("log")
        clients = sorted({int(p["clients"]) for rows in results.values() for c, _, p, _ in rows if c == AGGREGATE})
        axis.set_xticks(clients, [str(count) for count in clients])
        axis.set_title("aggregate one way, 64 B (M msg/s, higher is better)")
        axis.set_xlabel("clients")
        axis.set_ylabel("million messages per second")
        axis.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)

    figure.suptitle("AsyncIPC against raw JDK sockets, gRPC over a Unix socket and HTTP on loopback (JMH medians)")
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", help="where run-comparison wrote free.json, one-cpu.json, two-cpus.json")
    parser.add_argument("--png", help="write the chart to this file (needs matplotlib)")
    parser.add_argument("--check", action="store_true", help="only check that every benchmark has a median")
    arguments = parser.parse_args()
    results = load(arguments.directory)
    if arguments.check:
        check(results)
        return
    print_tables(results)
    if arguments.png:
        chart(results, arguments.png)
        print(f"chart: {arguments.png}")


if __name__ == "__main__":
    main()
