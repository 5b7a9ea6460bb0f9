#!/usr/bin/env python3
"""Times cel-python (celpy) on the readiness expression `stageset-bench cel eval` times.

The expression is compiled once; the objects (one JSON document a line, from `stageset-bench cel
generate`) are converted with celpy.json_to_cel before the clock starts, and each run evaluates the
program once per object. Prints wall-clock and CPU time per run and their medians.
usage: celpy_bench.py FILE [--runs N]
"""
import json
import logging
import sys
import time

import celpy

EXPRESSION = (
    "status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')"
    " && status.observedGeneration == metadata.generation"
)


def main():
    logging.disable(logging.CRITICAL)
    path = sys.argv[1]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 11
    with open(path, encoding="utf-8") as handle:
        objects = [json.loads(line) for line in handle if line.strip()]
    activations = [
        {name: celpy.json_to_cel(obj.get(name)) for name in ("metadata", "spec", "status")} for obj in objects
    ]
    environment = celpy.Environment()
    program = environment.program(environment.compile(EXPRESSION))
    wall, cpu = [], []
    for run in range(1, runs + 1):
        cpu_start = time.thread_time()
        start = time.perf_counter()
        ready = 0
        for activation in activations:
            result = program.evaluate(activation)
            if isinstance(result, celpy.celtypes.BoolType) and result:
                ready += 1
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - cpu_start) * 1000)
        print(f"run {run}: {wall[-1]:.2f} ms wall, {cpu[-1]:.2f} ms cpu ({ready} of {len(activations)} ready)")
    median = lambda values: sorted(values)[len(values) // 2]
    print(f"median: {median(wall):.2f} ms wall, {median(cpu):.2f} ms cpu")


if __name__ == "__main__":
    main()
