"""Run every benchmark: `python -m bench [--quick] [--only NAME ...]`.

Each benchmark prints its table and writes bench/results/NAME[-quick].json; this prints a
summary of every row at the end and exits 1 if a benchmark could not run at all.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import traceback
from collections.abc import Callable

from bench.report import Report

NAMES = (
    "recording",
    "fanout",
    "timers",
    "scale",
    "commands_load",
    "matrix_roundtrip",
    "importer",
    "expiry",
    "passages",
)


def runner(name: str) -> Callable[[bool], Report | None]:
    if name == "recording":
        from bench import recording

        return lambda quick: asyncio.run(recording.run(quick))
    if name == "fanout":
        from bench import fanout

        return fanout.run
    if name == "timers":
        from bench import timers

        return lambda quick: asyncio.run(timers.run(quick))
    if name == "scale":
        from bench import scale

        return scale.run
    if name == "commands_load":
        from bench import commands_load

        return lambda quick: asyncio.run(commands_load.run(quick))
    if name == "matrix_roundtrip":
        from bench import matrix_suite

        return matrix_suite.run
    if name == "importer":
        from bench import importer

        return importer.run
    if name == "expiry":
        from bench import expiry

        return expiry.run
    if name == "passages":
        from bench import passages

        return lambda quick: asyncio.run(passages.run(quick))
    raise KeyError(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes that finish in seconds")
    parser.add_argument("--only", nargs="+", choices=NAMES, help="run only these benchmarks")
    args = parser.parse_args(argv)
    reports: list[Report] = []
    broken: list[str] = []
    for name in args.only or NAMES:
        started = time.perf_counter()
        try:
            report = runner(name)(args.quick)
        except Exception:
            traceback.print_exc()
            broken.append(name)
            continue
        if report is not None:
            reports.append(report)
        print(f"  ({name}: {time.perf_counter() - started:.0f} s)", flush=True)
    print("\n== summary ==")
    for report in reports:
        for row in report.rows:
            print(f"  {'met   ' if row.met else 'MISSED'}  {report.benchmark}: {row.name} "
                  f"(ratio {row.ratio:.3g}, target {'≥' if row.direction == 'at_least' else '≤'} "
                  f"{row.target:g})")  # fmt: skip
    for name in broken:
        print(f"  BROKEN  {name}: see the traceback above")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
