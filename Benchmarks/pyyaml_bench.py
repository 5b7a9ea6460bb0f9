#!/usr/bin/env python3
"""Times PyYAML's libyaml-backed loader (yaml.CSafeLoader) over a multi-document file.

Prints wall-clock and CPU time per run and their medians, like `stageset-bench yaml-decode`.
usage: pyyaml_bench.py FILE [--runs N]
"""
import sys
import time

import yaml


def main():
    path = sys.argv[1]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 11
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    wall, cpu = [], []
    for run in range(1, runs + 1):
        cpu_start = time.thread_time()
        start = time.perf_counter()
        documents = [d for d in yaml.load_all(text, Loader=yaml.CSafeLoader) if d is not None]
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - cpu_start) * 1000)
        print(f"run {run}: {wall[-1]:.2f} ms wall, {cpu[-1]:.2f} ms cpu ({len(documents)} documents)")
        del documents
    median = lambda values: sorted(values)[len(values) // 2]
    print(f"median: {median(wall):.2f} ms wall, {median(cpu):.2f} ms cpu")


if __name__ == "__main__":
    main()
